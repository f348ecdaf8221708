"""Tier rules and their reasons, limits and holds (pure)."""

from __future__ import annotations

import numpy as np
import pytest

from recon.credit.limits import hold_reason, suggested_limit
from recon.credit.measures import Measures
from recon.credit.tiers import Rule, assign_tiers, load_rules, reason_text, suggested_terms

NAN = float("nan")


def measures(**cols):
    n = len(next(iter(cols.values())))
    base = {k: np.full(n, NAN) for k in (
        "late_share_6m", "late_share_12m", "avg_late_6m", "oldest_overdue_days",
        "broken_promises_6m", "disputes_12m", "collection_rate_12m", "trend_days")}
    base["n_paid_12m"] = np.full(n, 10.0)
    base.update({k: np.array(v, dtype=float) for k, v in cols.items()})
    return Measures(values=base, money={})


def test_worst_rule_wins_and_its_reasons_are_given():
    m = measures(late_share_6m=[0.02, 0.12, 0.38, 0.9, NAN], broken_promises_6m=[0, 0, 2, 0, 0],
                 n_paid_12m=[10, 10, 10, 10, 1])
    result = assign_tiers(m)
    assert result.tiers == ["A", "B", "C", "D", None]
    texts = [", ".join(reason_text(r) for r in rs) for rs in result.reasons]
    assert texts[2] == "38 % paid late in 6 months, 2 broken promises"
    assert texts[1] == "12 % paid late in 6 months"
    assert texts[0] == "" and texts[4] == ""


def test_thin_history_stays_default_unless_a_rule_marks_it_down():
    m = measures(oldest_overdue_days=[0, 120], n_paid_12m=[1, 1])
    assert assign_tiers(m).tiers == [None, "D"]


def test_rules_from_a_json_file(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text('[{"tier": "D", "measure": "avg_late_6m", "op": ">", "threshold": 5}]')
    rules = load_rules(str(path))
    assert rules == (Rule("D", "avg_late_6m", ">", 5.0),)
    assert assign_tiers(measures(avg_late_6m=[6, 5]), rules).tiers == ["D", "A"]
    with pytest.raises(ValueError, match="bad credit rule"):
        Rule("E", "avg_late_6m", ">", 1)


def test_suggested_terms_by_tier():
    assert [suggested_terms(t) for t in ("A", "B", None, "C", "D")] == [60, 30, 30, 14, 0]


def test_suggested_limit_is_months_of_sales_by_tier_rounded_down():
    # 12 months' sales 123,456.78 EUR -> 10,288.06 a month; A: x3 = 30,864.19 -> 30,800.00
    assert suggested_limit(12345678, "A", "EUR") == 3080000
    assert suggested_limit(12345678, "C", "EUR") == 1020000
    assert suggested_limit(12345678, "D", "EUR") == 0
    assert suggested_limit(0, "A", "EUR") is None
    assert suggested_limit(1234567, None, "JPY") == 154300  # JPY has no minor units


def test_hold_when_tier_d_or_over_the_limit():
    assert hold_reason("D", 0, None) == "tier_d"
    assert hold_reason("B", 10001, 10000) == "over_limit"
    assert hold_reason("B", 10000, 10000) is None
    assert hold_reason("A", 10**9, None) is None
