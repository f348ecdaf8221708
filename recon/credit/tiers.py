"""Credit tiers A-D from declared rules over the behaviour measures, with the reasons shown.

A ``Rule`` says "at least tier T when measure M op threshold"; the worst tier any rule gives
wins, and the rules that gave it are the reasons ("C: 38 % paid late in 6 months, 2 broken
promises"). A customer no rule marks down gets A when it has ``min_history`` settled invoices in
12 months, else the default tier (NULL on ``Customer.credit_tier``). Rules are data: the defaults
below, or a JSON list given by ``RECON_CREDIT_RULES`` (docs/CREDIT.md). Evaluation is one numpy
comparison per rule over all customers. ``TERMS_DAYS`` are the payment terms suggested for new
invoices of each tier. Raises ``ValueError`` for a malformed rule.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recon.credit.measures import Measures

__all__ = ["DEFAULT_RULES", "REASON_TEXT", "TERMS_DAYS", "TIERS", "Rule", "TierResult",
           "assign_tiers", "load_rules", "reason_text", "suggested_terms"]

TIERS = ("A", "B", "C", "D")  # best to worst
TERMS_DAYS: dict[str | None, int] = {"A": 60, "B": 30, None: 30, "C": 14, "D": 0}
_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def _msg(text: str) -> str:
    """Marks a message for the report catalog (``recon/reports/babel.cfg`` extracts ``_msg``)."""
    return text


# English text per measure; the web (web/translations_credit) and the daily report
# (recon/reports/translations) show the same text through gettext.
REASON_TEXT = {
    "late_share_6m": _msg("{pct} % paid late in 6 months"),
    "late_share_12m": _msg("{pct} % paid late in 12 months"),
    "avg_late_6m": _msg("{days} days late on average in 6 months"),
    "oldest_overdue_days": _msg("oldest invoice {days} days overdue"),
    "broken_promises_6m": _msg("{count} broken promises"),
    "disputes_12m": _msg("{count} disputes in 12 months"),
    "collection_rate_12m": _msg("{pct} % paid of the amount due in 12 months"),
    "trend_days": _msg("paying {days} days later than the 12-month average"),
}


@dataclass(frozen=True)
class Rule:
    tier: str
    measure: str
    op: str
    threshold: float

    def __post_init__(self) -> None:
        if self.tier not in TIERS or self.op not in _OPS or self.measure not in REASON_TEXT:
            raise ValueError(f"bad credit rule {self!r}: tier A-D, op one of {list(_OPS)}, "
                             f"measure one of {sorted(REASON_TEXT)}")


DEFAULT_RULES = (
    Rule("D", "oldest_overdue_days", ">=", 90),
    Rule("D", "late_share_6m", ">=", 0.75),
    Rule("D", "broken_promises_6m", ">=", 3),
    Rule("C", "late_share_6m", ">=", 0.3),
    Rule("C", "avg_late_6m", ">=", 15),
    Rule("C", "oldest_overdue_days", ">=", 45),
    Rule("C", "broken_promises_6m", ">=", 2),
    Rule("C", "disputes_12m", ">=", 3),
    Rule("C", "collection_rate_12m", "<", 0.6),
    Rule("B", "late_share_6m", ">=", 0.1),
    Rule("B", "avg_late_6m", ">=", 5),
    Rule("B", "oldest_overdue_days", ">=", 15),
    Rule("B", "trend_days", ">=", 10),
)
MIN_HISTORY = 3


def load_rules(path: str | None) -> tuple[Rule, ...]:
    """Rules from a JSON file (a list of {tier, measure, op, threshold}), else the defaults."""
    if not path:
        return DEFAULT_RULES
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(Rule(str(i["tier"]), str(i["measure"]), str(i["op"]), float(i["threshold"]))
                 for i in items)


@dataclass(frozen=True)
class TierResult:
    tiers: list[str | None]
    reasons: list[list[dict[str, object]]]  # per customer: [{"measure", "value"}]


def reason_text(reason: dict[str, object], template: str | None = None) -> str:
    """One reason in words (``template`` = a translated ``REASON_TEXT`` entry)."""
    value = float(reason["value"])  # type: ignore[arg-type]
    text = template or REASON_TEXT[str(reason["measure"])]
    return text.format(pct=round(value * 100), days=round(value), count=round(value))


def assign_tiers(measures: Measures, rules: Sequence[Rule] = DEFAULT_RULES,
                 min_history: int = MIN_HISTORY) -> TierResult:
    """The computed tier of every customer and the rules that decided it."""
    n = len(measures.values["n_paid_12m"])
    worst = np.zeros(n, dtype=np.int64)  # 0 = no rule; 1..4 = A..D
    fired = []
    for rule in rules:
        values = measures.values[rule.measure]
        with np.errstate(invalid="ignore"):
            hit = _OPS[rule.op](values, rule.threshold) & ~np.isnan(values)
        fired.append((rule, hit, values))
        worst = np.where(hit, np.maximum(worst, TIERS.index(rule.tier) + 1), worst)
    enough = measures.values["n_paid_12m"] >= min_history
    code = np.where((worst == 0) & enough, 1, worst)
    tiers = [TIERS[c - 1] if c else None for c in code.tolist()]
    reasons: list[list[dict[str, object]]] = [[] for _ in range(n)]
    for rule, hit, values in fired:
        level = TIERS.index(rule.tier) + 1
        for i in np.flatnonzero(hit & (worst == level)).tolist():
            if all(r["measure"] != rule.measure for r in reasons[i]):
                reasons[i].append({"measure": rule.measure, "value": float(values[i])})
    return TierResult(tiers, reasons)


def suggested_terms(tier: str | None) -> int:
    """Payment terms (days) suggested for a new invoice of a customer in ``tier``."""
    return TERMS_DAYS.get(tier, TERMS_DAYS[None])
