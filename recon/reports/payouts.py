"""Report rows (service layer, read-only): gateway payouts against the bank deposits found.

``payout_rows(session)`` returns one ``PayoutRow`` per payout: its expected net is the sum of
the nets of the balance transactions carrying its payout id (charges - refunds - fees -
disputes), or the payout amount itself while none are known; the deposit is the bank line of
the confirmed ``payout_deposit`` match, else of the open suggestion: a deposit that differs from
the payout is exactly what the matcher will not auto-confirm, and the difference must still be
reported. Raises nothing of its own.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.models import ACTIVE_STATUSES as _ACTIVE
from recon.models import GatewayTransaction, Match, StatementLine
from recon.money import from_minor
from recon.reports.rows import PayoutRow

__all__ = ["payout_rows"]

_FOUND = (*_ACTIVE, "suggested")


def payout_rows(session: Session) -> list[PayoutRow]:
    """Every payout with its expected net (its balance transactions) and matched deposit."""
    gt = GatewayTransaction
    payouts = list(
        session.scalars(select(gt).where(gt.kind == "payout").order_by(gt.occurred_at, gt.id))
    )
    if not payouts:
        return []
    parts: dict[tuple[str, str], list[int]] = defaultdict(list)
    ids = [p.gateway_id for p in payouts]
    for txn in session.scalars(select(gt).where(gt.kind != "payout", gt.payout_id.in_(ids))):
        parts[(txn.gateway, txn.payout_id or "")].append(txn.net_minor)
    found = _deposits(session, [p.id for p in payouts])
    return [_payout_row(p, parts.get((p.gateway, p.gateway_id)), found.get(p.id)) for p in payouts]


def _payout_row(
    p: GatewayTransaction, parts: list[int] | None, deposit: StatementLine | None
) -> PayoutRow:
    cur = p.currency
    expected = sum(parts) if parts else abs(p.gross_minor)
    return PayoutRow(
        gateway=p.gateway,
        payout_id=p.gateway_id,
        currency=cur,
        date=p.occurred_at.date() if p.occurred_at else None,
        payout_amount=from_minor(abs(p.gross_minor), cur),
        expected_net=from_minor(expected, cur),
        components=len(parts or ()),
        deposit=from_minor(deposit.amount_minor, cur) if deposit else None,
        deposit_ref=(deposit.bank_ref or "") if deposit else "",
        deposit_date=deposit.booking_date if deposit else None,
    )


def _deposits(session: Session, payout_ids: list[int]) -> dict[int, StatementLine]:
    stmt = (
        select(Match.gateway_txn_id, Match.status, StatementLine)
        .join(StatementLine, StatementLine.id == Match.statement_line_id)
        .where(
            Match.kind == "payout_deposit",
            Match.status.in_(_FOUND),
            Match.gateway_txn_id.in_(payout_ids),
        )
        .order_by(Match.id)
    )
    found: dict[int, StatementLine] = {}
    confirmed: set[int] = set()
    for txn_id, status, line in session.execute(stmt):
        if int(txn_id) in confirmed:
            continue  # a confirmed deposit wins over any suggestion
        found[int(txn_id)] = line
        if status in _ACTIVE:
            confirmed.add(int(txn_id))
    return found
