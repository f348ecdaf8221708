"""Credit decisions racing on PostgreSQL: row locks keep every decision, none is lost."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from recon.credit import overrides
from recon.db import make_session_factory
from recon.models import AuditEvent, CreditProfile
from tests.recon.factories import make_customer

TODAY = dt.date(2026, 6, 30)


def _race(jobs):
    barrier, errors = threading.Barrier(len(jobs)), []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []


@pytest.mark.postgres
def test_concurrent_override_and_limit_on_one_customer(pg_engine):
    factory = make_session_factory(pg_engine)
    with factory.begin() as s:
        cid = make_customer(s).id

    def limit(n):
        with factory.begin() as s:
            overrides.set_limit(s, cid, amount=Decimal(1000 + n), reason=f"limit {n}",
                                actor=f"u{n}", base="EUR", today=TODAY)

    def override():
        with factory.begin() as s:
            overrides.set_override(s, cid, tier="C", reason="call", until=None, actor="o",
                                   base="EUR", today=TODAY)

    _race([lambda n=n: limit(n) for n in range(5)] + [override])  # profile created in the race
    with factory() as s:
        p = s.scalars(select(CreditProfile)).one()
        assert p.override_tier == "C" and p.limit_minor in {100000 + 100 * n for n in range(5)}
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 6
