"""The recon Celery tasks without a running broker: the in-process default, the back-off
decision, the sweep, and the settings that configure them.

The same tasks on RabbitMQ with real workers and beat: ``tests/tasks/test_broker.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from celery.exceptions import Retry
from sqlalchemy import select, update

from gateways import VerifiedEvent
from recon.config import AppSettings, ConfigError, TaskSettings
from recon.gateway import events as gateway_events
from recon.gateway.events import MAX_ATTEMPTS, store
from recon.models import AuditEvent, GatewayEvent, Invoice
from recon.tasks import EVENTS_QUEUE, PROCESS_EVENT, make_celery, publish_event, sweep_pending
from recon.tasks.app import beat_schedule
from recon.tasks.events import PROCESS_EVENTS
from recon.tasks.publisher import EventPublisher
from tests.recon.factories import make_invoice


def charge_event(event_id: str = "evt_t1", invoice_no: str = "INV-T1") -> VerifiedEvent:
    payload = {"id": event_id, "object": "event", "type": "charge.succeeded",
               "created": 1_720_000_000, "data": {"object": {
                   "id": f"ch_{event_id}", "object": "charge", "amount": 12050,
                   "amount_captured": 12050, "currency": "eur", "created": 1_720_000_000,
                   "metadata": {"invoice_no": invoice_no}}}}
    return VerifiedEvent(gateway="stripe", event_id=event_id, event_type="charge.succeeded",
                         occurred_at=None, payload=payload)


def processed_audits(session, row_id: int) -> int:
    return len(session.scalars(select(AuditEvent).where(
        AuditEvent.action == "gateway_event.process",
        AuditEvent.object_id == str(row_id))).all())


def test_without_a_broker_tasks_run_in_process(settings, engine, session_factory, session):
    make_invoice(session, "120.50", "EUR", invoice_no="INV-T1")
    session.commit()
    app = make_celery(settings, engine)
    assert settings.tasks.broker_url is None and app.conf.task_always_eager
    row_id = store(session_factory, charge_event(), actor="gateway:stripe").id
    assert publish_event(app, row_id) is True
    session.expire_all()
    assert session.get(GatewayEvent, row_id).status == "processed"
    assert session.scalars(select(Invoice)).one().status == "paid"
    assert publish_event(app, row_id) is True  # again: skipped, nothing settled twice
    assert processed_audits(session, row_id) == 1


def test_in_process_failure_is_recorded_once_not_retried_at_once(settings, engine,
                                                                  session_factory, session,
                                                                  monkeypatch):
    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", lambda _e: 1 / 0)
    row_id = store(session_factory, charge_event(), actor="gateway:stripe").id
    publish_event(make_celery(settings, engine), row_id)
    row = session.get(GatewayEvent, row_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("ZeroDivisionError")


@pytest.fixture
def queued_app(settings, engine):
    """An app on kombu's in-memory transport: tasks are published, nothing consumes them."""
    return make_celery(settings.with_(tasks=TaskSettings(broker_url="memory://")), engine)


def test_a_failing_event_is_retried_with_exponential_backoff(queued_app, session_factory,
                                                              session, monkeypatch):
    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", lambda _e: 1 / 0)
    row_id = store(session_factory, charge_event(), actor="gateway:stripe").id
    task = queued_app.tasks[PROCESS_EVENT]

    def countdown(retries: int) -> float:
        with session_factory.begin() as s:  # a fresh event: attempts stay below the limit
            s.execute(update(GatewayEvent).values(attempts=0, status="pending"))
        task.push_request(id=f"t{retries}", retries=retries, is_eager=False,
                          called_directly=False, args=[row_id], kwargs={})
        try:
            with pytest.raises(Retry) as caught:
                task.run(row_id)
        finally:
            task.pop_request()
        return caught.value.when  # seconds

    first = [countdown(0) for _ in range(8)]
    fifth = [countdown(4) for _ in range(8)]
    assert all(0 < w <= 2 for w in first)  # full jitter: up to 2 * 2**retries seconds
    assert all(0 < w <= 32 for w in fifth) and max(fifth) > 2  # it grows
    session.expire_all()
    assert session.get(GatewayEvent, row_id).attempts == 1  # each try is recorded
    task.push_request(id="last", retries=MAX_ATTEMPTS, is_eager=False)
    try:
        assert task.run(row_id) == "pending"  # out of task retries: the daily run has it
    finally:
        task.pop_request()


def test_sweep_republishes_only_old_never_tried_pending_events(settings, engine,
                                                               session_factory, session):
    ids = [store(session_factory, charge_event(f"evt_s{n}", f"INV-S{n}"), actor="t").id
           for n in range(4)]
    old = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=settings.tasks.sweep_age_s + 5)
    with session_factory.begin() as s:
        s.execute(update(GatewayEvent).where(GatewayEvent.id.in_(ids[:3]))
                  .values(received_at=old))
        s.execute(update(GatewayEvent).where(GatewayEvent.id == ids[2])
                  .values(attempts=1, last_error="earlier failure"))
    assert sweep_pending(make_celery(settings, engine)) == 2
    session.expire_all()
    status = {r.id: (r.status, r.attempts) for r in session.scalars(select(GatewayEvent))}
    assert status == {ids[0]: ("processed", 1), ids[1]: ("processed", 1),
                      ids[2]: ("pending", 1), ids[3]: ("pending", 0)}


def test_sweep_waits_while_the_events_queue_has_a_backlog(queued_app, session_factory):
    row_id = store(session_factory, charge_event(), actor="t").id
    publish_event(queued_app, row_id)  # one ready message, nobody consuming
    with session_factory.begin() as s:
        s.execute(update(GatewayEvent).values(received_at=dt.datetime(2020, 1, 1)))
    assert sweep_pending(queued_app) == 0


def test_task_settings_from_the_environment():
    tasks = AppSettings.from_env({
        "RECON_BROKER_URL": "amqp://u:secret@mq:5672//", "RECON_DAILY_RUN_AT": "6:05",
        "RECON_SWEEP_EVERY": "15", "RECON_SWEEP_AGE": "90", "RECON_TIMEZONE": "Asia/Shanghai",
    }).tasks
    assert tasks == TaskSettings("amqp://u:secret@mq:5672//", "06:05", None, 15.0, 90.0,
                                 "Asia/Shanghai")
    assert "secret" not in repr(tasks)
    assert AppSettings.from_env({}).tasks == TaskSettings()
    assert AppSettings.from_env({"RECON_DAILY_RUN_AT": "off"}).tasks.daily_run_at is None
    for name, bad in (("RECON_DAILY_RUN_AT", "25:00"), ("RECON_DAILY_RUN_AT", "noon"),
                      ("RECON_SWEEP_EVERY", "0"), ("RECON_SWEEP_AGE", "soon")):
        with pytest.raises(ConfigError, match=name):
            AppSettings.from_env({name: bad})


def test_beat_schedule_follows_the_settings():
    schedule = beat_schedule(TaskSettings(daily_run_at="06:05", sweep_every_s=15))
    daily = schedule["daily-run"]
    assert daily["task"] == "recon.daily_run" and daily["kwargs"] == {"actor": "beat"}
    assert (daily["schedule"].hour, daily["schedule"].minute) == ({6}, {5})
    sweep = schedule["sweep-pending-events"]
    assert sweep["schedule"] == dt.timedelta(seconds=15) and sweep["kwargs"] == {"age_s": 60.0}
    assert "daily-run" not in beat_schedule(TaskSettings(daily_run_at=None))


def test_worker_and_beat_need_a_broker(cli):
    for command in ("worker", "beat"):
        result = cli(command)
        assert result.exit_code == 1 and "RECON_BROKER_URL is not set" in result.output


def test_reminder_run_has_a_task_and_its_own_schedule(settings, engine, session):
    """The reminder run is a task (beat can start it at RECON_REMINDERS_AT) and, in-process,
    plans the reminders of the day: an overdue invoice of a customer with no address is held."""
    from recon.tasks.runs import REMINDER_RUN
    from tests.recon.factories import make_customer

    schedule = beat_schedule(TaskSettings(reminders_at="07:30"))
    remind = schedule["reminder-run"]
    assert remind["task"] == REMINDER_RUN and (remind["schedule"].hour,
                                                 remind["schedule"].minute) == ({7}, {30})
    assert "reminder-run" not in beat_schedule(TaskSettings())
    assert TaskSettings.from_env({"RECON_REMINDERS_AT": "06:15"}).reminders_at == "06:15"

    customer = make_customer(session, name="Quiet Ltd")
    make_invoice(session, "99.00", "EUR", customer=customer, invoice_no="INV-R1",
                 issue_date=dt.date(2026, 9, 1), due_date=dt.date(2026, 10, 1))
    session.commit()
    result = make_celery(settings, engine).tasks[REMINDER_RUN].apply_async(
        kwargs={"actor": "test", "day": "2026-11-20"}).get()
    assert result["status"] == "done"
    assert result["summary"]["planned"] + result["summary"]["held_reminders"] >= 1


def _messages(app) -> list[tuple[str, list]]:
    """(task name, args) of every message waiting in the events queue (consumed)."""
    out = []
    with app.connection_for_read() as conn:
        queue = app.amqp.queues[EVENTS_QUEUE].bind(conn.default_channel)
        while (message := queue.get(no_ack=True)) is not None:
            out.append((message.headers["task"], message.decode()[0]))
    return out


def test_publisher_sends_the_events_of_a_moment_as_one_message(queued_app, session_factory):
    """Committed events handed over together leave as one ``recon.process_events`` message per
    actor, after the hand-over (the request does not publish)."""
    _messages(queued_app)  # kombu's memory transport is shared by the whole test process
    ids = [store(session_factory, charge_event(f"evt_p{n}", f"INV-P{n}"), actor="t").id
           for n in range(5)]
    publisher = EventPublisher(queued_app)
    for row_id in ids[:4]:
        publisher.submit(row_id, "gateway:stripe")
    publisher.submit(ids[4], "gateway:paypal")
    assert publisher.flush(10)
    assert sorted(_messages(queued_app)) == [
        (PROCESS_EVENTS, [ids[:4], "gateway:stripe"]), (PROCESS_EVENTS, [[ids[4]], "gateway:paypal"])]


def test_publisher_with_the_broker_away_leaves_the_events_to_the_sweep(settings, engine,
                                                                        session_factory,
                                                                        session, caplog):
    away = make_celery(settings.with_(tasks=TaskSettings(
        broker_url="amqp://guest:guest@127.0.0.1:1//")), engine)
    row_id = store(session_factory, charge_event(), actor="t").id
    publisher = EventPublisher(away)
    publisher.submit(row_id, "gateway:stripe")
    assert publisher.flush(30)
    assert any("not published" in r.getMessage() for r in caplog.records)
    assert session.get(GatewayEvent, row_id).status == "pending"  # the sweep's to publish


def test_batch_task_processes_each_event_and_retries_only_the_failed(queued_app,
                                                                     session_factory, session,
                                                                     monkeypatch):
    good = store(session_factory, charge_event("evt_good", "INV-G"), actor="t").id
    bad = store(session_factory, charge_event("evt_bad", "INV-B"), actor="t").id
    normalize = gateway_events.NORMALIZERS["stripe"]

    def fails_for_one(event):
        return 1 / 0 if event.event_id == "evt_bad" else normalize(event)

    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", fails_for_one)
    _messages(queued_app)  # kombu's memory transport is shared by the whole test process
    task = queued_app.tasks[PROCESS_EVENTS]
    task.push_request(id="b1", retries=0, is_eager=False, called_directly=False,
                      args=[[good, bad], "t"], kwargs={})
    try:
        with pytest.raises(Retry):
            task.run([good, bad], "t")
    finally:
        task.pop_request()
    assert _messages(queued_app) == [(PROCESS_EVENTS, [[bad], "t"])]  # the retry: bad only
    status = {r.id: (r.status, r.attempts) for r in session.scalars(select(GatewayEvent))}
    assert status == {good: ("processed", 1), bad: ("pending", 1)}
    assert processed_audits(session, good) == 1
