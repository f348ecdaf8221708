"""The queue's queries run without PostgreSQL's JIT, for their own transaction only."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from recon.queue.listing import QueueFilter, queue_counts, queue_page
from recon.queue.overview import age_buckets


@pytest.mark.parametrize("read", [
    lambda s: queue_counts(s, QueueFilter(), fresh=True),
    lambda s: queue_page(s, QueueFilter(), limit=2),
    lambda s: age_buckets(s, dt.date(2026, 3, 1)),
], ids=["counts", "page", "dashboard ages"])  # fmt: skip
def test_queue_reads_turn_jit_off_until_the_transaction_ends(session, read) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("JIT is PostgreSQL's; nothing to turn off on SQLite")
    before = session.scalar(text("SHOW jit"))
    session.rollback()
    read(session)
    assert session.scalar(text("SHOW jit")) == "off"
    session.rollback()
    assert session.scalar(text("SHOW jit")) == before
