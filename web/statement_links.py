"""The public end of a reminder's statement link: ``GET /s/<token>`` shows the customer the
statement the signed token names (HTML, or ``?format=pdf``). No login -- the signature is the
authorisation, as for the webhooks; a forged, altered or expired token answers 404."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from recon.collections.delivery import statement_html
from recon.customer_statements.links import read_token
from recon.customer_statements.render import to_pdf
from recon.models import Customer
from web.context import db_session, settings

__all__ = ["bp"]

bp = Blueprint("statement_links", __name__)


@bp.route("/s/<token>")
def show(token: str) -> Response:
    found = read_token(settings().require_secret_key(), token)
    if found is None:
        abort(404)
    customer = db_session().get(Customer, found[0]) or abort(404)
    html = statement_html(db_session(), customer, found[1])
    if request.args.get("format") == "pdf":
        return Response(to_pdf(html), mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="statement-{found[1]}.pdf"'})
    return Response(html, mimetype="text/html")
