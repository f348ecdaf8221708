"""Each open invoice's pay-date distribution: an empirical delay distribution, shrunk.

Why this model: a customer's delay (pay day − due day) is far from normal (many pay on the day,
some weeks late, a few never) and most customers have few invoices, so a parametric survival fit
(lifelines, statsmodels) per customer is either unstable or needs covariates we do not have. An
empirical histogram of delays per customer, smoothed with a Gaussian kernel
(``scipy.ndimage.gaussian_filter1d``), weighted towards recent payments (half-life
``HALF_LIFE`` days, so a deteriorating payer's new habit counts more) and shrunk towards its
tier's and then the portfolio's distribution with ``k`` pseudo-observations
(posterior = (own counts + k × prior) / (own weight + k)), is stable with three invoices and
converges to the customer's own pattern with thirty. A month-of-year effect (the portfolio's
mean delay for invoices due in that month against its overall mean, shrunk by ``SEASON_K``) is
taken out of each observation and put back for the due month of each open invoice, so December
and the Chinese New Year are late for everybody. For an invoice already past some of its
possible days, the distribution is conditioned on "not paid by ``as_of``". Promises to pay put
``PROMISE_KEEP`` of the mass on the promised day; an open dispute moves all mass beyond the
horizon. Pure numpy/scipy; raises nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

from recon.credit.inputs import CollectionInputs
from recon.credit.ledger import NEVER, Ledger

__all__ = ["HALF_LIFE", "LO", "NBINS", "DelayModel", "fit", "predict"]

LO, HI = -30, 180  # delay grid in days; later than HI goes to the last ("beyond") bin
NBINS = HI - LO + 2
HALF_LIFE = 120.0
SMOOTH_DAYS = 2.0
PROMISE_KEEP = 0.6
SEASON_K = 50.0
EPOCH = dt.date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class DelayModel:
    as_of: int
    probs: np.ndarray  # customers × NBINS, rows sum to 1
    weight: np.ndarray  # effective number of own observations per customer
    season: np.ndarray  # delay shift (days) per due month, index 1..12


def month_of(days: np.ndarray) -> np.ndarray:
    """Calendar month (1-12) of ordinal days, vectorised."""
    stamps = (days - EPOCH).astype("datetime64[D]")
    return stamps.astype("datetime64[M]").astype(np.int64) % 12 + 1


def _season(delay: np.ndarray, month: np.ndarray) -> np.ndarray:
    n = np.bincount(month, minlength=13).astype(float)
    total = np.bincount(month, weights=delay.astype(float), minlength=13)
    overall = delay.mean() if len(delay) else 0.0
    effect = (total - n * overall) / (n + SEASON_K)
    effect[0] = 0.0
    return np.rint(effect).astype(np.int64)


def _hist(groups: np.ndarray, bins: np.ndarray, w: np.ndarray, rows: int) -> np.ndarray:
    flat = np.bincount(groups * NBINS + bins, weights=w, minlength=rows * NBINS)
    hist = flat.reshape(rows, NBINS)
    body = gaussian_filter1d(hist[:, :-1], SMOOTH_DAYS, axis=1, mode="constant")
    return np.concatenate([body, hist[:, -1:]], axis=1)


def _shrink(own: np.ndarray, n: np.ndarray, prior: np.ndarray, k: float) -> np.ndarray:
    return (own + k * prior) / (n + k)[:, None]


def fit(led: Ledger, as_of: int, tier_codes: np.ndarray, k: float = 4.0) -> DelayModel:
    """Delay distributions per customer from invoices settled by ``as_of``.

    ``tier_codes`` gives each customer's tier as 0 (default) .. 4 (D).
    """
    paid = led.paid_day(as_of)
    done = paid != NEVER
    raw = paid[done] - led.inv_due[done]
    season = _season(np.clip(raw, LO, HI), month_of(led.inv_due[done]))
    delay = np.clip(raw - season[month_of(led.inv_due[done])], LO, HI + 1)
    bins = (delay - LO).astype(np.int64)
    w = 0.5 ** ((as_of - paid[done]) / HALF_LIFE)
    cust = led.inv_customer[done]
    n_c = led.n_customers
    own = _hist(cust, bins, w, n_c)
    n_own = np.bincount(cust, weights=w, minlength=n_c)
    portfolio = own.sum(axis=0)
    portfolio = portfolio / portfolio.sum() if portfolio.sum() else _flat_prior()
    tier_own = np.zeros((5, NBINS))
    np.add.at(tier_own, tier_codes, own)
    tier_n = np.bincount(tier_codes, weights=n_own, minlength=5)
    tiers = _shrink(tier_own, tier_n, portfolio[None, :], k)
    probs = _shrink(own, n_own, tiers[tier_codes], k)
    return DelayModel(as_of=as_of, probs=probs, weight=n_own, season=season)


def _flat_prior() -> np.ndarray:
    p = np.zeros(NBINS)
    p[-LO: -LO + 31] = 1 / 31  # nothing known: between the due day and a month later
    return p


def predict(model: DelayModel, led: Ledger, invoices: np.ndarray, horizon: int,
            inputs: CollectionInputs | None = None) -> np.ndarray:
    """``len(invoices)`` × (horizon + 1): P(paid on day as_of+1+h); last column = later."""
    t = model.as_of
    p = model.probs[led.inv_customer[invoices]].copy()
    due = led.inv_due[invoices]
    shift = due + model.season[month_of(due)] + LO - t - 1  # horizon index of the first bin
    h = shift[:, None] + np.arange(NBINS)[None, :]
    p[:, :-1] = np.where(h[:, :-1] >= 0, p[:, :-1], 0.0)  # condition on "not paid by as_of"
    total = p.sum(axis=1, keepdims=True)
    p = np.where(total > 1e-9, p / np.where(total > 1e-9, total, 1), 0.0)
    lost = total[:, 0] <= 1e-9
    p[lost, -1] = 1.0
    idx = np.where(np.arange(NBINS)[None, :] < NBINS - 1, np.clip(h, 0, horizon), horizon)
    rows = np.repeat(np.arange(len(invoices)), NBINS)
    flat = np.bincount(rows * (horizon + 1) + idx.ravel(), weights=p.ravel(),
                       minlength=len(invoices) * (horizon + 1))
    out = flat.reshape(len(invoices), horizon + 1)
    return _adjust(out, led, invoices, t, horizon, inputs) if inputs is not None else out


def _adjust(q: np.ndarray, led: Ledger, invoices: np.ndarray, t: int, horizon: int,
            inputs: CollectionInputs) -> np.ndarray:
    pos = {int(v): n for n, v in enumerate(invoices.tolist())}
    pending = (inputs.promise_kept == -1) & (inputs.promise_day > t)
    for inv, day in zip(inputs.promise_invoice[pending].tolist(),
                        inputs.promise_day[pending].tolist(), strict=True):
        if inv in pos:
            row = q[pos[inv]] * (1 - PROMISE_KEEP)
            row[min(day - t - 1, horizon)] += PROMISE_KEEP
            q[pos[inv]] = row
    for inv in inputs.dispute_invoice[inputs.dispute_open].tolist():
        if inv in pos:
            q[pos[inv]] = 0.0
            q[pos[inv], horizon] = 1.0
    return q
