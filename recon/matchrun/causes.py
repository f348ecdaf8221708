"""Why a proposal needs a person: decided once, when the proposal is stored (``Match.cause``).

The queue, the dashboard and the reports filter and count on the stored column; nothing reads
the matcher's reason text to guess it. The cause is one of ``recon.models.QUEUE_CAUSES``, chosen
from the proposal's structure in this order -- what the person must check first wins:

1. ``payout_deposit``: a bank deposit proposed as a gateway payout;
2. the reading of the amount: ``fee_gap`` (short by a fee or an FX difference),
   ``partial_payment``, ``overpayment`` (the rest stays unapplied), ``several_invoices``;
3. ``ambiguous``: competing readings are together at least as likely as none (the matcher's
   competition weight is -1 log2 odds or lower: the confidence is at most half its own);
4. ``unknown_payer``: no name evidence (payer missing, weak, different, rejected, or a
   clearing house paying for many);
5. ``low_confidence``: everything else the matcher would not confirm alone.

Receipts with no proposal get ``no_candidate`` and flagged lines ``possible_duplicate`` in the
queue's SQL, from columns, not from here. ``cause_of_stored`` reads the same facts back from a
stored match (JSON reasons), for the migration that back-fills old rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from matching import model as m
from recon.models import QUEUE_CAUSES

__all__ = ["cause_of", "cause_of_proposal", "cause_of_stored"]

_AMOUNT_CAUSE = {
    "fee": "fee_gap", "fx": "fee_gap", "partial": "partial_payment", "over": "overpayment",
    "sum": "several_invoices",
}  # fmt: skip
_KIND_CAUSE = {  # matching.model.Proposal.kind -> cause ("group": one of several receipts)
    "fee_gap": "fee_gap", "fx": "fee_gap", "partial": "partial_payment", "group": "partial_payment",
    "overpayment": "overpayment", "subset": "several_invoices",
}  # fmt: skip
_NO_NAME_EVIDENCE = frozenset({"missing", "weak", "different", "rejected", "intermediary"})
COMPETING = -1.0  # log2 odds: rivals together at least as likely as no match


def cause_of(
    *,
    kind: str,
    levels: Mapping[str, str],
    competition: float,
    invoices: int,
    match_kind: str = "receipt_invoice",
) -> str:
    """The cause from a proposal's reading ``kind``, its reasons' ``levels`` per feature, the
    weight of its competition reason (0 when alone) and its number of invoices."""
    if match_kind == "payout_deposit":
        cause = "payout_deposit"
    elif kind in _KIND_CAUSE:
        cause = _KIND_CAUSE[kind]
    elif levels.get("amount") in _AMOUNT_CAUSE:
        cause = _AMOUNT_CAUSE[levels["amount"]]
    elif invoices > 1:
        cause = "several_invoices"
    elif competition <= COMPETING:
        cause = "ambiguous"
    elif levels.get("payer") in _NO_NAME_EVIDENCE:
        cause = "unknown_payer"
    else:
        cause = "low_confidence"
    assert cause in QUEUE_CAUSES
    return cause


def _facts(reasons: Iterable[tuple[str, str, float]]) -> tuple[dict[str, str], float]:
    levels: dict[str, str] = {}
    competition = 0.0
    for feature, level, weight in reasons:
        if feature == "competition":
            competition += float(weight)
        else:
            levels.setdefault(feature, level)
    return levels, competition


def cause_of_proposal(prop: m.Proposal) -> str:
    levels: dict[str, str] = {}  # `_facts` inline: called once per proposal of a run
    competition = 0.0
    for r in prop.reasons:
        if r.feature == "competition":
            competition += float(r.weight)
        elif r.feature not in levels:
            levels[r.feature] = r.level
    allocations = prop.allocations
    invoices = 1 if len(allocations) == 1 else len({a.invoice_id for a in allocations})
    return cause_of(kind=prop.kind, levels=levels, competition=competition, invoices=invoices)


def _stored_reason(item: Any) -> tuple[str, str, float]:
    if isinstance(item, Mapping):
        return str(item.get("feature", "")), str(item.get("level", "")), float(
            item.get("weight") or 0)
    feature, level, weight = [*list(item), "", "", 0][:3]
    return str(feature), str(level), float(weight or 0)


def cause_of_stored(match_kind: str, reasons: Sequence[Any] | None, invoices: int) -> str:
    """The same decision for a stored match (its kind, reasons JSON and number of invoices)."""
    levels, competition = _facts(_stored_reason(r) for r in reasons or ())
    return cause_of(kind="", levels=levels, competition=competition, invoices=invoices,
                    match_kind=match_kind)
