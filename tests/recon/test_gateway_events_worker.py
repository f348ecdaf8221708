"""The background event processor: hand-over, failures, a full queue, the sweep, the setting."""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from recon.config import AppSettings, ConfigError
from recon.gateway import events as gateway_events
from recon.models import AuditEvent, GatewayEvent, GatewayTransaction
from recon.runtime.event_worker import EventProcessor
from tests.recon.test_gateway_events import stripe

ACTOR = "gateway:test"


@pytest.fixture
def worker(session_factory: sessionmaker[Session]) -> Iterator[EventProcessor]:
    processor = EventProcessor(session_factory, maxsize=2, sweep_age=0.0, sweep_every=60.0)
    yield processor
    processor.stop()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Stripe processing waits until the returned event is set."""
    opened = threading.Event()
    original = gateway_events.NORMALIZERS["stripe"]

    def gated(event):
        assert opened.wait(30)
        return original(event)

    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", gated)
    return opened


def payout(n: int):
    return stripe("payout.paid", {"id": f"po_{n}", "amount": 5000, "currency": "usd",
                                  "status": "paid"}, f"evt_po{n}")


def store(session_factory, n: int) -> int:
    stored = gateway_events.store(session_factory, payout(n), actor=ACTOR)
    assert stored.created and stored.id is not None
    return stored.id


def status(session: Session, row_id: int) -> tuple[str, int]:
    session.expire_all()
    row = session.get(GatewayEvent, row_id)
    return row.status, row.attempts


def test_store_writes_row_and_audit_once_and_duplicates_cost_nothing(session_factory, session):
    first = gateway_events.store(session_factory, payout(1), actor=ACTOR)
    again = gateway_events.store(session_factory, payout(1), actor=ACTOR)
    assert first.created and first.id is not None
    assert again == gateway_events.Stored(None, False)
    audit = session.scalars(select(AuditEvent)).one()
    assert (audit.actor, audit.action, audit.object_type, audit.object_id) == (
        ACTOR, "gateway_event.receive", "gateway_event", str(first.id))
    assert audit.after == {"gateway": "stripe", "event_id": "evt_po1", "type": "payout.paid"}
    assert status(session, first.id) == ("pending", 0)


def test_background_processes_after_the_hand_over(session_factory, session, worker, gate):
    row_id = store(session_factory, 1)
    assert worker.submit(row_id, ACTOR)
    assert not worker.drain(0.2)  # processing is held at the gate: the caller was not
    assert status(session, row_id) == ("pending", 0)
    gate.set()
    assert worker.drain(30)
    assert status(session, row_id) == ("processed", 1)
    assert session.scalar(select(func.count()).select_from(GatewayTransaction)) == 1


def test_background_failure_stays_pending_then_retry(session_factory, session, worker,
                                                     monkeypatch):
    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", lambda _e: 1 / 0)
    row_id = store(session_factory, 1)
    assert worker.submit(row_id, ACTOR) and worker.drain(30)
    assert status(session, row_id) == ("pending", 1)
    assert session.get(GatewayEvent, row_id).last_error.startswith("ZeroDivisionError")
    assert worker.sweep() == 0  # a failed event waits for the retry, it is not swept
    monkeypatch.undo()
    report = gateway_events.retry_pending(session_factory, actor="cli:test")
    assert (report.processed, report.failed) == (1, 0)
    assert status(session, row_id) == ("processed", 2)


def test_queue_full_leaves_event_pending_for_sweep_and_retry(session_factory, session, worker,
                                                             gate):
    ids = [store(session_factory, n) for n in range(5)]
    assert worker.submit(ids[0], ACTOR)  # taken by the thread, held at the gate
    for _ in range(100):
        if worker._queue.empty():  # wait until the thread holds the first one
            break
        time.sleep(0.01)
    assert worker.submit(ids[1], ACTOR) and worker.submit(ids[2], ACTOR)  # queue: 2 slots
    assert not worker.submit(ids[3], ACTOR)  # full: stays pending, nobody holds it
    gate.set()
    assert worker.drain(30)
    assert [status(session, i) for i in ids] == [("processed", 1)] * 3 + [("pending", 0)] * 2
    assert worker.sweep() == 2  # never-tried events, whoever dropped them
    assert [status(session, i)[0] for i in ids] == ["processed"] * 5
    assert gateway_events.retry_pending(session_factory, actor="cli:test").processed == 0


def test_retry_also_processes_what_a_stopped_worker_left(session_factory, session, gate):
    processor = EventProcessor(session_factory, maxsize=10, sweep_every=60.0)
    ids = [store(session_factory, n) for n in range(3)]
    assert all(processor.submit(i, ACTOR) for i in ids)
    stopper = threading.Thread(target=processor.stop)
    stopper.start()
    gate.set()
    stopper.join(30)
    assert not processor.submit(store(session_factory, 9), ACTOR)  # stopped: refused, pending
    report = gateway_events.retry_pending(session_factory, actor="cli:test")
    session.expire_all()
    statuses = session.scalars(select(GatewayEvent.status)).all()
    assert statuses == ["processed"] * 4 and report.failed == 0


def test_sweep_skips_recent_events(session_factory, session):
    processor = EventProcessor(session_factory, sweep_age=3600.0)
    row_id = store(session_factory, 1)
    assert processor.sweep() == 0 and status(session, row_id) == ("pending", 0)


@pytest.mark.parametrize(("raw", "mode"), [(None, "background"), ("", "background"),
                                           ("inline", "inline"), (" Background ", "background")])
def test_processing_mode_setting(raw, mode):
    env = {} if raw is None else {"RECON_WEBHOOK_PROCESSING": raw}
    assert AppSettings.from_env(env).webhook_processing == mode


def test_processing_mode_setting_rejects_other_values():
    with pytest.raises(ConfigError, match="RECON_WEBHOOK_PROCESSING"):
        AppSettings.from_env({"RECON_WEBHOOK_PROCESSING": "async"})


def test_store_leaves_pooled_connections_transactional(session_factory, session):
    """The store's autocommit (PostgreSQL) must not leak into the next user of the connection."""
    gateway_events.store(session_factory, payout(1), actor=ACTOR)
    for _ in range(3):  # whichever pooled connection comes next
        with session_factory() as other:
            other.add(AuditEvent(actor="t", action="probe", object_type="-", object_id="-"))
            other.flush()
            other.rollback()
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "probe")) == 0


def test_forked_child_gets_a_fresh_processor(session_factory, session, worker, gate):
    """gunicorn forks after building the app: the child must not count on the parent's thread."""
    row_id = store(session_factory, 1)
    assert worker.submit(row_id, ACTOR)  # the parent's thread holds it at the gate
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit code
        fresh = worker._thread is None and worker._queue.empty() and worker._unfinished == 0
        os._exit(0 if fresh and worker.drain(0) else 1)
    _, code = os.waitpid(pid, 0)
    gate.set()
    assert os.waitstatus_to_exitcode(code) == 0
    assert worker.drain(30) and status(session, row_id) == ("processed", 1)
