"""Web layer: the exception queue's pages (read side) — queue and receipt detail.

Views read through ``recon.queue.listing`` / ``queue_detail`` and render; the actions (POST)
live in ``web.queue_actions`` on the same blueprint. Every view needs a login (any role may
read); a bad filter or cursor answers 400.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from recon.models import User
from recon.queue import listing as q
from recon.queue import work
from recon.queue.detail import reasons_of, receipt_detail
from recon.queue.detail import search_open_invoices as search_invoices
from recon.queue.pending_writeoffs import pending_receipts
from recon.queue.suggestions import suggestion_briefs
from web import queue_actions, queue_approvals, queue_money_back  # noqa: F401  (register POST routes on ``bp``)
from web.context import db_session
from web.queue_base import KINDS, bp, render_detail

__all__ = ["CAUSE_LABELS", "bp"]


CAUSE_LABELS = {
    "refunded_after_payment": _l("Refunded after payment"),
    "unidentified_return": _l("Bank return, credit not found"),
    "possible_duplicate": _l("Possible duplicate"),
    "no_candidate": _l("No candidate invoice"),
    "unknown_payer": _l("Unknown payer"),
    "ambiguous": _l("Competing readings"),
    "fee_gap": _l("Fee gap"),
    "partial_payment": _l("Partial payment"),
    "overpayment": _l("Overpayment"),
    "several_invoices": _l("Several invoices"),
    "payout_deposit": _l("Payout deposit"),
    "low_confidence": _l("Low confidence"),
}
SORT_LABELS = {
    "-age": _l("Oldest first"),
    "age": _l("Newest first"),
    "-amount": _l("Largest first"),
    "amount": _l("Smallest first"),
    "account": _l("Account A–Z"),
    "-account": _l("Account Z–A"),
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    # plain strings, translated once per request (not a lazy string per table row)
    return {"cause_labels": {k: str(v) for k, v in CAUSE_LABELS.items()}, "reasons_of": reasons_of}


def _int_arg(name: str, args: Any = None) -> int | None:
    raw = (request.args if args is None else args).get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 5:  # beyond 99,999 days no date is left to compare
        abort(400, description=f"{name} must be a whole number of days (at most 99999)")
    return int(raw)


def read_filters(args: Any = None) -> q.QueueFilter:
    """The queue filter from the query string, or ``args`` (400 on nonsense)."""
    args = request.args if args is None else args
    try:
        return q.QueueFilter(
            cause=args.get("cause") or None,
            account=args.get("account") or None,
            currency=args.get("currency") or None,
            min_age=_int_arg("min_age", args),
            max_age=_int_arg("max_age", args),
            text=args.get("q") or None,
            today=dt.date.today(),
        )
    except ValueError as exc:
        abort(400, description=str(exc))


@bp.route("")
def index() -> str:
    filters = read_filters()
    sort = request.args.get("sort", "-age")
    grouped = request.args.get("group", "1") != "0"
    try:
        page = q.queue_page(
            db_session(), filters, sort=sort, cursor=request.args.get("cursor"), grouped=grouped
        )
    except ValueError as exc:
        abort(400, description=str(exc))
    counts = q.queue_counts(db_session(), filters)
    briefs = suggestion_briefs(db_session(), (i.suggestion_id for i in page.items))
    people = db_session().scalars(
        sa.select(User.username)
        .where(User.active, User.role.in_(("clerk", "approver", "admin")))
        .order_by(User.username)
    )
    return render_template(
        "queue/index.html",
        page=page,
        briefs=briefs,
        assigned=work.assignees(db_session(), ((i.kind, i.id) for i in page.items)),
        views=work.views_of(db_session(), current_user.username),
        people=list(people),
        counts=counts,
        pending=pending_receipts(db_session(), [(i.kind, i.id) for i in page.items]),
        filters=filters,
        sort_labels=SORT_LABELS,
        args={k: v for k, v in request.args.items() if k != "cursor"},
        base_args={k: v for k, v in request.args.items() if k not in ("cursor", "cause")},
    )


def _kind(kind: str) -> str:
    if kind not in KINDS:
        abort(404)
    return kind


@bp.route("/<kind>/<int:receipt_id>")
def detail(kind: str, receipt_id: int) -> str:
    return render_detail(_kind(kind), receipt_id)


@bp.route("/<kind>/<int:receipt_id>/invoices")
def invoices(kind: str, receipt_id: int) -> str:
    """htmx fragment: open invoices in the receipt's currency matching ``q``."""
    data = receipt_detail(db_session(), _kind(kind), receipt_id)
    found = search_invoices(db_session(), request.args.get("q", ""), currency=data.item.currency)
    return render_template("queue/_invoices.html", invoices=found, d=data)
