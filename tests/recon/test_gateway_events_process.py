"""The event processor process (``RECON_WEBHOOK_PROCESSING=process``): the loop, the
``recon gateways worker`` command and the supervisor ``recon serve`` runs it under."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from recon.cli.serve_worker import EventWorkerSupervisor
from recon.models import GatewayEvent
from recon.services import gateway_events
from recon.services.event_process import ProcessorLoop
from tests.recon.test_gateway_events_worker import ACTOR, payout, status, store

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_run_once_processes_never_tried_events_oldest_first(session_factory, session,
                                                            monkeypatch):
    ids = [store(session_factory, n) for n in (1, 2, 3)]
    seen: list[str] = []
    original = gateway_events.NORMALIZERS["stripe"]
    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe",
                        lambda event: seen.append(event.event_id) or original(event))
    loop = ProcessorLoop(session_factory, batch=2)
    assert loop.run_once() == 2 and loop.run_once() == 1 and loop.run_once() == 0
    assert seen == ["evt_po1", "evt_po2", "evt_po3"] and loop.processed == 3
    assert [status(session, i) for i in ids] == [("processed", 1)] * 3


def test_failures_wait_for_the_retry_not_the_loop(session_factory, session, monkeypatch):
    row_id = store(session_factory, 1)

    def broken(_event):
        raise RuntimeError("normaliser bug")

    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", broken)
    loop = ProcessorLoop(session_factory)
    assert loop.run_once() == 1 and status(session, row_id) == ("pending", 1)
    assert loop.run_once() == 0  # a failed event is not retaken by the loop
    monkeypatch.undo()
    report = gateway_events.retry_pending(session_factory, actor=ACTOR)
    assert report.processed == 1 and status(session, row_id) == ("processed", 2)


def test_run_takes_events_as_they_arrive_and_stops_when_asked(session_factory, session):
    loop, stop = ProcessorLoop(session_factory, poll_s=0.02), threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,))
    thread.start()
    try:
        row_id = store(session_factory, 1)
        assert wait_for(lambda: status(session, row_id)[0] == "processed")
        again = store(session_factory, 2)
        assert wait_for(lambda: status(session, again)[0] == "processed")
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive() and loop.processed == 2


def test_run_outlives_a_database_outage(session_factory: sessionmaker[Session], session):
    row_id = store(session_factory, 1)
    loop, stop = ProcessorLoop(session_factory, poll_s=0.01), threading.Event()
    real, calls = loop.run_once, []

    def flaky(stop_event=None) -> int:
        calls.append(1)
        if len(calls) <= 2:
            raise OperationalError("SELECT", {}, Exception("server closed the connection"))
        return real(stop_event)

    loop.run_once = flaky  # type: ignore[method-assign]
    thread = threading.Thread(target=loop.run, args=(stop,))
    thread.start()
    try:
        assert wait_for(lambda: status(session, row_id)[0] == "processed")
    finally:
        stop.set()
        thread.join(5)
    assert len(calls) >= 3 and not thread.is_alive()


def test_endpoint_in_process_mode_only_stores(settings, session_factory, session):
    from tests.web.test_webhooks import GATEWAY_ENV
    from web import create_app
    from web.webhooks import processor

    app = create_app({"RECON_SETTINGS": settings.with_(extra=dict(GATEWAY_ENV),
                                                        webhook_processing="process"),
                      "TESTING": True})
    try:
        assert processor(app) is None
        body, header = _signed(payout(7))
        response = app.test_client().post("/webhooks/stripe", data=body,
                                          headers={"Stripe-Signature": header})
        assert response.status_code == 200
        row = session.query(GatewayEvent).one()
        assert (row.status, row.attempts) == ("pending", 0)  # left for the worker process
        assert ProcessorLoop(session_factory).run_once() == 1
        assert status(session, row.id) == ("processed", 1)
    finally:
        app.extensions["recon.engine"].dispose()


def _signed(event) -> tuple[bytes, str]:
    from tests.gateways.gw_signing import sign_stripe

    return sign_stripe(event.payload)


def _env(db_url: str) -> dict[str, str]:
    return {**os.environ, "RECON_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}


def test_worker_command_processes_and_stops_cleanly_on_sigterm(db_url, session_factory,
                                                               session):
    row_id = store(session_factory, 1)
    proc = subprocess.Popen(
        [sys.executable, "-m", "recon", "gateways", "worker", "--poll", "0.05", "--nice", "0"],
        cwd=ROOT, env=_env(db_url), stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: status(session, row_id)[0] == "processed")
        later = store(session_factory, 2)
        assert wait_for(lambda: status(session, later)[0] == "processed")
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped: 2 processed" in err


def test_worker_command_lowers_its_priority(db_url):
    base = os.getpriority(os.PRIO_PROCESS, 0)
    proc = subprocess.Popen(
        [sys.executable, "-m", "recon", "gateways", "worker", "--poll", "0.05", "--nice", "7"],
        cwd=ROOT, env=_env(db_url), stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: os.getpriority(os.PRIO_PROCESS, proc.pid) == min(base + 7, 19))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0


def test_supervisor_restarts_a_killed_worker_and_stops_it(db_url, session_factory, session):
    supervisor = EventWorkerSupervisor(db_url, restart_after=0.05, env=_env(db_url),
                                       args=("--poll", "0.05", "--nice", "0"))
    supervisor.start()
    try:
        assert wait_for(lambda: supervisor.pid is not None)
        first = supervisor.pid
        os.kill(first, signal.SIGKILL)
        assert wait_for(lambda: supervisor.starts == 2 and supervisor.pid != first)
        row_id = store(session_factory, 1)
        assert wait_for(lambda: status(session, row_id)[0] == "processed")
    finally:
        supervisor.stop()
    second = supervisor.pid
    assert second is not None and not _alive(second)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("mode", ["process", " Process "])
def test_process_mode_setting(mode):
    from recon.config import AppSettings

    assert AppSettings.from_env({"RECON_WEBHOOK_PROCESSING": mode}).webhook_processing == (
        "process")


def test_postgresql_pool_keeps_a_gunicorn_worker_s_connections():
    """Overflow connections are closed on return: a pool smaller than a worker's 8 request
    threads plus its event thread would open a PostgreSQL backend per request under load."""
    from recon.cli.serve import serve
    from recon.db import make_engine

    threads = next(p.default for p in serve.params if p.name == "threads")
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connects
    assert engine.pool.size() >= threads + 1
    assert make_engine("postgresql://nobody@127.0.0.1:1/none", pool_size=3).pool.size() == 3
