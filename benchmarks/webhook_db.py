"""The webhook benchmark's database: a schema of its own per run, the invoices the events pay,
and the counts that decide a run (lost, duplicated, processed twice), read from the tables.

Why from the database: an answer says only that the server acknowledged; what a gateway relies
on is one stored row per event and one processing of it, so both are counted where they live.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid

import sqlalchemy as sa

from recon.db import make_engine, make_session_factory
from recon.db.migrate import upgrade
from recon.models import Customer, Invoice

__all__ = ["count_rows", "drop_schema", "make_schema", "processing_counts", "seed_invoices",
           "wait_processed"]


def make_schema(admin_url: str) -> tuple[str, str]:
    schema = f"bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(admin_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in admin_url else "?"
    url = f"{admin_url}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return schema, url



def seed_invoices(url: str, count: int) -> None:
    """Open USD 100.00 invoices BENCH-0..count-1 (a third of the charges name one)."""
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        customer = Customer(external_id="BENCH", name="Bench Customer Ltd")
        session.add(customer)
        session.flush()
        session.add_all(
            Invoice(invoice_no=f"BENCH-{i}", customer_id=customer.id, amount_minor=10000,
                    currency="USD", issue_date=dt.date(2026, 1, 1), due_date=dt.date(2026, 2, 1))
            for i in range(count)
        )
    engine.dispose()



def count_rows(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        q = lambda sql: conn.execute(sa.text(sql)).scalar()  # noqa: E731
        counts = {
            "events": q("SELECT count(*) FROM gateway_event"),
            "distinct_event_ids": q("SELECT count(DISTINCT event_id) FROM gateway_event"),
            "processed": q("SELECT count(*) FROM gateway_event WHERE status = 'processed'"),
            "pending_or_failed": q("SELECT count(*) FROM gateway_event WHERE status <> "
                                   "'processed'"),
            "transactions": q("SELECT count(*) FROM gateway_transaction"),
            "auto_matches": q("SELECT count(*) FROM match WHERE status = 'auto'"),
        }
    engine.dispose()
    return counts



def wait_processed(url: str, expected: int, timeout: float) -> tuple[float, int]:
    """Poll until ``expected`` events are stored and none is pending; (perf_counter at that
    moment, events processed or failed)."""
    engine = make_engine(url)
    deadline = time.perf_counter() + timeout
    try:
        with engine.connect() as conn:
            while True:
                stored, done = conn.execute(sa.text(
                    "SELECT count(*), count(*) FILTER (WHERE status <> 'pending') "
                    "FROM gateway_event")).one()
                conn.rollback()
                now = time.perf_counter()
                if (stored >= expected and done == stored) or now > deadline:
                    return now, done
                time.sleep(0.05)
    finally:
        engine.dispose()



def processing_counts(url: str) -> dict[str, int]:
    """Events processed more than once, and events never processed (audit rows)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        per_event = conn.execute(sa.text(
            "SELECT count(a.id) FROM gateway_event e LEFT JOIN audit_event a "
            "ON a.action = 'gateway_event.process' AND a.object_id = e.id::text "
            "GROUP BY e.id")).scalars().all()
    engine.dispose()
    return {"processed_more_than_once": sum(1 for n in per_event if n > 1),
            "never_processed": sum(1 for n in per_event if n == 0)}


def drop_schema(admin_url: str, schema: str) -> None:
    admin = make_engine(admin_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
