"""The expected-receipts curve: by day and by week for ``weeks`` weeks, with an 80 % band.

``receipts_curve(q, amounts, weeks)`` turns per-invoice pay-day probabilities (``model.predict``)
and open amounts into the expected receipts per day and per week, and simulates ``SIMS``
outcomes (each invoice paid in one week drawn from its distribution, independently) for the
10th and 90th percentile of each week. Amounts here are estimates in float minor units, rounded
to whole minor units for display; no money is booked from them. Raises nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SIMS", "Curve", "receipts_curve", "weekly"]

SIMS = 1000
CHUNK = 2000


@dataclass(frozen=True)
class Curve:
    daily: np.ndarray  # expected minor units per day, length weeks*7
    weekly: np.ndarray  # expected per week
    low: np.ndarray  # 10th percentile per week
    high: np.ndarray  # 90th percentile per week
    later: float  # expected beyond the horizon (or never)


def weekly(q: np.ndarray, weeks: int) -> np.ndarray:
    """Per-invoice probabilities by day (+ later) folded into weeks (+ later)."""
    days = weeks * 7
    by_week = q[:, :days].reshape(len(q), weeks, 7).sum(axis=2)
    return np.concatenate([by_week, q[:, days:].sum(axis=1, keepdims=True)], axis=1)


def _simulate(w: np.ndarray, amounts: np.ndarray, weeks: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    totals = np.zeros(SIMS * (weeks + 1))
    cum = np.cumsum(w, axis=1)
    cum[:, -1] = 1.0 + 1e-12
    sims = np.arange(SIMS)
    for start in range(0, len(w), CHUNK):
        part = cum[start:start + CHUNK]
        u = rng.random((len(part), SIMS))
        # the week drawn = how many of the row's cumulative probabilities lie below u: one
        # sorted search over all rows, each row shifted by 2 so rows never interleave
        shift = 2.0 * np.arange(len(part))[:, None]
        found = np.searchsorted((part + shift).ravel(), (u + shift).ravel(), side="left")
        week = found.reshape(u.shape) - (np.arange(len(part)) * (weeks + 1))[:, None]
        flat = sims[None, :] * (weeks + 1) + week
        amt = np.broadcast_to(amounts[start:start + CHUNK, None], flat.shape)
        totals += np.bincount(flat.ravel(), weights=amt.ravel(), minlength=len(totals))
    return totals.reshape(SIMS, weeks + 1)[:, :weeks]


def receipts_curve(q: np.ndarray, amounts: np.ndarray, weeks: int = 13,
                   seed: int = 7) -> Curve:
    """Expected receipts and the 80 % band from probabilities ``q`` (invoices × days+1)."""
    amounts = amounts.astype(float)
    days = weeks * 7
    daily = amounts @ q[:, :days] if len(q) else np.zeros(days)
    w = weekly(q, weeks) if len(q) else np.zeros((0, weeks + 1))
    sims = _simulate(w, amounts, weeks, seed) if len(q) else np.zeros((SIMS, weeks))
    return Curve(
        daily=daily,
        weekly=daily.reshape(weeks, 7).sum(axis=1),
        low=np.percentile(sims, 10, axis=0),
        high=np.percentile(sims, 90, axis=0),
        later=float(amounts @ q[:, days:].sum(axis=1)) if len(q) else 0.0,
    )
