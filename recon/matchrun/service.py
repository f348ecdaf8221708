"""Matching service: load open items, run the engine, apply its decisions (never commits).

`run_matching(session, actor=..., ...)` loads open invoices and available receipts
(matching_load.py), runs `matching.match` and `matching.match_payouts`, then:

- applies `auto` proposals and stores `suggested` ones through
  `recon.allocation.bulk.create_matches_bulk` (the rules of `create_match`, its audit rows, fee/FX
  differences as adjustments), replacing a receipt's stale suggestions (an identical open
  suggestion is kept as it is, so re-running changes nothing) -- see matchrun/apply.py;
- pairs gateway payouts with bank deposits (`payout_deposit` matches, audited).

Receipts with an active match are not loaded again (except the unapplied rest of one a person
matched in part), so nothing is applied twice.
Proposals are applied in chunks, each in a SAVEPOINT; a proposal a rule refuses is reported while
the rest go on.
People's confirmations and rejections reach the alias tables through `decisions`
(`confirm_match` / `reject_match`), and the next run reads them back as (negative) aliases.
"""

from __future__ import annotations

import ctypes
import dataclasses
import gc
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

import matching as m
from recon import audit
from recon.allocation import batch as allocation_batch
from recon.db.session import release_cache
from recon.matchrun.apply import apply_receipt_proposals, open_suggestions
from recon.matchrun.load import LINE, load
from recon.models import Match
from recon.rules.apply import apply_rules

__all__ = ["MatchRunReport", "engine_settings", "run_matching"]

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter


@dataclass
class MatchRunReport:
    """What a run did; `summary()` is one line for people, `to_dict()` for --json."""

    dry_run: bool
    receipts: int = 0
    invoices: int = 0
    auto: int = 0
    suggested: int = 0
    unchanged: int = 0
    superseded: int = 0
    unmatched: int = 0
    payouts_auto: int = 0
    payouts_suggested: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    proposals: list[dict[str, Any]] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)  # recon.rules.apply.RuleReport

    def summary(self) -> str:
        verb = "would apply" if self.dry_run else "applied"
        return (
            f"{self.receipts} receipt(s), {self.invoices} open invoice(s): "
            f"{verb} {self.auto} auto, {self.suggested} new suggestion(s), "
            f"{self.unchanged} unchanged, "
            f"{self.superseded} stale replaced, {self.unmatched} unmatched; payouts "
            f"{self.payouts_auto} auto / {self.payouts_suggested} suggested; "
            f"{len(self.errors)} error(s) in {self.seconds:.1f}s"
        )

    def to_dict(self) -> dict[str, Any]:
        return audit.jsonable(dataclasses.asdict(self))


def engine_settings(
    auto_threshold: float | Decimal | None = None,
    suggest_threshold: float | Decimal | None = None,
    base: m.MatchSettings | None = None,
    fx_rules: Sequence[Any] | None = None,
) -> m.MatchSettings:
    """The engine's settings with the thresholds and FX rate rules given at the edge.

    ``fx_rules``: ``recon.config.FxRateRule``s (``RECON_FX_RULES``); None keeps the base's, and
    without any rule receipts only match invoices in their own currency.
    """
    base = base or m.MatchSettings()
    changes: dict[str, Any] = {}
    if fx_rules is not None:
        changes["fx_rules"] = tuple(
            m.FxRule(r.from_currency, r.to_currency, r.rate, r.tolerance_percent)
            for r in fx_rules
        )
    if auto_threshold is not None:
        changes["auto_threshold"] = float(auto_threshold)
    if suggest_threshold is not None:
        changes["suggest_threshold"] = float(suggest_threshold)
    return dataclasses.replace(base, **changes).validate()


def _payout_stage(session, loaded, settings, report, actor, run_id) -> set[int]:
    """Pair payouts with deposits; returns the deposit lines paired automatically."""
    if not loaded.payouts:
        return set()
    pairs = m.match_payouts(loaded.payouts, loaded.deposits, settings)
    taken: set[int] = set()
    with allocation_batch.deferred_audit(session):
        for pair in pairs:
            _payout_pair(session, loaded, pair, report, actor, run_id, taken)
    return taken


def _payout_pair(session, loaded, pair, report, actor, run_id, taken: set[int]) -> None:
    if pair.status == "auto":
        report.payouts_auto += 1
        taken.add(int(pair.deposit_id))
    else:
        report.payouts_suggested += 1
    if report.dry_run:
        return
    match = Match(
        kind="payout_deposit", status=pair.status, confidence=pair.confidence,
        cause="payout_deposit",
        reasons=audit.jsonable([dataclasses.asdict(r) for r in pair.reasons]),
        statement_line_id=int(pair.deposit_id), gateway_txn_id=int(pair.payout_id),
        currency=loaded.line_currency[int(pair.deposit_id)], run_id=run_id,
        origin="auto" if pair.status == "auto" else "suggestion", created_by=actor,
    )  # fmt: skip
    session.add(match)
    after = {"payout": pair.payout_id, "deposit": pair.deposit_id}
    allocation_batch.audit_event(
        session, actor=actor, action=f"match.{pair.status}", obj=match, after=after
    )


def _trim_heap() -> None:
    """Give the heap's free pages back to the system (glibc's malloc_trim): what the load's
    rows and the database cache left, before the engine's peak. Nothing on another C library."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _return_freed_arrays() -> None:
    """Ask glibc to give big blocks (>= 1 MiB: the engine's numpy columns) straight back to the
    system when freed. Its default threshold grows with every big block freed, after which
    the pair table's many 27 MB temporaries at 100k stay in the heap and the peak grows by
    about 200 MB. Nothing happens on another C library."""
    with suppress(OSError, AttributeError):  # not glibc: its own policy stands
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, 1 << 20)  # the process's own libc


def run_matching(
    session: Session,
    *,
    actor: str,
    run_id: int | None = None,
    auto_threshold: float | Decimal | None = None,
    suggest_threshold: float | Decimal | None = None,
    dry_run: bool = False,
    settings: m.MatchSettings | None = None,
    fx_rules: Sequence[Any] | None = None,
) -> MatchRunReport:
    """All matching stages on the open items of `session`; see the module docstring."""
    _return_freed_arrays()
    # the cyclic GC paused as `importers.base.paused_gc` does (not imported: the importers
    # package loads every statement parser, a tenth of a second of this command's start-up)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(session, actor, run_id, auto_threshold, suggest_threshold, dry_run,
                    settings, fx_rules)
    finally:
        if enabled:
            gc.enable()


def _run(session, actor, run_id, auto_threshold, suggest_threshold, dry_run, settings,
         fx_rules) -> MatchRunReport:
    start = time.perf_counter()
    settings = engine_settings(auto_threshold, suggest_threshold, settings, fx_rules)
    loaded = load(session)
    release_cache(session)  # the rows read are let go: 66 MB less at the peak at 100k
    _trim_heap()
    report = MatchRunReport(dry_run=dry_run, receipts=len(loaded.data.receipts),
                            invoices=len(loaded.data.invoices))  # fmt: skip
    paired = _payout_stage(session, loaded, settings, report, actor, run_id)
    result = m.match(_without(loaded.data, paired), settings)
    report.unmatched = len(result.unmatched)
    existing = open_suggestions(session)
    apply_receipt_proposals(session, result, report, existing, actor, run_id)
    report.proposals = [_brief(p) for p in result.proposals[:200]]
    if not dry_run:  # people's rules take what the matcher left unclaimed
        report.rules = dataclasses.asdict(apply_rules(session, actor=actor))
    report.seconds = time.perf_counter() - start
    return report


def _without(data: m.MatchInput, line_ids: set[int]) -> m.MatchInput:
    if not line_ids:
        return data
    keep = tuple(r for r in data.receipts if not (r.id[0] == LINE and r.id[1] in line_ids))
    return dataclasses.replace(data, receipts=keep)


def _brief(prop: m.Proposal) -> dict[str, Any]:
    return {
        "receipt": list(prop.receipt_id), "status": prop.status, "kind": prop.kind,
        "confidence": round(prop.confidence, 4),
        "allocations": [{"invoice_id": a.invoice_id, "amount": str(a.amount)}
                        for a in prop.allocations],
    }  # fmt: skip
