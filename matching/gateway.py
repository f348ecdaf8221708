"""Gateway stage (leaf layer): gateway payouts to the bank deposits that carry them.

A payout (Stripe `po_...`, an Alipay/WeChat settlement) reaches the bank as one credit of the
*net* amount, on or shortly after its arrival date, often with the payout id or trace id in the
text and the gateway as payer. Candidates share the (currency, amount) block or a reference;
each pair is scored with declared levels (log2 odds, as in levels.py) and one global 1:1
assignment (scipy `linear_sum_assignment`) picks the pairs. Gateway *charges* are matched to
invoices by the main engine: they are `Receipt`s whose `refs` carry the order reference
(Stripe metadata, Alipay/WeChat `out_trade_no`), which the reference index looks up against
`OpenInvoice.number` and `OpenInvoice.order_refs`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from matching.levels import PRIOR
from matching.model import BankDeposit, GatewayPayout, PayoutProposal, Reason
from matching.refs import full_key, text_keys
from matching.settings import MatchSettings

GATEWAY_WORDS = {
    "stripe": ("stripe",),
    "alipay": ("alipay", "支付宝", "zhifubao"),
    "wechat": ("wechat", "weixin", "tenpay", "财付通", "微信"),
    "paypal": ("paypal",),
}


def _ref_hit(payout: GatewayPayout, deposit: BankDeposit) -> bool:
    text = full_key(" ".join((deposit.remittance, *deposit.refs)))
    keys = [full_key(k) for k in (payout.reference, payout.trace_id, str(payout.id))]
    return any(len(k) >= 6 and k in text for k in keys)


def _reasons(payout: GatewayPayout, deposit: BankDeposit) -> list[Reason]:
    days = (deposit.booking_date - payout.arrival_date).days
    same = deposit.amount == payout.amount
    words = GATEWAY_WORDS.get(payout.gateway.lower(), (payout.gateway.lower(),))
    text = f"{deposit.payer_name} {deposit.remittance}".casefold()
    return [
        Reason("prior", "candidate", PRIOR, "a payout and a deposit sharing a block"),
        Reason(
            "amount",
            "exact" if same else "different",
            10.0 if same else -6.0,
            f"payout {payout.amount} {payout.currency}, deposit {deposit.amount}",
        ),
        Reason(
            "reference",
            "payout id" if _ref_hit(payout, deposit) else "none",
            12.0 if _ref_hit(payout, deposit) else 0.0,
            f"payout reference {payout.reference!r}",
        ),
        Reason(
            "payer",
            "gateway" if any(w in text for w in words) else "other",
            3.0 if any(w in text for w in words) else -1.0,
            f"deposit from {deposit.payer_name!r}",
        ),
        Reason("date", _date_level(days), _date_weight(days), f"{days} days after arrival date"),
    ]


def _date_level(days: int) -> str:
    return "on time" if -1 <= days <= 3 else "late" if -3 <= days <= 7 else "far"


def _date_weight(days: int) -> float:
    return {"on time": 2.0, "late": 0.0, "far": -4.0}[_date_level(days)]


def _candidates(payouts: Sequence[GatewayPayout], deposits: Sequence[BankDeposit]):
    by_amount: dict[tuple[str, object], list[int]] = defaultdict(list)
    for d, dep in enumerate(deposits):
        if dep.amount > 0:
            by_amount[(dep.currency.upper(), dep.amount)].append(d)
    pairs = set()
    for p, po in enumerate(payouts):
        pairs.update((p, d) for d in by_amount.get((po.currency.upper(), po.amount), ()))
    by_token: dict[str, list[int]] = defaultdict(list)  # reference block: payout id in the text
    for d, dep in enumerate(deposits):
        if dep.amount > 0:
            for key in text_keys(dep.remittance, dep.refs).full:
                by_token[key].append(d)
    for p, po in enumerate(payouts):
        for key in {full_key(k) for k in (po.reference, po.trace_id, str(po.id))}:
            for d in by_token.get(key, ()) if len(key) >= 6 else ():
                if deposits[d].currency.upper() == po.currency.upper():
                    pairs.add((p, d))
    return sorted(pairs)


def match_payouts(
    payouts: Sequence[GatewayPayout],
    deposits: Sequence[BankDeposit],
    settings: MatchSettings | None = None,
) -> tuple[PayoutProposal, ...]:
    """Pair payouts with deposits 1:1 for the best total evidence."""
    settings = (settings or MatchSettings()).validate()
    pairs = _candidates(payouts, deposits)
    if not pairs:
        return ()
    reasons = {pair: _reasons(payouts[pair[0]], deposits[pair[1]]) for pair in pairs}
    score = {pair: sum(r.weight for r in rs) for pair, rs in reasons.items()}
    profit = np.zeros((len(payouts), len(deposits)))
    for (p, d), s in score.items():
        profit[p, d] = max(s + 30.0, 0.0)
    rows, cols = linear_sum_assignment(profit, maximize=True)
    out = []
    for p, d in zip(rows, cols, strict=True):
        if (p, d) not in score:
            continue
        rivals = [s for (a, b), s in score.items() if (a == p) != (b == d)]
        comp = -float(np.log2(1.0 + sum(2.0**s for s in rivals)))
        total = score[(p, d)] + comp
        conf = 1.0 / (1.0 + 2.0 ** (-total))
        if conf < settings.suggest_threshold:
            continue
        why = reasons[(p, d)] + (
            [
                Reason(
                    "competition",
                    f"{len(rivals)} alternatives",
                    comp,
                    "other payouts or deposits fit too",
                )
            ]
            if comp
            else []
        )
        status = "auto" if conf >= settings.auto_threshold else "suggested"
        out.append(PayoutProposal(payouts[p].id, deposits[d].id, total, conf, status, tuple(why)))
    return tuple(out)
