"""The Celery application, built from `AppSettings` (edge: what the tasks run in).

``make_celery(settings, engine=None)`` returns a configured ``Celery`` with the recon tasks
registered and the beat schedule set. Choices, each for "no lost event, no double processing":

- ``task_acks_late`` + ``task_reject_on_worker_lost``: a message is acknowledged only after its
  task returned; a worker killed mid-task (SIGKILL, OOM, machine lost) has its message
  redelivered by the broker. The tasks are idempotent, so a redelivery never settles twice.
- ``worker_prefetch_multiplier=1``: a worker reserves one message per pool slot, so a busy
  worker does not sit on messages another could take.
- No result backend: nothing reads a task's return value; progress and outcomes are rows in the
  database (events, runs), which every web worker and CLI already reads.
- Publishing from the web edge retries once and fails fast when the broker is away; the event is
  committed, so the beat sweep (`recon.tasks.events`) publishes it again later.

Without a broker (``RECON_BROKER_URL`` unset) ``task_always_eager`` runs every task in-process.
"""

from __future__ import annotations

import datetime as dt

from celery import Celery
from celery.schedules import crontab
from kombu import Queue
from sqlalchemy import Engine

from recon.config import AppSettings, TaskSettings
from recon.tasks import events, imports, reports, runs
from recon.tasks.runtime import EVENTS_QUEUE, RUNS_QUEUE, Runtime

__all__ = ["beat_schedule", "make_celery"]

def beat_schedule(tasks: TaskSettings) -> dict[str, dict[str, object]]:
    """The periodic tasks: the event sweep every ``sweep_every_s``, the daily run at
    ``daily_run_at`` and the reminder run at ``reminders_at`` (``HH:MM`` in ``timezone``; none
    when ``off``)."""
    schedule: dict[str, dict[str, object]] = {
        "sweep-pending-events": {"task": events.SWEEP, "schedule": dt.timedelta(
            seconds=tasks.sweep_every_s), "kwargs": {"age_s": tasks.sweep_age_s},
            "options": {"expires": tasks.sweep_every_s}},
    }
    if tasks.daily_run_at:
        hour, minute = tasks.daily_run_at.split(":")
        schedule["daily-run"] = {"task": runs.DAILY_RUN, "schedule": crontab(
            minute=minute, hour=hour), "kwargs": {"actor": "beat"}}
    if tasks.reminders_at:
        hour, minute = tasks.reminders_at.split(":")
        schedule["reminder-run"] = {"task": runs.REMINDER_RUN, "schedule": crontab(
            minute=minute, hour=hour), "kwargs": {"actor": "beat"}}
    return schedule


def make_celery(settings: AppSettings, engine: Engine | None = None) -> Celery:
    """A Celery app for ``settings`` with the recon tasks registered (see the module doc)."""
    tasks = settings.tasks
    app = Celery("recon", set_as_current=False)
    app.conf.update(
        broker_url=tasks.broker_url or "memory://localhost/",  # unused: tasks run eagerly
        task_always_eager=tasks.broker_url is None,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_queues=(Queue(EVENTS_QUEUE), Queue(RUNS_QUEUE)),
        task_default_queue=EVENTS_QUEUE,
        # the sweep goes beside the runs: it must not count itself as an events backlog
        task_routes={name: {"queue": RUNS_QUEUE}
                     for name in (runs.DAILY_RUN, runs.MATCH_NOW, events.SWEEP,
                                  imports.IMPORT_FILE, reports.DAILY_REPORT)},
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0,
                                   "interval_step": 0.2, "interval_max": 0.2},
        broker_connection_timeout=2.0,
        broker_connection_retry_on_startup=True,
        broker_heartbeat=30,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        timezone=tasks.timezone,
        enable_utc=True,
        beat_schedule=beat_schedule(tasks),
    )
    app.recon_runtime = Runtime(settings, engine)  # type: ignore[attr-defined]
    events.register(app)
    runs.register(app)
    imports.register(app)
    reports.register(app)
    return app

