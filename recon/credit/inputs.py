"""What the collections area knows about promises-to-pay and disputes, as plain arrays.

The credit measures (broken promises, dispute frequency) and the forecast (a promised date, a
disputed invoice held back) read promises and disputes only through ``collection_inputs``. The
``PromiseToPay`` and ``Dispute`` tables are built by the collections area (issue #17) on another
branch, so today this returns empty inputs and every count is zero. Where they plug in: replace
the body of ``collection_inputs`` with two queries, promises as (invoice id, promised date,
amount minor, kept: True/False/None while pending) and disputes as (invoice id, opened date,
still open), mapped to ledger positions with ``Ledger.inv_id``; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from recon.credit.ledger import Ledger

__all__ = ["CollectionInputs", "collection_inputs"]


def _ints() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class CollectionInputs:
    """Promises and disputes by invoice position in a ``Ledger``.

    ``promise_kept`` is 1 (kept), 0 (broken) or -1 (pending); ``dispute_open`` is a bool.
    """

    promise_invoice: np.ndarray = field(default_factory=_ints)
    promise_day: np.ndarray = field(default_factory=_ints)  # promised ordinal day
    promise_made: np.ndarray = field(default_factory=_ints)  # ordinal day the promise was made
    promise_kept: np.ndarray = field(default_factory=_ints)
    dispute_invoice: np.ndarray = field(default_factory=_ints)
    dispute_day: np.ndarray = field(default_factory=_ints)
    dispute_open: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def collection_inputs(session: Session, ledger: Ledger) -> CollectionInputs:
    """Promises and disputes recorded by the collections area (none until #17 is merged)."""
    del session, ledger  # the tables do not exist on this branch; see the module docstring
    return CollectionInputs()
