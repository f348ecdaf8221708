"""Web layer: the exception queue's actions (POST, CSRF-checked, role-checked on the server).

Each view parses the form, runs ONE ``recon.queue.actions`` (or decisions /
adjustments) call inside one transaction, and answers: an htmx request gets the re-rendered
receipt (or queue row) with a notice, a plain form post a flash and a redirect. A rule the
person broke (``ServiceError``) is shown as an error notice; nothing of the action is written.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from recon.allocation import alias_policy, decisions
from recon.errors import NotFound, ServiceError
from recon.queue import actions as act
from web.auth import roles_required, safe_next
from web.context import runtime, transaction
from web.queue_base import KINDS, bp, render_detail

__all__: list[str] = []

ACTORS = ("clerk", "approver")  # may clear the queue (admin passes every check)
APPROVERS = ("approver",)


def _htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _decimal(name: str, raw: str | None, *, required: bool = True) -> Decimal | None:
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        if required:
            abort(400, description=f"{name} is required")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        abort(400, description=f"{name} {raw!r} is not an amount")
    if not value.is_finite():
        abort(400, description=f"{name} {raw!r} is not an amount")
    return value


def _id(name: str) -> int:
    raw = request.form.get(name, "")
    if not raw.isdigit():
        abort(400, description=f"{name} is required")
    return int(raw)


def _run(
    kind: str, receipt_id: int, fn: Callable[[Any], Any], done: str | Callable[[Any], str],
    **owned: int,
) -> Any:
    """Run ``fn(session)`` as one transaction and answer the receipt page or fragment;
    ``owned`` (``match_id=``, ``adjustment_id=``) must belong to the receipt (else 404)."""
    if kind not in KINDS:
        abort(404)
    try:
        with transaction() as session:
            act.check_owner(session, kind, receipt_id, **owned)
            result = fn(session)
            message = done(result) if callable(done) else done
    except NotFound:
        raise
    except ServiceError as exc:
        return _answer(kind, receipt_id, ("error", str(exc)))
    return _answer(kind, receipt_id, ("success", message))


def _answer(kind: str, receipt_id: int, notice: tuple[str, str]) -> Any:
    if _htmx():
        return render_detail(kind, receipt_id, notice=notice)
    flash(notice[1], notice[0])
    return redirect(url_for("queue.detail", kind=kind, receipt_id=receipt_id))


@bp.post("/<kind>/<int:receipt_id>/accept")
@roles_required(*ACTORS)
def accept(kind: str, receipt_id: int) -> Any:
    match_id = _id("match_id")
    actor = current_user.username
    if kind not in KINDS:
        abort(404)
    if request.form.get("from") == "list":
        return _accept_in_list(kind, receipt_id, match_id, actor)
    return _run(
        kind, receipt_id, lambda s: decisions.confirm_match(s, match_id, actor=actor),
        _("Suggestion accepted."), match_id=match_id,
    )  # fmt: skip


def _accept_in_list(kind: str, receipt_id: int, match_id: int, actor: str) -> Any:
    try:
        with transaction() as session:
            act.check_owner(session, kind, receipt_id, match_id=match_id)
            decisions.confirm_match(session, match_id, actor=actor)
    except NotFound:
        raise
    except ServiceError as exc:
        return render_template("queue/_row_done.html", ok=False, message=str(exc))
    return render_template("queue/_row_done.html", ok=True, message=_("Accepted"))


@bp.post("/<kind>/<int:receipt_id>/reject")
@roles_required(*ACTORS)
def reject(kind: str, receipt_id: int) -> Any:
    match_id, reason = _id("match_id"), request.form.get("reason") or None
    actor = current_user.username
    return _run(
        kind, receipt_id,
        lambda s: decisions.reject_match(s, match_id, actor=actor, reason=reason),
        _("Suggestion rejected; it will not be proposed again."), match_id=match_id,
    )  # fmt: skip


@bp.post("/<kind>/<int:receipt_id>/match")
@roles_required(*ACTORS)
def manual(kind: str, receipt_id: int) -> Any:
    ids = request.form.getlist("invoice_id")
    amounts = request.form.getlist("amount")
    if not ids or len(ids) != len(amounts) or not all(i.isdigit() for i in ids):
        abort(400, description="choose at least one invoice with an amount")
    rows = [
        act.ManualRow(int(i), _decimal("amount", a) or Decimal(0))
        for i, a in zip(ids, amounts, strict=True)
    ]
    kwargs = {
        "kind": kind, "receipt_id": receipt_id, "rows": rows, "actor": current_user.username,
        "limit": runtime(),
        "difference": request.form.get("difference") or None,
        "rest": request.form.get("rest") or None,
    }  # fmt: skip
    return _run(kind, receipt_id, lambda s: act.manual_match(s, **kwargs), _("Matched."))


@bp.post("/<kind>/<int:receipt_id>/classify")
@roles_required(*ACTORS)
def classify(kind: str, receipt_id: int) -> Any:
    kwargs = {
        "line_id": receipt_id, "receipt_kind": kind, "kind": request.form.get("kind", ""),
        "actor": current_user.username, "limit": runtime(),
        "amount": _decimal("amount", request.form.get("amount"), required=False),
        "reason": request.form.get("reason") or None,
    }  # fmt: skip
    return _run(kind, receipt_id, lambda s: act.classify(s, **kwargs), _("Classified."))


@bp.post("/<kind>/<int:receipt_id>/write-off")
@roles_required(*ACTORS)
def write_off(kind: str, receipt_id: int) -> Any:
    kwargs = {
        "line_id": receipt_id, "receipt_kind": kind, "actor": current_user.username,
        "limit": runtime(), "reason": request.form.get("reason", ""),
        "amount": _decimal("amount", request.form.get("amount"), required=False),
    }  # fmt: skip
    return _run(
        kind, receipt_id, lambda s: act.write_off(s, **kwargs),
        lambda adj: _("Above the limit: sent for approval.")
        if adj.status == "pending_approval" else _("Written off."),
    )  # fmt: skip


@bp.post("/<kind>/<int:receipt_id>/undo/<int:match_id>")
@roles_required(*ACTORS)
def undo(kind: str, receipt_id: int, match_id: int) -> Any:
    reason, actor = request.form.get("reason", ""), current_user.username
    return _run(
        kind, receipt_id, lambda s: act.undo(s, match_id, actor=actor, reason=reason),
        _("Match undone."), match_id=match_id,
    )  # fmt: skip


@bp.post("/<kind>/<int:receipt_id>/undo-adjustment/<int:adjustment_id>")
@roles_required(*ACTORS)
def undo_adjustment(kind: str, receipt_id: int, adjustment_id: int) -> Any:
    reason, actor = request.form.get("reason", ""), current_user.username
    return _run(
        kind, receipt_id,
        lambda s: act.undo_adjustment(s, adjustment_id, actor=actor, reason=reason),
        _("Adjustment undone."), adjustment_id=adjustment_id,
    )  # fmt: skip


@bp.post("/bulk-accept")
@roles_required(*ACTORS)
def bulk_accept() -> Any:
    ids = [int(i) for i in request.form.getlist("match_id") if i.isdigit()]
    try:
        with transaction() as session:
            done = act.bulk_accept(session, ids, actor=current_user.username)
        flash(_("%(n)d suggestions accepted.", n=len(done)), "success")
    except ServiceError as exc:
        flash(_("Nothing accepted: %(error)s", error=str(exc)), "error")
    return redirect(safe_next(request.form.get("next"), "queue.index"))


@bp.post("/<kind>/<int:receipt_id>/remember-alias")
@roles_required(*ACTORS)
def remember_alias(kind: str, receipt_id: int) -> Any:
    """The person answered yes to "Remember <payer> = <customer>?" after a hand match."""
    match_id, customer_id, actor = _id("match_id"), _id("customer_id"), current_user.username
    return _run(
        kind, receipt_id,
        lambda s: alias_policy.accept_offer(s, match_id, customer_id, actor=actor),
        lambda row: _("Remembered: %(payer)s pays for this customer.", payer=row.alias),
    )  # fmt: skip


@bp.post("/<kind>/<int:receipt_id>/withdraw/<int:adjustment_id>")
@roles_required(*ACTORS)
def withdraw(kind: str, receipt_id: int, adjustment_id: int) -> Any:
    actor = current_user.username
    return _run(
        kind, receipt_id, lambda s: act.withdraw(s, adjustment_id, actor=actor),
        _("Write-off withdrawn; the amount is unapplied again."),
    )  # fmt: skip
