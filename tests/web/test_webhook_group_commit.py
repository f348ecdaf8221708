"""Group commit of webhook events on PostgreSQL (`recon.gateway.group_commit`), through the edge.

Batches are made deterministic by holding ``gateway_event`` locked: the writer's first statement
waits on the lock, the requests arriving meanwhile queue up and become the next batch.  What is
asserted is counted from the database: rows stored, audit rows, and the answers each request got.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from gateways import VerifiedEvent
from recon.config import AppSettings
from recon.db import make_engine, make_session_factory
from recon.gateway.group_commit import EventWriter
from tests.gateways.gw_signing import STRIPE_SECRET, sign_stripe, stripe_event
from web import create_app

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(pg_url: str, tmp_path) -> Iterator[Flask]:
    settings = AppSettings.from_env({}).with_(
        database_url=pg_url, environment="test", inbox_dir=tmp_path / "inbox",
        reports_dir=tmp_path / "reports", extra={"STRIPE_WEBHOOK_SECRET": STRIPE_SECRET})
    app = create_app({"RECON_SETTINGS": settings, "TESTING": True})
    yield app
    app.extensions["recon.engine"].dispose()


def batches(writer: EventWriter, monkeypatch) -> list[int]:
    """The size of every statement the writer runs from now on."""
    sizes: list[int] = []
    real = writer._insert

    def counted(waiters):
        sizes.append(len(waiters))
        return real(waiters)

    monkeypatch.setattr(writer, "_insert", counted)
    return sizes


def scalar(engine: sa.Engine, sql: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar()


@contextlib.contextmanager
def table_locked(engine: sa.Engine) -> Iterator[None]:
    with engine.connect() as holder:
        holder.execute(sa.text("LOCK TABLE gateway_event IN EXCLUSIVE MODE"))
        yield
        holder.rollback()


def wait_for(check: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def blocked(engine: sa.Engine) -> list[int]:
    """Backends waiting for the lock on gateway_event (the writers' statements)."""
    with engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT pid FROM pg_locks WHERE NOT granted "
            "AND relation = 'gateway_event'::regclass")).scalars())


def kill(engine: sa.Engine, pids: list[int]) -> None:
    with engine.connect() as conn:
        for pid in pids:
            conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})


def start(target: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=target)
    thread.start()
    return thread


def test_a_database_failure_answers_5xx_to_every_request_of_the_batch(pg_app, pg_engine,
                                                                      monkeypatch):
    """The writer's connection dies while a batch of five waits for its commit (the database
    going away): all five answer 500, none is stored; delivered again, all are stored once."""
    edge = pg_app.wsgi_app
    sizes = batches(edge.writer, monkeypatch)
    answers: dict[int, int] = {}

    def post(n: int) -> None:
        body, header = sign_stripe(stripe_event("customer.created", {"id": f"cus_{n}"},
                                                event_id=f"evt_{n}"))
        answers[n] = pg_app.test_client().post(
            "/webhooks/stripe", data=body, content_type="application/json",
            headers={"Stripe-Signature": header}).status_code

    with table_locked(pg_engine):
        threads = [start(lambda: post(0))]
        wait_for(lambda: len(blocked(pg_engine)) == 1, "the first batch did not start")
        threads += [start(lambda n=n: post(n)) for n in range(1, 6)]
        wait_for(lambda: edge.writer._queue.qsize() == 5, "the requests did not queue up")
        first = blocked(pg_engine)
        kill(pg_engine, first)  # batch [0] fails
        wait_for(lambda: blocked(pg_engine) not in ([], first), "no second batch")
        kill(pg_engine, blocked(pg_engine))  # batch [1..5] fails, on a new connection
        for thread in threads:
            thread.join(30)
        assert not any(thread.is_alive() for thread in threads)
    assert sizes == [1, 5]
    assert answers == dict.fromkeys(range(6), 500)
    assert scalar(pg_engine, "SELECT count(*) FROM gateway_event") == 0
    assert scalar(pg_engine, "SELECT count(*) FROM audit_event") == 0
    for n in range(6):  # the gateway delivers again: the writer has reconnected
        post(n)
    assert answers == dict.fromkeys(range(6), 200)
    assert scalar(pg_engine, "SELECT count(*) FROM gateway_event "
                             "WHERE status = 'processed'") == 6


def event(n: int, event_id: str | None = None) -> VerifiedEvent:
    event_id = event_id or f"evt_{n}"
    return VerifiedEvent(gateway="stripe", event_id=event_id, event_type="customer.created",
                         occurred_at=None, payload=stripe_event(
                             "customer.created", {"id": f"cus_{n}"}, event_id=event_id))


def test_concurrent_duplicates_on_two_writers_are_stored_once(pg_url, pg_engine, monkeypatch):
    """Two writers (two web processes) get the same twelve events, in opposite orders and all
    at once: one row and one audit row per event, exactly one request told it created it, two
    statements per writer for 24 requests, and no deadlock between them."""
    engines = [make_engine(pg_url) for _ in range(2)]
    writers = [EventWriter(make_session_factory(e)) for e in engines]
    sizes = [batches(w, monkeypatch) for w in writers]
    results: list[tuple[int, bool]] = []
    order = {0: list(range(12)), 1: list(reversed(range(12)))}

    def store(w: int, n: int) -> None:
        results.append((n, writers[w].store(event(n), actor="gateway:stripe").created))

    try:
        with table_locked(pg_engine):
            threads = [start(lambda w=w: store(w, order[w][0])) for w in (0, 1)]
            wait_for(lambda: len(blocked(pg_engine)) == 2, "the first batches did not start")
            threads += [start(lambda w=w, n=n: store(w, n)) for w in (0, 1)
                        for n in order[w][1:]]
            wait_for(lambda: sum(w._queue.qsize() for w in writers) == 22,
                     "the requests did not queue up")
        for thread in threads:
            thread.join(30)
    finally:
        for e in engines:
            e.dispose()
    assert sizes == [[1, 11], [1, 11]]
    assert sorted(n for n, created in results if created) == list(range(12))
    assert len(results) == 24
    assert scalar(pg_engine, "SELECT count(DISTINCT event_id) FROM gateway_event") == 12
    assert scalar(pg_engine, "SELECT count(*) FROM gateway_event") == 12
    assert scalar(pg_engine, "SELECT count(*) FROM audit_event "
                             "WHERE action = 'gateway_event.receive'") == 12


def test_an_event_the_database_refuses_fails_alone(pg_engine, monkeypatch):
    """An event id longer than its column in a batch of three: that request gets the error,
    its two neighbours are stored (the batch is retried one event at a time)."""
    writer = EventWriter(make_session_factory(pg_engine))
    sizes = batches(writer, monkeypatch)
    outcome: dict[str, object] = {}

    def store(e: VerifiedEvent) -> None:
        try:
            outcome[e.event_id[:8]] = writer.store(e, actor="gateway:stripe").created
        except psycopg.DataError as exc:
            outcome[e.event_id[:8]] = exc

    with table_locked(pg_engine):
        threads = [start(lambda: store(event(0)))]
        wait_for(lambda: len(blocked(pg_engine)) == 1, "the first batch did not start")
        threads += [start(lambda e=e: store(e))
                    for e in (event(1), event(2, "evt_long" + "x" * 300), event(3))]
        wait_for(lambda: writer._queue.qsize() == 3, "the requests did not queue up")
    for thread in threads:
        thread.join(30)
    assert sizes[:2] == [1, 3] and sorted(sizes[2:]) == [1, 1, 1]
    assert isinstance(outcome.pop("evt_long"), psycopg.DataError)
    assert outcome == {"evt_0": True, "evt_1": True, "evt_3": True}
    assert scalar(pg_engine, "SELECT count(*) FROM gateway_event") == 3


def test_each_batch_is_logged_with_its_size_wait_and_store_time(pg_engine, caplog):
    """At DEBUG each batch logs its size, how long its oldest request waited for it to start
    and how long it took to store: a batch held 0.3 s by a lock says so."""
    writer = EventWriter(make_session_factory(pg_engine))
    caplog.set_level("DEBUG", logger="recon.gateway.group_commit")
    with table_locked(pg_engine):
        threads = [start(lambda: writer.store(event(0), actor="gateway:stripe"))]
        wait_for(lambda: len(blocked(pg_engine)) == 1, "the first batch did not start")
        threads += [start(lambda n=n: writer.store(event(n), actor="gateway:stripe"))
                    for n in (1, 2, 3)]
        wait_for(lambda: writer._queue.qsize() == 3, "the requests did not queue up")
        time.sleep(0.3)
    for thread in threads:
        thread.join(30)

    def batches() -> list:
        return [r.args for r in caplog.records if r.msg.startswith("webhook batch of")]

    # the writer logs a batch after it has answered its requests: wait for the second line
    wait_for(lambda: len(batches()) == 2, "the second batch was not logged")
    logged = batches()
    assert [size for size, _waited, _stored in logged] == [1, 3]
    (_, first_waited, first_stored), (_, second_waited, second_stored) = logged
    assert first_stored >= 300 and first_waited < 300  # held by the lock, not by the queue
    assert second_waited >= 300 and second_stored < 300  # queued behind the held batch
