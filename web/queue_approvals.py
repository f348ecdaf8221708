"""Web layer: write-offs waiting for a second person (four eyes) — the approvals page and the
approve / reject / withdraw decisions on it.

An approver approves or rejects (a reason is required to reject); the preparer may only
withdraw their own. The rule itself is checked again in ``recon.allocation.adjustments`` inside
the transaction, so a forged form or two people deciding at once cannot pass it.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from recon.allocation import adjustments
from recon.errors import NotFound, ServiceError
from recon.queue.pending_writeoffs import pending_writeoffs
from web.auth import roles_required
from web.context import db_session, transaction
from web.queue_actions import ACTORS, APPROVERS
from web.queue_base import bp

__all__ = ["DECIDED"]


@bp.route("/approvals")
def approvals() -> str:
    return render_template("queue/approvals.html", pending=pending_writeoffs(db_session()))


@bp.post("/approvals/<int:adjustment_id>/<decision>")
@roles_required(*ACTORS)
def decide(adjustment_id: int, decision: str) -> Any:
    """Approve or reject (approvers, with a reason to reject), or withdraw (the preparer)."""
    if decision not in ("approve", "reject", "withdraw"):
        abort(404)
    if decision != "withdraw" and not current_user.has_role(*APPROVERS):
        abort(403)
    actor, role, reason = current_user.username, current_user.role, request.form.get("reason")
    try:
        with transaction() as session:
            if decision == "approve":
                adjustments.approve(session, adjustment_id, actor=actor, role=role, note=reason)
            elif decision == "reject":
                adjustments.reject(session, adjustment_id, actor=actor, role=role,
                                   reason=reason or "")
            else:
                adjustments.withdraw(session, adjustment_id, actor=actor, reason=reason)
        flash(DECIDED[decision](), "success")
    except NotFound:
        raise
    except ServiceError as exc:
        flash(str(exc), "error")
    return redirect(url_for("queue.approvals"))


DECIDED = {
    "approve": lambda: _("Write-off approved."),
    "reject": lambda: _("Write-off rejected."),
    "withdraw": lambda: _("Write-off withdrawn; the amount is unapplied again."),
}
