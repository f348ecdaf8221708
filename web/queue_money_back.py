"""Web layer: closing a money-back queue item (POST, CSRF-checked, clerk or approver).

A refund, chargeback or bank return reopened an invoice the receipt had paid, or a bank return
found no credit (``recon.money_back``): the person says what they did -- re-invoiced, wrote
the reopened amount off (``recon.allocation.reversals.write_off_reopened``, in the same
transaction, four eyes above the limit), or dismissed it -- and why, in a note. The item then
leaves the queue. A rule broken (no note, closed already) is flashed, nothing written.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from recon import money_back
from recon.allocation import reversals
from recon.errors import NotFound, ServiceError
from recon.models import GatewayTransaction, MoneyBackItem, StatementLine
from web.auth import roles_required
from web.context import runtime, transaction
from web.queue_base import KINDS, bp

__all__ = ["RESOLUTION_LABELS"]

RESOLUTION_LABELS = {
    "reinvoiced": lambda: _("Re-invoiced"),
    "written_off": lambda: _("Written off"),
    "dismissed": lambda: _("Dismissed"),
    "restored": lambda: _("Money came back"),
    "linked": lambda: _("Linked to its credit"),
}


@bp.post("/<kind>/<int:receipt_id>/money-back/<int:item_id>/close")
@roles_required("clerk", "approver")
def close_money_back(kind: str, receipt_id: int, item_id: int) -> Any:
    if kind not in KINDS:
        abort(404)
    resolution = request.form.get("resolution", "")
    note = request.form.get("note", "")
    try:
        with transaction() as session:
            item = session.get(MoneyBackItem, item_id)
            if item is None or item.receipt_key != f"{kind}-{receipt_id}":
                raise NotFound(f"money-back item {item_id} is not on this receipt")
            money_back.close(session, item_id, resolution=resolution, note=note,
                             actor=current_user.username)
            pending = _write_off(session, item, note) if resolution == "written_off" else 0
    except NotFound:
        abort(404)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("queue.detail", kind=kind, receipt_id=receipt_id))
    flash(_("Closed: %(what)s.", what=RESOLUTION_LABELS[resolution]()), "success")
    if pending:
        flash(_("Above the limit: sent for approval."), "success")
    return redirect(url_for("queue.index"))


def _write_off(session: Any, item: MoneyBackItem, note: str) -> int:
    """Write off what stays open on the invoices the item's receipt paid; returns how many
    write-offs wait for approval."""
    receipt = (session.get(StatementLine, item.statement_line_id) if item.statement_line_id
               else session.get(GatewayTransaction, item.gateway_txn_id))
    done = reversals.write_off_reopened(session, receipt, limit=runtime(session),
                                        actor=current_user.username, reason=note.strip())
    return sum(adj.status == "pending_approval" for adj in done)
