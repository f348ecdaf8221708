"""The matching run (leaf layer): receipts and open invoices in, proposals out.

`match(data, settings)` = prepare columns -> block (refs, payer, amount) -> compare pairs
(vectorised) -> level weights re-estimated by EM over the pairs (learn.py) -> combined-payment
options (bounded subset-sum) -> one global assignment ->
competition-adjusted, calibrated confidence -> proposals with reasons. Pure: no I/O, no database.
Raises `InvalidInput` / `InvalidSettings` (both `MatchingError`) for contract breaks only.
"""

from __future__ import annotations

import math

import numpy as np

from matching.amounts import EXACT, FEE, FX, PARTIAL, fee_tolerance
from matching.assign import Opt, assign
from matching.blocking import candidates
from matching.features import Groups, PairTable, compare
from matching.learn import fit, reweigh
from matching.model import MatchInput, MatchResult, check_input
from matching.namematch import MISSING, SIMILAR, WEAK, match_payers
from matching.prepare import Tables, prepare
from matching.proposals import build_proposals
from matching.refindex import DIGITS, TYPO, RefHits, find_ref_hits
from matching.settings import MatchSettings
from matching.subset import Option, subset_options

COMPETITION_SPAN = 10.0  # alternatives this many log2 units below the choice are ignored


def logit2(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


def _needy(t: Tables, p: PairTable, refs: RefHits) -> np.ndarray:
    """Receipts with a known customer or reference that no single named invoice explains."""
    evidence = (p.lv_ref >= TYPO) | ((p.lv_name >= WEAK) & (p.lv_name <= 8))
    # a typo away from a stranger's invoice explains nothing ("000214" is not 000217 of another
    # customer when the payer's own INV000214 is open)
    typo_ok = (p.lv_ref == TYPO) & (p.lv_name >= MISSING)
    full = np.isin(p.lv_amt, (EXACT, FEE, FX)) & ((p.lv_ref >= DIGITS) | typo_ok)
    part = (p.lv_amt == PARTIAL) & (p.lv_ref >= DIGITS) & (refs.n_strong[p.r] == 1)
    # An invoice of the payer with exactly this amount is the natural reading: no search,
    # unless the text names an invoice of its own that the money does not fit.
    named = (p.lv_amt == EXACT) & (p.lv_name >= SIMILAR) & (p.lv_name <= 8)
    named &= refs.n_strong[p.r] == 0
    has_fit = np.zeros(t.n_rec, bool)  # a referenced invoice explains it (in full or in part)
    has_fit[p.r[full | part | named]] = True
    has_evidence = np.zeros(t.n_rec, bool)
    has_evidence[p.r[evidence]] = True
    # A text naming several open invoices is read as a combined payment whatever else fits.
    return np.flatnonzero(has_evidence & (~has_fit | (refs.n_strong >= 2)))


class _Tokens:
    """Row -> the text token behind its reference hit (looked up only for chosen rows)."""

    def __init__(self, p: PairTable, refs: RefHits) -> None:
        self.p, self.refs = p, refs

    def get(self, row: int, default: str = "") -> str:
        return self.refs.token.get((int(self.p.r[row]), int(self.p.i[row])), default)


def _options(p: PairTable, subsets: list[Option], floor: float) -> list[Opt]:
    keep = np.flatnonzero(p.score >= floor)
    opts = [
        Opt(int(k), int(p.r[k]), float(p.score[k]), ((int(p.i[k]), int(p.alloc[k])),)) for k in keep
    ]
    base = len(p.r)
    for n, o in enumerate(subsets):
        if o.score >= floor:
            claims = tuple((int(p.i[row]), a) for row, a in zip(o.rows, o.alloc, strict=True))
            opts.append(Opt(base + n, o.rec, o.score, claims))
    return opts


def _subset_tol(t: Tables, settings: MatchSettings) -> np.ndarray:
    idx = np.arange(t.n_rec)
    # tolerance as if the receipt were one invoice: fixed + percent of the amount
    fake = Tables(**{**t.__dict__, "inv_open": t.rec_amount, "inv_cur": t.rec_cur})
    return fee_tolerance(fake, idx, idx, settings)


def match(data: MatchInput, settings: MatchSettings | None = None) -> MatchResult:
    """Run the engine over one set of open items and return proposals for every receipt."""
    settings = (settings or MatchSettings()).validate()
    check_input(data)
    t = prepare(data)
    refs: RefHits = find_ref_hits(t, data.settled_invoice_numbers)
    names = match_payers(t, settings.name_cutoff)
    # the int64 candidate columns live only as long as `compare` (the table keeps int32 ones)
    p = compare(t, refs, names, *candidates(t, refs, names, settings), settings,
                data.rejected_pairs)  # fmt: skip
    learned = fit(p, data.feedback) if settings.learn_weights else None
    if learned is not None:
        p = reweigh(p, learned)
    by_rec = Groups(p.r, t.n_rec)
    subsets = subset_options(t, p, by_rec, _needy(t, p, refs), _subset_tol(t, settings), settings)
    floor = logit2(settings.suggest_threshold)
    chosen = assign(_options(p, subsets, floor), t.inv_open, floor - 1)
    tokens = _Tokens(p, refs)
    proposals = build_proposals(t, p, subsets, chosen, tokens, settings, COMPETITION_SPAN)
    matched = {pr.receipt_id for pr in proposals}
    unmatched = tuple(rec.id for rec in t.receipts if rec.id not in matched) + t.skipped
    stats = {
        "receipts": len(data.receipts), "invoices": len(data.invoices), "candidates": len(p.r),
        "auto": sum(pr.status == "auto" for pr in proposals),
        "suggested": sum(pr.status == "suggested" for pr in proposals),
        "unmatched": len(unmatched),
        "weights_learned": int(learned is not None and learned.source != "declared"),
    }  # fmt: skip
    return MatchResult(tuple(proposals), unmatched, stats)
