"""Two reminder runs at once on PostgreSQL: the unique (invoice, level) lets exactly one record
(and so send) the reminder; the other skips it."""

from __future__ import annotations

import threading

import pytest

from recon.collections import build_plan
from recon.collections.policies import ensure_policies
from recon.collections.runner import record
from recon.db import make_session_factory
from tests.collections.helpers import DUE, customer_with_invoices, dunning_settings

pytestmark = pytest.mark.postgres


def test_concurrent_runs_record_a_level_once_on_postgresql(pg_engine):
    factory = make_session_factory(pg_engine)
    with factory.begin() as s:
        ensure_policies(s)
        for n in range(4):
            customer_with_invoices(s, "10.00", "20.00", email=f"c{n}@buyer.example")
    with factory() as s:
        plans = [build_plan(s, DUE).to_send for _ in range(2)]  # both planned before either wrote
    barrier = threading.Barrier(2)
    results: list[list[int | None]] = [[], []]

    def worker(n: int) -> None:
        barrier.wait()
        for planned in plans[n]:
            results[n].append(record(factory, planned, DUE, dunning_settings(), actor=f"w{n}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    recorded = [rid for rid in results[0] + results[1] if rid is not None]
    assert len(recorded) == 4  # one per customer, never two
    for a, b in zip(results[0], results[1], strict=True):
        assert (a is None) != (b is None)
