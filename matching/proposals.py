"""From the chosen options to `Proposal`s (leaf layer): confidence, status, alternatives.

The confidence of a chosen reading normalises over its competitors, as a posterior over "which
invoice(s), or none": P = 2^s / (1 + 2^s + sum 2^s_alt), where the alternatives are the other
readings of the same receipt and other receipts' claims that cannot share the invoice with it.
In log odds that is the chosen score plus a `competition` term -log2(1 + sum 2^s_alt), which is
added to the reasons so they still add up. Ambiguity therefore never auto-confirms: two
equally good readings give P <= 1/2. Combined payments with a second fitting subset within
`AMBIGUOUS_GAP` are forced to `suggested` as well, and so is a reading that nothing but the
amount and the date tie to the customer (`_evidence`: no reference in the text, no payer or
account that agrees): equal amounts are common, so an amount alone never confirms a match.
The confidence shown and compared with the thresholds is that score calibrated to observed
precision (calibration.py); the raw posterior is used when `MatchSettings.calibrate` is off.
Alternatives keep their raw share.

Each proposal names its reading in `kind`: single, subset (several invoices of one payment),
partial, overpayment (rest unapplied), fee_gap (short by a fee), fx, or group (one of several
receipts that only together close one invoice; see `_mark_groups`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from typing import Any

import numpy as np

from matching import competition, explain
from matching.amounts import FAR, FEE, FX, OVER, PARTIAL
from matching.assign import Opt
from matching.calibration import calibrate, stratum
from matching.features import Groups, PairTable
from matching.model import Adjustment, Allocation, Alternative, Proposal, Reason
from matching.namematch import WEAK
from matching.prepare import Tables
from matching.refindex import DIGITS
from matching.settings import MatchSettings
from matching.subset import Option

AMBIGUOUS_GAP = 3.0
PAID, OTHER = -1, -2  # reference levels that contradict a reading (levels.py)
GROUP_BONUS = 3.0  # several receipts adding up exactly to one invoice's open amount
_KIND = {FEE: "fee_gap", FX: "fx", PARTIAL: "partial", OVER: "overpayment"}


def _sigmoid2(x: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-min(max(x, -60.0), 60.0)))


def _confidence(score: float, evidence: str, kind: str, settings: MatchSettings) -> float:
    """The calibrated confidence of a score (calibration.py), or its raw posterior."""
    if not settings.calibrate:
        return _sigmoid2(score)
    return calibrate(score, stratum(evidence, kind))


def _auto(conf: float, score: float, evidence: str, settings: MatchSettings) -> bool:
    """Confident enough, more likely than every other reading together (score > 0: two equal
    readings never confirm), and tied to the customer by more than the amount."""
    return conf >= settings.auto_threshold and score > 0 and evidence == "reference_or_payer"


class _Context:
    def __init__(self, t: Tables, p: PairTable, subsets: list[Option], settings) -> None:
        self.t, self.p, self.subsets = t, p, subsets
        self.settings: MatchSettings = settings
        self.rest = competition.RestCheck(t, subsets)


def _evidence_codes(p: PairTable) -> np.ndarray:
    """Per pair: 2 = the text names another open or a paid invoice (contradicts), 1 = the
    invoice's number (its digits) in the text, or a payer (name, account, customer named in
    the text) agreeing with the invoice's customer, 0 = neither: only the amount and the date,
    or a number one typo or a truncation away, which a look-alike text also gives."""
    ties = (p.lv_ref >= DIGITS) | ((p.lv_name >= WEAK) & (p.lv_name <= 8))
    return np.where((p.lv_ref == PAID) | (p.lv_ref == OTHER), 2, ties.astype(np.int8))


def _evidence(codes: np.ndarray, rows) -> str:
    """What ties a reading (pair rows) to the customer: contradicted if any of its invoices is
    contradicted, else reference_or_payer if any is tied, else amount_only."""
    worst = max(int(codes[k]) for k in rows)
    if worst == 2:
        return "contradicted"
    return "reference_or_payer" if worst == 1 else "amount_only"


def _alternative(ctx: _Context, key: int, conf: float) -> Alternative:
    p, t = ctx.p, ctx.t
    if key < len(p.r):
        inv = t.invoices[p.i[key]]
        alloc = explain.money(int(p.alloc[key]), inv.currency)
        return Alternative((Allocation(inv.id, alloc),), conf, f"invoice {inv.number}")
    o = ctx.subsets[key - len(p.r)]
    invs = [t.invoices[p.i[row]] for row in o.rows]
    allocs = tuple(
        Allocation(v.id, explain.money(a, v.currency)) for v, a in zip(invs, o.alloc, strict=True)
    )
    return Alternative(allocs, conf, "invoices " + ", ".join(v.number for v in invs))


def _single(ctx: _Context, row: explain.PairRow, tok: str):
    t = ctx.t
    rec, inv = t.receipts[row.r], t.invoices[row.i]
    alloc = explain.money(row.alloc, inv.currency)
    fee = explain.money(row.fee, inv.currency)
    level = row.lv_amt
    adjustments = ()
    if fee:
        adjustments = (Adjustment(inv.id, "fx_difference" if level == FX else "bank_fee", fee),)
    # The allocation is what the receipt brings (in the invoice currency); a fee or an FX
    # difference closes the rest of the invoice as an adjustment.
    if rec.currency == inv.currency:
        unapplied = rec.amount - (alloc - fee)
        allocation = Allocation(inv.id, alloc - fee)
    else:
        unapplied = Decimal(0) if level == FX else _fx_rest(ctx, rec, inv, alloc)
        allocation = Allocation(inv.id, alloc - fee, rec.amount - unapplied)
    kind = _KIND.get(level, "overpayment" if level == FAR and unapplied > 0 else "single")
    if level == FAR and unapplied <= 0:
        kind = "partial"
    reasons = explain.single_reasons(t, row, tok)
    return (allocation,), adjustments, max(unapplied, Decimal(0)), kind, reasons


def _fx_rest(ctx: _Context, rec, inv, alloc: Decimal) -> Decimal:
    """Receipt money left after applying `alloc` (invoice currency) at the rule's rate."""
    rule = ctx.settings.fx_rule(rec.currency, inv.currency)
    if rule is None:
        return Decimal(0)
    used = (alloc / rule.rate).quantize(Decimal(1).scaleb(-explain.exponent(rec.currency)))
    return max(rec.amount - used, Decimal(0))


def _combined(ctx: _Context, key: int):
    p, t = ctx.p, ctx.t
    o = ctx.subsets[key - len(p.r)]
    invs = [t.invoices[p.i[row]] for row in o.rows]
    allocs = tuple(
        Allocation(v.id, explain.money(a - f, v.currency))
        for v, a, f in zip(invs, o.alloc, o.fee, strict=True)
    )
    adjs = tuple(
        Adjustment(v.id, "bank_fee", explain.money(f, v.currency))
        for v, f in zip(invs, o.fee, strict=True)
        if f
    )
    return allocs, adjs, Decimal(0), "subset", explain.subset_reasons(t, p, o)


def build_proposals(
    t: Tables,
    p: PairTable,
    subsets: list[Option],
    chosen: dict[int, Opt],
    tokens: Any,
    settings: MatchSettings,
    span: float,
) -> list[Proposal]:
    """Turn the assignment into proposals; drop those under the suggest threshold."""
    ctx = _Context(t, p, subsets, settings)
    codes = _evidence_codes(p)
    opts = list(chosen.values())
    readings = competition.readings(p, subsets, opts, t.n_rec, span)
    rivals = competition.rivals(p, Groups(p.i, t.n_inv), opts, t.inv_open, span)
    singles = np.array([o.key for o in opts if o.key < len(p.r)], np.int64)
    rows = dict(zip(singles.tolist(), explain.pair_rows(p, singles), strict=True))
    out = []
    for (r, opt), others, rival in zip(chosen.items(), readings, rivals, strict=True):
        odds = [2.0**s for s, _ in others] + [2.0**s for s in rival]
        comp = -float(np.log2(1.0 + sum(odds)))
        score = opt.score + comp
        if _sigmoid2(opt.score) < settings.suggest_threshold:  # own evidence too weak to show
            continue
        if opt.key < len(p.r):
            row = rows[opt.key]
            allocs, adjs, unapplied, kind, reasons = _single(ctx, row, tokens.get(opt.key, ""))
        else:
            allocs, adjs, unapplied, kind, reasons = _combined(ctx, opt.key)
        if comp:
            reasons.append(explain.competition(comp, len(odds)))
        ambiguous = kind == "subset" and any(
            k >= len(p.r) and s >= opt.score - AMBIGUOUS_GAP for s, k in others
        )
        if kind == "overpayment" and ctx.rest.is_other_invoice(
            int(p.i[opt.key]), unapplied, t.receipts[r].currency
        ):
            ambiguous = True  # the rest is another invoice of the customer (rest.py)
            others = others + [x for x in ctx.rest.combined_with(r, opt.key, len(p.r))
                               if x not in others]  # fmt: skip
        members = [opt.key] if opt.key < len(p.r) else ctx.subsets[opt.key - len(p.r)].rows
        evidence = _evidence(codes, members)
        conf = _confidence(score, evidence, kind, settings)
        auto = _auto(conf, score, evidence, settings) and not ambiguous
        total = 1.0 + 2.0**opt.score + sum(odds)
        alts = tuple(
            _alternative(ctx, k, 2.0**s / total)
            for s, k in sorted(others, reverse=True)[: settings.subset.max_alternatives]
        )
        out.append(
            Proposal(
                receipt_id=t.receipts[r].id,
                allocations=allocs,
                adjustments=adjs,
                unapplied=unapplied,
                score=score,
                confidence=conf,
                status="auto" if auto else "suggested",
                reasons=tuple(reasons),
                alternatives=alts,
                kind=kind,
                evidence=evidence,
            )
        )
    return _mark_groups(t, out, settings)


def _mark_groups(t: Tables, proposals: list[Proposal], settings: MatchSettings) -> list[Proposal]:
    """Partial payments of one invoice that together pay it exactly become kind `group`.

    Parts that add up to the open amount to the cent are evidence of their own (an exact sum,
    like an exact amount), worth `GROUP_BONUS` log2 odds on each member.
    """
    by_inv: dict[Any, list[int]] = defaultdict(list)
    for n, prop in enumerate(proposals):
        if prop.kind == "partial" and len(prop.allocations) == 1:
            by_inv[prop.allocations[0].invoice_id].append(n)
    open_amount = {inv.id: inv.open_amount for inv in t.invoices}
    for inv_id, members in by_inv.items():
        paid = sum((proposals[n].allocations[0].amount for n in members), Decimal(0))
        if len(members) < 2 or paid != open_amount[inv_id]:
            continue
        ids = [proposals[n].receipt_id for n in members]
        for n in members:
            others = ", ".join(str(i) for i in ids if i != proposals[n].receipt_id)
            note = Reason("group", "closes invoice", GROUP_BONUS, f"with receipt(s) {others} it "
                          f"pays the invoice's {open_amount[inv_id]} in full")  # fmt: skip
            prop = proposals[n]
            score = prop.score + GROUP_BONUS
            conf = _confidence(score, prop.evidence, "group", settings)
            auto = _auto(conf, score, prop.evidence, settings)
            status = "auto" if auto else "suggested"
            proposals[n] = replace(prop, kind="group", reasons=(*prop.reasons, note), score=score,
                                   confidence=conf, status=status)  # fmt: skip
    return proposals
