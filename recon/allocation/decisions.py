"""What becomes of a stored match: a person accepts or rejects a suggestion or undoes a confirmed
match; a new run supersedes the suggestions it replaces.

Apart from creating matches (``allocations``) because each starts from a match already stored,
locked by id, and ends in a status change with an audit row, never a deletion. Accepting applies
the money through ``allocations.apply_match``, so both keep the same invariants; accepting or
rejecting teaches the payer's alias. Raises ``InvariantError`` for a match in the wrong status or
an undo without a reason, ``NotFound`` for an unknown match.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon import audit
from recon.allocation import adjustments, alias_policy, targets
from recon.allocation.aliases import remember_alias
from recon.allocation.allocations import Receipt, apply_match, snapshot
from recon.db.types import utcnow
from recon.errors import Code, InvariantError, NotFound
from recon.models import ACTIVE_STATUSES, Match, StatementLine

__all__ = ["confirm_match", "reject_match", "supersede_suggestions", "undo_match"]


def confirm_match(session: Session, match_id: int, *, actor: str) -> Match:
    """A person accepts a suggestion: it becomes ``manual`` and is applied, keeping its origin
    (``suggestion``), confidence and reasons; a specific payer name is learned."""
    match = _match(session, match_id)
    if match.status != "suggested":
        raise InvariantError("match %(id)s is %(status)s: only suggestions can be accepted",
                             code="not_a_suggestion", id=match_id, status=Code(match.status))
    before = snapshot(match)
    match.status = "manual"
    apply_match(session, match, _receipt_of(match), actor)
    _learn(session, match, "positive", actor)
    audit.record(
        session,
        actor=actor,
        action="match.accept",
        obj=match,
        before=before,
        after=snapshot(match),
    )
    return match


def reject_match(
    session: Session, match_id: int, *, actor: str, reason: str | None = None
) -> Match:
    """A person rejects a suggestion; remembered as a negative alias for its customer."""
    match = _match(session, match_id)
    if match.status != "suggested":
        raise InvariantError("match %(id)s is %(status)s: only suggestions can be rejected",
                             code="not_a_suggestion", id=match_id, status=Code(match.status))
    before = snapshot(match)
    match.status, match.closed_at, match.closed_by = "rejected", utcnow(), actor
    match.close_reason = reason
    _learn(session, match, "negative", actor)
    audit.record(
        session,
        actor=actor,
        action="match.reject",
        obj=match,
        before=before,
        after=snapshot(match),
        reason=reason,
    )
    return match


def undo_match(session: Session, match_id: int, *, actor: str, reason: str) -> Match:
    """Reverse a confirmed match: invoices reopen, the receipt is unallocated again."""
    if not reason or not reason.strip():
        raise InvariantError("undo needs a reason", code="reason_missing")
    match = _match(session, match_id)
    if match.status not in ACTIVE_STATUSES:
        raise InvariantError("match %(id)s is %(status)s: only confirmed ones can be undone",
                             code="not_confirmed", id=match_id, status=Code(match.status))
    before = snapshot(match)
    receipt = _receipt_of(match)
    for alloc in match.allocations:
        invoice = targets.invoice(session, alloc.invoice_id)
        invoice.paid_minor -= alloc.amount_minor
        invoice.refresh_status()
        receipt.allocated_minor -= alloc.receipt_minor
    for adj in match.adjustments:
        if adj.status == "applied":
            adjustments.reverse(session, adj, actor, reason)
    match.status, match.closed_at, match.closed_by, match.close_reason = (
        "undone",
        utcnow(),
        actor,
        reason,
    )
    audit.record(
        session,
        actor=actor,
        action="match.undo",
        obj=match,
        before=before,
        after=snapshot(match),
        reason=reason,
    )
    return match


def supersede_suggestions(
    session: Session, receipt: Receipt, *, actor: str, stale: Sequence[Match] | None = None
) -> int:
    """Mark the open suggestions of ``receipt`` stale (a new run proposes afresh).

    ``stale``: the receipt's suggestions the caller already loaded (saves a query per receipt);
    only those still ``suggested`` are changed.
    """
    if stale is None:
        column = (
            Match.statement_line_id if isinstance(receipt, StatementLine) else Match.gateway_txn_id
        )
        stale = session.scalars(
            select(Match).where(column == receipt.id, Match.status == "suggested")
        ).all()
    stale = [m for m in stale if m.status == "suggested"]
    for match in stale:
        match.status, match.closed_at, match.closed_by = "superseded", utcnow(), actor
    return len(stale)


def _learn(session: Session, match: Match, polarity: str, actor: str) -> None:
    """Remember the payer for the match's customers -- only a specific payer name
    (``alias_policy.refusal``); a refused one is audited with the reason instead."""
    payer = alias_policy.payer_of(_receipt_of(match))
    customers = {targets.invoice(session, a.invoice_id).customer_id for a in match.allocations}
    for customer_id in sorted(customers):
        why = alias_policy.refusal(session, payer, customer_id, polarity=polarity)
        if why is not None:
            if payer and payer.strip():
                audit.record(session, actor=actor, action="alias.not_learned", obj=match,
                             after={"payer": payer, "customer_id": customer_id}, reason=why)
            continue
        row = remember_alias(
            session, customer_id=customer_id, payer_name=payer, polarity=polarity, actor=actor,
            source="confirmed" if polarity == "positive" else "rejected",
        )  # fmt: skip
        if row is not None and not row.extra:
            row.extra = {"match_id": match.id}


def _receipt_of(match: Match) -> Receipt:
    receipt = match.statement_line or match.gateway_txn
    if receipt is None:  # pragma: no cover - the check constraint makes this impossible
        raise NotFound("match %(id)s has no receipt", code="match_not_found", id=match.id)
    return receipt


def _match(session: Session, match_id: int) -> Match:
    match = session.get(Match, match_id, with_for_update=True)
    if match is None:
        raise NotFound("match %(id)s does not exist", code="match_not_found", id=match_id)
    return match

