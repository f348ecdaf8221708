"""EM weight estimation and confidence calibration: they must recover what the data says."""

from __future__ import annotations

import numpy as np
import pytest

from matching import learn
from matching import levels as L
from matching.calibration import KNOTS, STRATA, calibrate, fit, stratum
from matching.learn import LEARNED, Feedback, estimate


def _synthetic(n: int, share: float, rng: np.random.Generator):
    """Pairs whose levels are drawn from known m and u per learned feature."""
    is_match = rng.random(n) < share
    columns, truth = {}, {}
    for f, col in LEARNED:
        codes = [lv.code for lv in f.levels]
        k = len(codes)
        m = rng.dirichlet(np.ones(k) * 0.7)
        u = rng.dirichlet(np.ones(k) * 0.7)
        draw_m = rng.choice(k, n, p=m)
        draw_u = rng.choice(k, n, p=u)
        columns[col] = np.array(codes)[np.where(is_match, draw_m, draw_u)]
        truth[f.name] = (codes, m, u)
    return columns, truth, is_match


def test_em_recovers_known_m_and_u(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(learn, "PRIOR_STRENGTH", 0.0)
    monkeypatch.setattr(learn, "NULL_LEVELS", frozenset())
    monkeypatch.setattr(learn, "MAX_SHIFT", 100.0)
    rng = np.random.default_rng(7)
    columns, truth, is_match = _synthetic(200_000, 0.15, rng)
    # start from a vague guess: the truth blurred towards the base rate
    start = np.where(is_match, 0.6, 0.1)
    got = estimate(columns, start)
    assert got.source == "em"
    assert got.match_share == pytest.approx(0.15, abs=0.01)
    for name, (codes, m, u) in truth.items():
        for k, c in enumerate(codes):
            assert got.m[(name, c)] == pytest.approx(m[k], abs=0.02), (name, c)
            assert got.u[(name, c)] == pytest.approx(u[k], abs=0.02), (name, c)


def test_too_few_pairs_keep_the_declared_weights() -> None:
    rng = np.random.default_rng(1)
    columns, _, is_match = _synthetic(learn.MIN_PAIRS - 1, 0.2, rng)
    got = estimate(columns, np.where(is_match, 0.9, 0.1))
    assert got.source == "declared" and not got.weights
    assert got.weight(L.AMOUNT, 6) == L.AMOUNT.level(6).weight


def test_feedback_moves_weights_the_way_people_decided(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(learn, "MAX_SHIFT", 100.0)
    rng = np.random.default_rng(3)
    columns, _, is_match = _synthetic(20_000, 0.1, rng)
    start = np.where(is_match, 0.8, 0.1)
    plain = estimate(columns, start)
    refused = Feedback(refused=(("payer", "exact", 5_000),))
    confirmed = Feedback(confirmed=(("payer", "exact", 5_000),))
    assert estimate(columns, start, feedback=refused).weight(L.NAME, 7) < plain.weight(L.NAME, 7)
    more = estimate(columns, start, feedback=confirmed)
    assert more.weight(L.NAME, 7) > plain.weight(L.NAME, 7)
    assert more.source == "em+feedback"


def test_isotonic_fit_is_monotone_and_tracks_the_truth() -> None:
    rng = np.random.default_rng(5)
    scores = rng.normal(3, 4, 50_000)
    p_true = 1 / (1 + np.exp2(-scores / 2))
    right = (rng.random(len(scores)) < p_true).astype(float)
    knots = fit(scores, right)
    values = [v for _, v in knots]
    assert values == sorted(values) and len(knots) > 5
    for s in (-2.0, 2.0, 6.0, 10.0):
        assert calibrate(s, knots=knots) == pytest.approx(1 / (1 + 2 ** (-s / 2)), abs=0.06)
    # no step claims certainty from a finite sample
    assert max(values) < 1.0


@pytest.mark.parametrize("where", STRATA)
def test_shipped_calibration_is_monotone_and_fitted(where: str) -> None:
    knots = KNOTS[where]
    assert knots, f"no calibration fitted for {where}"
    lows = [k[0] for k in knots]
    values = [k[1] for k in knots]
    assert lows == sorted(lows) and values == sorted(values)
    grid = np.linspace(-30, 30, 301)
    out = [calibrate(float(s), where) for s in grid]
    assert out == sorted(out) and all(0.0 < v < 1.0 for v in out)


def test_an_amount_alone_never_confirms_and_is_calibrated_low() -> None:
    # far below the 'fits' stratum at the same score: equal amounts are common
    only, fits = stratum("amount_only", "single"), stratum("reference_or_payer", "single")
    assert calibrate(0.0, only) < 0.5 < calibrate(0.0, fits)
    assert calibrate(3.0, only) < calibrate(3.0, fits)  # (refit of 2026-12-06: 0.93 < 0.9996)
    assert stratum("reference_or_payer", "partial") == "differs"


def test_a_learned_weight_stays_near_its_declared_value() -> None:
    rng = np.random.default_rng(11)
    columns, _, is_match = _synthetic(50_000, 0.1, rng)
    got = estimate(columns, np.where(is_match, 0.8, 0.1))
    for f, _ in LEARNED:
        for lv in f.levels:
            assert abs(got.weight(f, lv.code) - lv.weight) <= learn.MAX_SHIFT + 1e-9


def test_the_engine_learns_its_weights_on_a_real_run() -> None:
    from benchmarks.gen_matching import generate
    from matching import MatchInput, MatchSettings, match

    ds = generate(2_000, 9, "EUR")
    data = MatchInput(tuple(ds.invoices), tuple(ds.receipts), tuple(ds.customers))
    learned = match(data, MatchSettings())
    declared = match(data, MatchSettings(learn_weights=False, calibrate=False))
    assert learned.stats["weights_learned"] == 1 and declared.stats["weights_learned"] == 0
    scores = {p.receipt_id: p.score for p in learned.proposals}
    assert any(abs(scores.get(p.receipt_id, p.score) - p.score) > 1e-6
               for p in declared.proposals)  # fmt: skip
    raw = {p.receipt_id: p.confidence for p in declared.proposals}
    assert any(abs(raw.get(p.receipt_id, p.confidence) - p.confidence) > 1e-3
               for p in learned.proposals)  # fmt: skip
