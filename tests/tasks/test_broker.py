"""The Celery path against the real RabbitMQ, real worker and beat processes, PostgreSQL.

Faults are made without touching the machine's shared servers: the broker is a RabbitMQ node
this module starts on ports of its own and restarts (where it cannot, a vhost on the shared one
with every connection cut for a while); PostgreSQL is reached through a loopback proxy this
module owns (`TcpProxy`), and its "outage" is the proxy dropping every connection and refusing
new ones for a while.
What is asserted is always counted from the database: every acknowledged event stored once and
processed once (one ``gateway_event.process`` audit row each).

Order matters for time: beat's daily run is scheduled for the next whole minute, so that test
runs first while the rest waits; the module takes about 2.5-3 minutes on a loaded machine.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from recon.config import AppSettings, TaskSettings
from recon.db import make_engine, make_session_factory
from recon.gateway.events import store
from recon.tasks import PROCESS_EVENT
from tests.gateways.gw_signing import STRIPE_SECRET, sign_stripe, stripe_event
from tests.recon.factories import make_invoice
from tests.tasks.broker import (
    BROKER_URL,
    Fleet,
    OwnNode,
    private_vhost,
    via,
    wait_until,
    with_app_name,
)
from tests.tasks.tcp_proxy import TcpProxy
from web import create_app

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def own_node(tmp_path_factory) -> Iterator[OwnNode | None]:
    """A RabbitMQ node of our own to restart, where one can be started (else the proxy cut)."""
    if not (BROKER_URL and OwnNode.available()):
        yield None
        return
    node = OwnNode(Path(f"/tmp/recon_rmq_{os.getpid()}"))
    try:
        node.start()
        yield node
    finally:
        node.stop()
        shutil.rmtree(f"/tmp/recon_rmq_{os.getpid()}", ignore_errors=True)


@pytest.fixture(scope="module")
def broker_url(own_node: OwnNode | None) -> Iterator[str]:
    if own_node is not None:
        yield own_node.url
        return
    with private_vhost() as url:
        yield url


def _proxy(url: str, default_port: int) -> Iterator[TcpProxy]:
    parts = urlsplit(url)
    proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or default_port))
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def mq_proxy(broker_url: str) -> Iterator[TcpProxy]:
    yield from _proxy(broker_url, 5672)


@pytest.fixture(scope="module")
def pg_proxy(pg_schema_url: str) -> Iterator[TcpProxy]:
    yield from _proxy(pg_schema_url.replace("+psycopg", ""), 5432)


@pytest.fixture(scope="module")
def fleet(pg_schema_url, broker_url, mq_proxy, pg_proxy, tmp_path_factory) -> Iterator[Fleet]:
    """Two workers (and beats on request), reaching both servers through the proxies."""
    logs = tmp_path_factory.mktemp("celery")
    (logs / "inbox").mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith("RECON_")}
    env = {**base, "RECON_ENV": "test",
           "RECON_DATABASE_URL": via(pg_schema_url, pg_proxy.port),
           "RECON_BROKER_URL": via(broker_url, mq_proxy.port),
           "RECON_INBOX_DIR": str(logs / "inbox"), "RECON_REPORTS_DIR": str(logs / "reports")}
    fleet = Fleet(env, logs)
    try:
        for name in ("w1", "w2"):
            start_worker(fleet, name)
        for proc in fleet.procs.values():
            proc.wait_for(r"ready\.")
        yield fleet
    finally:
        fleet.stop()


def start_worker(fleet: Fleet, name: str):
    url = with_app_name(fleet.env["RECON_DATABASE_URL"], f"recon_{name}_{id(fleet)}")
    return fleet.worker(name, RECON_DATABASE_URL=url)


@pytest.fixture
def engine(pg_url: str) -> Iterator[sa.Engine]:
    """The test's own view of the database (direct, not through the proxy)."""
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture
def web(fleet: Fleet, tmp_path: Path) -> Iterator[Flask]:
    """The web app in this process, publishing to RabbitMQ; both servers through the proxies."""
    settings = AppSettings.from_env({}).with_(
        database_url=fleet.env["RECON_DATABASE_URL"], environment="test",
        inbox_dir=tmp_path / "inbox", reports_dir=tmp_path / "reports",
        tasks=TaskSettings(broker_url=fleet.env["RECON_BROKER_URL"]),
        extra={"STRIPE_WEBHOOK_SECRET": STRIPE_SECRET})
    app = create_app({"RECON_SETTINGS": settings, "TESTING": True})
    assert not app.extensions["recon.celery"].conf.task_always_eager
    yield app
    app.extensions["recon.engine"].dispose()


def post(client, n: int, invoice_no: str | None = None) -> int:
    obj = {"id": f"ch_{n}", "amount": 5000, "amount_captured": 5000, "currency": "usd",
           "created": 1_720_000_000, "metadata": {"invoice_no": invoice_no or f"ORD-{n}"}}
    body, header = sign_stripe(stripe_event("charge.succeeded", obj, event_id=f"evt_{n}"))
    return client.post("/webhooks/stripe", data=body, content_type="application/json",
                       headers={"Stripe-Signature": header}).status_code


def scalar(engine: sa.Engine, sql: str, **params: object):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def process_counts(engine: sa.Engine) -> dict[str, int]:
    """event_id -> how many times it was processed (its ``gateway_event.process`` audit rows)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT e.event_id, count(a.id) FROM gateway_event e LEFT JOIN audit_event a "
            "ON a.action = 'gateway_event.process' AND a.object_id = e.id::text "
            "GROUP BY e.event_id"))
        return {event_id: n for event_id, n in rows}


def wait_all_processed(engine: sa.Engine, expected: int, timeout: float) -> None:
    def done() -> bool:
        counts = process_counts(engine)
        return len(counts) >= expected and all(counts.values())

    wait_until(done, timeout, f"not every event processed: {process_counts(engine)}")


def test_beat_fires_the_daily_run_once_with_two_workers(fleet, engine):
    now = dt.datetime.now(dt.UTC)
    at = (now + dt.timedelta(seconds=70 if now.second > 52 else 60)).replace(second=0)
    beat = fleet.beat("beat-daily", RECON_DAILY_RUN_AT=f"{at:%H:%M}", RECON_SWEEP_EVERY="3600")
    try:
        wait_until(lambda: scalar(engine, "SELECT count(*) FROM recon_run WHERE status "
                                          "<> 'running'") == 1,
                   (at - now).total_seconds() + 45, "the scheduled run did not finish",
                   alive=beat)
        time.sleep(2)  # a second delivery would show up by now
    finally:
        beat.stop()
    assert scalar(engine, "SELECT count(*) FROM recon_run") == 1
    assert scalar(engine, "SELECT actor FROM recon_run") == "beat"
    received = sum(len(re.findall(r"Task recon\.daily_run\[[^\]]+\] received", p.text()))
                   for name, p in fleet.procs.items() if name.startswith("w"))
    assert received == 1
    assert "Scheduler: Sending due task daily-run" in beat.text()


def test_webhook_to_task_to_invoice_settled(fleet, web, engine):
    with make_session_factory(engine).begin() as session:
        make_invoice(session, "50.00", "USD", invoice_no="INV-B1")
    assert post(web.test_client(), 1, "INV-B1") == 200
    wait_until(lambda: scalar(engine, "SELECT status FROM invoice") == "paid", 30,
               "the invoice was not settled by a worker")
    assert process_counts(engine) == {"evt_1": 1}


def test_worker_killed_mid_task_redelivered_and_processed_once(fleet, web, engine):
    celery = web.extensions["recon.celery"]
    factory = web.extensions["recon.session_factory"]
    row_id = store(factory, _verified(7), actor="gateway:stripe").id
    with engine.connect() as holder:  # hold the event row: the task blocks in the middle
        holder.execute(sa.text("SELECT id FROM gateway_event WHERE id = :i FOR UPDATE"),
                       {"i": row_id})
        task_id = celery.tasks[PROCESS_EVENT].apply_async((row_id, "gateway:stripe")).id
        victim = _waiting_worker(fleet, engine)
        fleet.procs[victim].kill()
        holder.rollback()
    survivor = "w2" if victim == "w1" else "w1"
    wait_until(lambda: process_counts(engine).get("evt_7") == 1, 30,
               "the task was not redelivered")
    assert f"Task recon.process_event[{task_id}] received" in fleet.procs[survivor].text()
    time.sleep(1)
    assert process_counts(engine) == {"evt_7": 1}
    assert scalar(engine, "SELECT attempts FROM gateway_event") == 1
    start_worker(fleet, victim).wait_for(r"ready\.")  # two workers again for the next tests


def _verified(n: int):
    from gateways import VerifiedEvent

    payload = stripe_event("charge.succeeded", {"id": f"ch_{n}", "amount": 5000,
                                                 "amount_captured": 5000, "currency": "usd",
                                                 "created": 1_720_000_000},
                           event_id=f"evt_{n}")
    return VerifiedEvent(gateway="stripe", event_id=f"evt_{n}", event_type="charge.succeeded",
                         occurred_at=None, payload=payload)


def _waiting_worker(fleet: Fleet, engine: sa.Engine) -> str:
    """The worker whose database session waits for the held row lock."""
    names: list[str] = []

    def found() -> bool:
        with engine.connect() as conn:
            names[:] = conn.execute(sa.text(
                "SELECT application_name FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND application_name LIKE :p"), {"p": f"recon_w%_{id(fleet)}"}).scalars()
        return bool(names)

    wait_until(found, 30, "no worker took the task")
    return names[0].split("_")[1]


def test_broker_restart_during_a_burst_loses_nothing(fleet, web, engine, mq_proxy, own_node,
                                                     caplog):
    """RabbitMQ restarted (our own node; else every connection to it cut for a while) in the
    middle of a burst: every delivery is acknowledged, every event processed exactly once."""
    if own_node is not None:
        outage = threading.Thread(target=own_node.restart)
    else:
        outage = threading.Thread(target=lambda: (mq_proxy.cut(), time.sleep(3),
                                                  mq_proxy.resume()))
    beat = fleet.beat("beat-sweep", RECON_DAILY_RUN_AT="off", RECON_SWEEP_EVERY="1",
                      RECON_SWEEP_AGE="2")
    client, answers = web.test_client(), {}
    try:
        for n in range(100, 120):
            answers[n] = post(client, n)
        outage.start()
        n = 120
        while outage.is_alive() or n < 150:  # deliveries go on during the outage and after
            answers[n] = post(client, n)
            n += 1
            time.sleep(0.05)
        outage.join()
        assert set(answers.values()) == {200}  # every delivery acknowledged: stored first
        wait_all_processed(engine, len(answers), 90)
    finally:
        beat.stop()
    assert process_counts(engine) == {f"evt_{n}": 1 for n in answers}
    # some publishes really failed (the sweep republished those events)
    assert any("not published" in r.getMessage() for r in caplog.records)


def test_database_outage_answers_5xx_and_loses_nothing_acknowledged(fleet, web, engine,
                                                                    pg_proxy):
    client, answers, refused = web.test_client(), {}, []
    for n in range(200, 240):
        if n == 215:
            pg_proxy.cut()
        if n == 230:
            pg_proxy.resume()
        answers[n] = post(client, n)
        if answers[n] >= 500:
            refused.append(n)
    assert refused and all(answers[n] == 500 for n in refused)
    for n in refused:  # the gateway delivers again later, as Stripe does after a 5xx
        wait_until(lambda n=n: post(client, n) == 200, 20, f"evt_{n} still refused")
    acknowledged = {n for n, status in answers.items() if status == 200} | set(refused)
    wait_all_processed(engine, len(acknowledged), 60)
    assert process_counts(engine) == {f"evt_{n}": 1 for n in acknowledged}
    assert scalar(engine, "SELECT count(*) FROM gateway_event") == len(acknowledged) == 40


def test_large_upload_imported_by_a_worker_once_despite_a_kill(fleet, web, engine):
    """A statement over the inline size, posted to the API: 202 with the job queued; a worker
    imports it (blocked mid-insert by a held table lock, then SIGKILLed); the redelivery on the
    other worker imports it exactly once."""
    from recon.access.users import create_token, create_user
    from recon.tasks.imports import INLINE_BYTES
    from tests.tasks.statement_files import mt940

    with make_session_factory(engine).begin() as session:
        create_user(session, "uploader", "long-enough-password-1", role="clerk", actor="t")
        raw = create_token(session, "t", username="uploader", actor="t")
    data = mt940(11_000, ref="BIG")
    assert len(data) > INLINE_BYTES
    with engine.connect() as holder:
        holder.execute(sa.text("LOCK TABLE statement_line IN EXCLUSIVE MODE"))
        # encoded here: werkzeug's test client spools a body over 500 kB to a file it never closes
        boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "big.sta")})
        response = web.test_client().post(
            "/api/v1/imports?create_accounts=1", headers={"Authorization": f"Bearer {raw}"},
            data=body, content_type=f"multipart/form-data; boundary={boundary}")
        assert response.status_code == 202 and response.get_json()["state"] == "queued"
        victim = _waiting_worker(fleet, engine)
        fleet.procs[victim].kill()
        wait_until(lambda: scalar(engine, "SELECT attempt FROM import_job") == 2, 30,
                   "the import was not redelivered")
        holder.rollback()
    wait_until(lambda: scalar(engine, "SELECT state FROM import_job") == "done", 60,
               "the redelivered import did not finish")
    assert scalar(engine, "SELECT count(*) FROM statement_line") == 11_000
    assert scalar(engine, "SELECT count(*) FROM statement_import") == 1
    assert scalar(engine, "SELECT done_lines FROM import_job") == 11_000
    start_worker(fleet, victim).wait_for(r"ready\.")
