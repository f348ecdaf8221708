"""Web layer: the triage screen — one receipt at a time beside what the matcher proposes.

``GET /triage`` shows an item of a queue view (same filters and sort as ``/queue``; ``item``
names one, else the view's first): the receipt as the bank sent it on the left, the proposed
invoice(s) with customer, due date, open amount and the difference on the right, the reasons in
words, the alternatives as one-click buttons, a hand match and a write-off. Every action (POST,
clerk or approver) is one ``recon`` call in one transaction and then shows the *next* item of
the same view, so the person never goes back to the list. htmx swaps ``#triage`` (counts
included) and pushes the new URL; without JavaScript the same forms post and redirect.

A mistake (an amount like ``99O.00``, an unknown invoice, a rule the service refuses) answers
422 with the same item, the message beside the form and what was typed still in the fields.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from recon.allocation import decisions
from recon.errors import NotFound, ServiceError
from recon.models import MONEY_BACK_CAUSES, Invoice, User
from recon.queue import actions as act
from recon.queue import work
from recon.queue.detail import receipt_of, search_open_invoices
from recon.queue.triage import TriageView, open_total, triage_view
from web.auth import require_login, roles_required
from web.context import db_session, runtime, transaction
from web.i18n import money
from web.labels import label, plain
from web.queue import CAUSE_LABELS, read_filters
from web.reasons import ReasonContext, explain
from web.triage_forms import FormError, HandMatch, parse_hand_match, parse_write_off

__all__ = ["bp"]

bp = Blueprint("triage", __name__, url_prefix="/triage")
require_login(bp)
bp.add_app_template_global(label, "label")

ACTORS = ("clerk", "approver")
VIEW_KEYS = ("cause", "account", "currency", "min_age", "max_age", "q", "sort")


def _view_args(source: Any) -> dict[str, str]:
    return {k: source[k] for k in VIEW_KEYS if source.get(k)}


def _render(view_args: dict[str, str], key: str | None, *, notice=None, form=None,
            status: int = 200, offer: dict[str, str] | None = None) -> Any:  # fmt: skip
    filters = read_filters(MultiDict(view_args))
    sort = view_args.get("sort", "-age")
    try:
        view = triage_view(db_session(), filters, sort=sort, key=key)
    except ValueError as exc:
        abort(400, description=str(exc))
    html = render_template(
        "triage/index.html", v=view, view_args=view_args, view_query=urlencode(view_args),
        notice=notice, form=form or {}, offer=offer or {}, candidates=_candidates(view),
        limit=runtime().limit_for(view.item.currency) if view.item else None,
        cause_words={k: str(w) for k, w in CAUSE_LABELS.items()}, money_back=MONEY_BACK_CAUSES,
        explain_match=lambda m: _explain(view, m), **_work(view),
    )  # fmt: skip
    headers = {}
    if view.item is not None and request.headers.get("HX-Request") == "true":
        headers["HX-Push-Url"] = url_for("triage.index", item=view.item.key, **view_args)
    return html, status, headers


def _work(view: TriageView) -> dict[str, Any]:
    """Who works the item, its notes, and the people it can be given to."""
    if view.item is None:
        return {"assignee": None, "notes": [], "people": []}
    session = db_session()
    key = (view.item.kind, view.item.id)
    people = session.scalars(
        sa.select(User.username)
        .where(User.active, User.role.in_(("clerk", "approver", "admin")))
        .order_by(User.username)
    )
    return {"assignee": work.assignees(session, [key]).get(view.item.key),
            "notes": work.notes_of(session, *key), "people": list(people)}  # fmt: skip


def _explain(view: TriageView, m: Any) -> dict[str, Any]:
    """A suggestion's reasons in words, with the gap between its invoices and the receipt."""
    assert view.item is not None
    gap = open_total(view.invoices, m) - view.item.unapplied
    numbers = ", ".join(view.invoices[a.invoice_id].invoice_no for a in m.allocations
                        if a.invoice_id in view.invoices)  # fmt: skip
    ctx = ReasonContext(gap=gap, gap_text=money(abs(gap), view.item.currency), invoices=numbers,
                        count=len(m.allocations))  # fmt: skip
    return {"gap": gap, "reasons": explain(m.reasons, ctx)}


def _candidates(view: TriageView) -> list[Any]:
    """Likely invoices before anything is typed: same amount, then the payer's name."""
    if view.item is None:
        return []
    found = search_open_invoices(db_session(), str(view.item.unapplied),
                                 currency=view.item.currency, limit=5)  # fmt: skip
    payer = (view.item.payer or "").split()
    if payer and len(found) < 5:
        more = search_open_invoices(db_session(), payer[0], currency=view.item.currency, limit=5)
        found += [inv for inv in more if inv not in found][: 5 - len(found)]
    return found


@bp.get("")
def index() -> Any:
    return _render(_view_args(request.args), request.args.get("item"))


def _act(
    kind: str, receipt_id: int, fn, done, offer: dict[str, str] | None = None, stay: bool = False
) -> Any:
    """Run ``fn(session)`` in one transaction; then the next item, or this one with the error."""
    view_args = _view_args(request.form)
    try:
        with transaction() as session:
            message = done(fn(session))
    except NotFound as exc:
        return _render(view_args, None, notice=("error", plain(str(exc))), status=404)
    except FormError as exc:
        return _render(
            view_args,
            f"{kind}-{receipt_id}",
            notice=("error", exc.message),
            form={**request.form.to_dict(), "field": exc.field},
            status=422,
        )
    except ServiceError as exc:
        form = {**request.form.to_dict(), "field": (request.endpoint or "").rpartition(".")[2]}
        return _render(view_args, f"{kind}-{receipt_id}", notice=("error", plain(str(exc))),
                       form=form, status=422)  # fmt: skip
    nxt = f"{kind}-{receipt_id}" if stay else (request.form.get("next") or None)
    if request.headers.get("HX-Request") != "true":
        flash(message, "success")
        return redirect(url_for("triage.index", item=nxt, **view_args))
    return _render(view_args, nxt, notice=("success", message), offer=offer)


@bp.post("/<kind>/<int:receipt_id>/accept")
@roles_required(*ACTORS)
def accept(kind: str, receipt_id: int) -> Any:
    match_id, actor = _match_id(), current_user.username
    return _act(kind, receipt_id, lambda s: decisions.confirm_match(s, match_id, actor=actor),
                lambda _m: _("Suggestion accepted."))  # fmt: skip


@bp.post("/<kind>/<int:receipt_id>/reject")
@roles_required(*ACTORS)
def reject(kind: str, receipt_id: int) -> Any:
    match_id, actor = _match_id(), current_user.username
    reason = request.form.get("reason") or None
    return _act(
        kind, receipt_id,
        lambda s: decisions.reject_match(s, match_id, actor=actor, reason=reason),
        lambda _m: _("Suggestion rejected; it will not be proposed again."),
    )  # fmt: skip


def _match_id() -> int:
    raw = request.form.get("match_id", "")
    return int(raw) if raw.isdigit() else 0  # 0 does not exist: NotFound, shown as an error


@bp.post("/<kind>/<int:receipt_id>/match")
@roles_required(*ACTORS)
def match(kind: str, receipt_id: int) -> Any:
    actor, limit = current_user.username, runtime()

    offer: dict[str, str] = {}

    def run(session) -> Any:
        hm: HandMatch = parse_hand_match(session, request.form, kind, receipt_id)
        offer.update(_rule_offer(session, kind, receipt_id, hm))
        return act.manual_match(
            session, kind=kind, receipt_id=receipt_id, actor=actor, limit=limit,
            rows=[act.ManualRow(i, a) for i, a in hm.rows], difference=hm.difference,
        )  # fmt: skip

    return _act(kind, receipt_id, run, lambda _m: _("Matched by hand."), offer=offer)


def _rule_offer(session: Any, kind: str, receipt_id: int, hm: HandMatch) -> dict[str, str]:
    """What a rule from this hand match would say: this payer → this customer."""
    receipt = receipt_of(session, kind, receipt_id)
    payer = getattr(receipt, "counterparty_name", None)
    invoice = session.get(Invoice, hm.rows[0][0]) if hm.rows else None
    if kind != "line" or not payer or invoice is None:
        return {}
    return {"payer": payer, "customer": invoice.customer.name, "outcome": "customer",
            "name": f"{payer} → {invoice.customer.name}"}  # fmt: skip


@bp.post("/<kind>/<int:receipt_id>/write-off")
@roles_required(*ACTORS)
def write_off(kind: str, receipt_id: int) -> Any:
    actor, limit = current_user.username, runtime()

    def run(session) -> Any:
        amount, reason = parse_write_off(request.form)
        return act.write_off(session, line_id=receipt_id, receipt_kind=kind, actor=actor,
                             limit=limit, reason=reason, amount=amount)  # fmt: skip

    return _act(kind, receipt_id, run, _written_off)


@bp.post("/<kind>/<int:receipt_id>/assign")
@roles_required(*ACTORS)
def assign(kind: str, receipt_id: int) -> Any:
    who, actor = request.form.get("assignee") or None, current_user.username
    return _act(kind, receipt_id, lambda s: work.assign(s, kind, receipt_id, who, actor=actor),
                lambda _r: _("Assigned to %(who)s.", who=who) if who else _("Unassigned."),
                stay=True)  # fmt: skip


@bp.post("/<kind>/<int:receipt_id>/note")
@roles_required(*ACTORS)
def note(kind: str, receipt_id: int) -> Any:
    text, actor = request.form.get("note", ""), current_user.username
    return _act(kind, receipt_id, lambda s: work.add_note(s, kind, receipt_id, text, actor=actor),
                lambda _n: _("Note added."), stay=True)  # fmt: skip


def _written_off(adj: Any) -> str:
    if adj.status == "pending_approval":
        return _("Above the limit: the write-off waits for a second person's approval.")
    return _("Written off.")
