"""What the collections area knows about promises-to-pay and disputes, as plain arrays.

The credit measures (broken promises, dispute frequency) and the forecast (a promised date, a
disputed invoice held back) read promises and disputes only through ``collection_inputs``: the
collections area's ``PromiseToPay`` and ``Dispute`` rows (two queries), mapped to positions in
the ``Ledger`` by invoice id. A promise made for a customer as a whole (no invoice) is not an
invoice's promise and is left out here; the dunning plan still honours it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.credit.ledger import Ledger
from recon.models import Dispute, PromiseToPay

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


_KEPT = {"kept": 1, "broken": 0, "open": -1}


def collection_inputs(session: Session, ledger: Ledger) -> CollectionInputs:
    """Promises and disputes on the ledger's invoices, recorded by the collections area."""
    pos = {int(i): k for k, i in enumerate(ledger.inv_id.tolist())}
    promises = [
        (pos[inv], day.toordinal(), made.date().toordinal(), _KEPT.get(status, -1))
        for inv, day, made, status in session.execute(
            select(PromiseToPay.invoice_id, PromiseToPay.promised_date,
                   PromiseToPay.created_at, PromiseToPay.status)
            .where(PromiseToPay.invoice_id.is_not(None)))
        if inv in pos
    ]
    disputes = [
        (pos[inv], opened.date().toordinal(), status == "open")
        for inv, opened, status in session.execute(
            select(Dispute.invoice_id, Dispute.created_at, Dispute.status))
        if inv in pos
    ]
    p = np.array(promises, dtype=np.int64).reshape(-1, 4)
    d = np.array([(a, b) for a, b, _ in disputes], dtype=np.int64).reshape(-1, 2)
    return CollectionInputs(
        promise_invoice=p[:, 0], promise_day=p[:, 1], promise_made=p[:, 2],
        promise_kept=p[:, 3], dispute_invoice=d[:, 0], dispute_day=d[:, 1],
        dispute_open=np.array([o for *_, o in disputes], dtype=bool),
    )
