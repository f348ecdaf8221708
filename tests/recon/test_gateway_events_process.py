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

from recon.gateway import events as gateway_events
from recon.models import GatewayEvent
from recon.runtime.event_process import ProcessorLoop
from tests.recon.test_gateway_events_worker import ACTOR, payout, status, store
from web.cli.serve_worker import EventWorkerSupervisor

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
    from recon.db import make_engine
    from web.cli.serve import serve

    threads = next(p.default for p in serve.params if p.name == "threads")
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connects
    assert engine.pool.size() >= threads + 1
    assert make_engine("postgresql://nobody@127.0.0.1:1/none", pool_size=3).pool.size() == 3


@pytest.mark.parametrize(("url", "env", "dev", "mode"), [
    ("postgresql+psycopg://h/db", {}, False, "process"),
    ("postgresql+psycopg://h/db", {"RECON_WEBHOOK_PROCESSING": "background"}, False,
     "background"),
    ("postgresql+psycopg://h/db", {}, True, "background"),
    ("sqlite:///recon.db", {}, False, "background"),
])
def test_serve_processes_in_a_worker_process_on_postgresql_by_default(url, env, dev, mode):
    from recon.config import AppSettings
    from web.cli.serve import serving_settings

    settings = AppSettings.from_env(env).with_(database_url=url)
    assert serving_settings(settings, dev=dev, env=env).webhook_processing == mode


def test_recon_serve_runs_the_worker_process_and_stops_it(db_url, session):
    """The real thing: gunicorn from `recon serve`, a signed delivery over HTTP, processed by
    the worker process that serve started; SIGTERM to serve stops both."""
    import http.client
    import socket

    from tests.gateways.gw_signing import STRIPE_SECRET, sign_stripe

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**_env(db_url), "RECON_SECRET_KEY": "k" * 64, "STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
           "RECON_WEBHOOK_PROCESSING": "process"}
    serve = subprocess.Popen(
        [sys.executable, "-m", "recon", "serve", "--port", str(port), "--workers", "1",
         "--threads", "2", "--event-workers", "1"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    try:
        if not wait_for(lambda: len(_children(serve.pid)) == 2 and _listening(port)):
            serve.terminate()
            pytest.fail(f"recon serve did not start both processes: {serve.communicate()[1]}")
        body, header = sign_stripe(payout(1).payload)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/webhooks/stripe", body=body,
                     headers={"Stripe-Signature": header, "Content-Type": "application/json"})
        assert conn.getresponse().status == 200
        conn.close()
        assert wait_for(lambda: session.query(GatewayEvent).filter_by(
            status="processed").count() == 1 and not session.rollback())
        workers = [pid for pid in _children(serve.pid)
                   if "gateways" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(workers) == 1
    finally:
        serve.send_signal(signal.SIGTERM)
        _, err = serve.communicate(timeout=30)
    assert serve.returncode == 0, err
    assert wait_for(lambda: not _alive(workers[0]), 10)
    assert "stopped: 1 processed" in err


def _children(pid: int) -> list[int]:
    """Child processes of `pid`, whichever of its threads started them."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _listening(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def test_worker_started_by_serve_stops_when_its_parent_dies(db_url, tmp_path):
    """`recon serve` killed outright (SIGKILL, OOM) must not leave its worker running."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import subprocess, sys, time\n"
        "import os\n"
        "p = subprocess.Popen([sys.executable, '-m', 'recon', 'gateways', 'worker', "
        "'--parent', str(os.getpid()), '--nice', '0', '--poll', '0.05'], "
        "start_new_session=True)\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, env=_env(db_url),
                              stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    parent.stdout.close()
    assert wait_for(lambda: "gateways" in Path(f"/proc/{worker}/cmdline").read_text())
    parent.kill()
    parent.wait()
    assert wait_for(lambda: not _alive(worker) or _zombie(worker), 10)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_processing_gives_way_while_deliveries_arrive(session_factory, session):
    """Answers first: an event stored just now means a burst is on, so the loop pauses before
    each event; once the newest delivery is older than the window it runs at full speed."""
    ids = [store(session_factory, n) for n in (1, 2)]
    stop = threading.Event()
    busy = ProcessorLoop(session_factory, burst_window_s=3600, burst_pause_s=0.05)
    started = time.monotonic()
    assert busy.run_once(stop) == 2 and busy.paused == 2
    assert time.monotonic() - started >= 0.1
    assert [status(session, i)[0] for i in ids] == ["processed", "processed"]
    store(session_factory, 3)
    quiet = ProcessorLoop(session_factory, burst_window_s=0.0)
    assert quiet.run_once(stop) == 1 and quiet.paused == 0


def test_shards_split_the_inbox_between_workers(session_factory, session):
    ids = [store(session_factory, n) for n in range(1, 7)]
    even = ProcessorLoop(session_factory, shard=(0, 2), burst_pause_s=0)
    odd = ProcessorLoop(session_factory, shard=(1, 2), burst_pause_s=0)
    assert even.run_once() == 3
    assert [status(session, i)[0] for i in ids] == [
        "processed" if i % 2 == 0 else "pending" for i in ids]
    assert odd.run_once() == 3 and even.run_once() == 0
    assert {status(session, i)[0] for i in ids} == {"processed"}


@pytest.mark.parametrize("shard", [(2, 2), (-1, 2), (0, 0)])
def test_shard_must_name_one_of_n(session_factory, shard):
    with pytest.raises(ValueError, match="shard"):
        ProcessorLoop(session_factory, shard=shard)


def test_worker_command_refuses_a_bad_shard(db_url):
    proc = subprocess.run(
        [sys.executable, "-m", "recon", "gateways", "worker", "--shard", "3/2", "--nice", "0"],
        cwd=ROOT, env=_env(db_url), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--shard" in proc.stderr
