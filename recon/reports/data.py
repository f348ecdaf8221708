"""Report data (service layer, read-only): the five sections of the daily report as plain rows.

``build_report(session, as_of)`` returns a ``ReportData`` with
- ``accounts``: bank reconciliation per account (opening, receipts matched / unmatched, payments,
  closing per ledger and per statement, and their difference);
- ``payouts``: each gateway payout's expected net vs the bank deposit matched to it;
- ``unmatched``: receipts with money left to clear, with age, cause and best suggestion;
- ``aging``: open invoices per customer and currency in age buckets past due;
- ``exceptions``: the unmatched items and payout differences grouped by cause.
Amounts are exact ``Decimal`` in each row's currency. Receipts' causes come from the exception
queue's SQL (``recon.queue.sql``), so the report and the web queue never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.models import ACTIVE_STATUSES, Match
from recon.money import from_minor
from recon.queue.cause_sql import CAUSES
from recon.queue.sql import items_subquery
from recon.reports.i18n import N_
from recon.reports.payouts import payout_rows
from recon.reports.rows import (
    AccountRow,
    AgingRow,
    ExceptionGroup,
    PayoutRow,
    UnmatchedRow,
    account_rows,
    aging_rows,
)

__all__ = [
    "AGE_BUCKETS",
    "CAUSE_LABELS",
    "ReportData",
    "age_bucket",
    "build_report",
]

AGE_BUCKETS = ("0-7", "8-30", "31-60", "61-90", ">90")
CAUSE_LABELS = {
    "possible_duplicate": N_("possible duplicate"),
    "no_candidate": N_("no candidate invoice"),
    "unknown_payer": N_("unknown payer"),
    "ambiguous": N_("competing readings"),
    "fee_gap": N_("fee gap"),
    "partial_payment": N_("partial payment"),
    "overpayment": N_("overpayment"),
    "several_invoices": N_("several invoices"),
    "payout_deposit": N_("payout deposit"),
    "payout_difference": N_("payout difference"),
    "low_confidence": N_("low confidence"),
    "other": N_("other"),
}
SOURCES = (N_("bank"), N_("gateway"), N_("payout"))  # the kinds of item an exception names


@dataclass(frozen=True)
class ReportData:
    """Everything the report files show, computed once per run."""

    as_of: dt.date
    accounts: list[AccountRow]
    payouts: list[PayoutRow]
    unmatched: list[UnmatchedRow]
    aging: list[AgingRow]
    exceptions: list[ExceptionGroup] = field(default_factory=list)

    def payout_differences(self) -> list[PayoutRow]:
        return [p for p in self.payouts if p.difference not in (None, Decimal(0))]

    def unmatched_by_bucket(self) -> dict[str, int]:
        counts = dict.fromkeys(AGE_BUCKETS, 0)
        for row in self.unmatched:
            counts[age_bucket(row.age_days)] += 1
        return counts


def age_bucket(days: int) -> str:
    """The ``AGE_BUCKETS`` label for an age in days."""
    for label, top in zip(AGE_BUCKETS, (7, 30, 60, 90), strict=False):
        if days <= top:
            return label
    return AGE_BUCKETS[-1]


def build_report(session: Session, as_of: dt.date) -> ReportData:
    """Compute every section as of ``as_of`` (ages count from that day)."""
    payouts = payout_rows(session)
    unmatched = unmatched_rows(session, as_of)
    return ReportData(
        as_of=as_of,
        accounts=account_rows(session),
        payouts=payouts,
        unmatched=unmatched,
        aging=aging_rows(session, as_of),
        exceptions=group_exceptions(unmatched, payouts),
    )


def unmatched_rows(session: Session, as_of: dt.date) -> list[UnmatchedRow]:
    """Open receipts without any confirmed match, oldest first.

    A receipt with a confirmed match (an invoice payment with money left over, or the bank
    deposit of a matched payout) is not "unmatched": its remainder is unapplied cash.
    """
    q = items_subquery(open_only=True)
    matched = _matched_receipts(session)
    rows = session.execute(select(q).order_by(q.c.booked, q.c.kind, q.c.id)).mappings().all()
    keep = [r for r in rows if (r["kind"], int(r["id"])) not in matched]
    invoices = _suggested_invoices(session, [r["suggestion_id"] for r in keep])
    return [_unmatched(r, as_of, invoices) for r in keep]


def _unmatched(row: Mapping[str, Any], as_of: dt.date, invoices: dict[int, str]) -> UnmatchedRow:
    booked = _as_date(row["booked"])
    suggestion = invoices.get(row["suggestion_id"]) if row["suggestion_id"] else None
    return UnmatchedRow(
        kind="bank" if row["kind"] == "line" else "gateway",
        item_id=int(row["id"]),
        account=row["account"] or "",
        booked=booked,
        age_days=max((as_of - booked).days, 0) if booked else 0,
        currency=row["currency"],
        amount=from_minor(int(row["unapplied_minor"]), row["currency"]),
        payer=row["payer"] or "",
        text=row["text"] or "",
        cause=_cause(row),
        suggestion=suggestion or "",
        confidence=float(row["confidence"]) if row["confidence"] is not None else None,
    )


def _cause(row: Mapping[str, Any]) -> str:
    """The queue's cause: a label column, or the rank into ``CAUSES``."""
    if row.get("cause"):
        return str(row["cause"])
    rank = row.get("cause_rank")
    return CAUSES[int(rank)] if rank is not None and 0 <= int(rank) < len(CAUSES) else "other"


def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value)[:10])


def _matched_receipts(session: Session) -> set[tuple[str, int]]:
    """("line", id) and ("charge", id) of every receipt with a confirmed match."""
    stmt = select(Match.statement_line_id, Match.gateway_txn_id, Match.kind).where(
        Match.status.in_(ACTIVE_STATUSES)
    )
    found: set[tuple[str, int]] = set()
    for line_id, txn_id, kind in session.execute(stmt):
        if line_id is not None:
            found.add(("line", int(line_id)))
        if txn_id is not None and kind != "payout_deposit":
            found.add(("charge", int(txn_id)))
    return found


def _suggested_invoices(session: Session, match_ids: list[int | None]) -> dict[int, str]:
    """Per suggestion id: its invoice numbers, comma-separated."""
    from recon.models import Allocation, Invoice

    ids = [i for i in match_ids if i]
    if not ids:
        return {}
    stmt = (
        select(Allocation.match_id, Invoice.invoice_no)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(Allocation.match_id.in_(ids))
        .order_by(Allocation.match_id, Allocation.id)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for match_id, number in session.execute(stmt):
        found[match_id].append(number)
    return {k: ", ".join(v) for k, v in found.items()}


def group_exceptions(
    unmatched: list[UnmatchedRow], payouts: list[PayoutRow]
) -> list[ExceptionGroup]:
    """Unmatched items by cause, plus one group for payout differences; biggest group first."""
    groups: dict[str, ExceptionGroup] = {}
    for row in unmatched:
        group = groups.setdefault(row.cause, ExceptionGroup(row.cause, _label(row.cause)))
        group.add(row.currency, row.amount, (row.kind, f"#{row.item_id} {row.payer or row.text}"))
    for p in payouts:
        if p.difference not in (None, Decimal(0)):
            cause = "payout_difference"
            group = groups.setdefault(cause, ExceptionGroup(cause, _label(cause)))
            group.add(p.currency, abs(p.difference), ("payout", f"{p.gateway} {p.payout_id}"))
    return sorted(groups.values(), key=lambda g: (-g.count, g.cause))


def _label(cause: str) -> str:
    return CAUSE_LABELS.get(cause, cause.replace("_", " "))
