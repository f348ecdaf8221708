"""Background and scheduled work on Celery (owns the task definitions, the Celery app and the
beat schedule): process a stored webhook event, sweep events left pending, the daily run,
matching and reminders, imports of uploaded files, the daily report on demand.

With a broker (``RECON_BROKER_URL``, RabbitMQ in production) the tasks run on ``recon worker``
processes and ``recon beat`` schedules them. Without one (the embedded default) every task
runs in-process, at once, in the caller: ``make demo`` and the tests need no broker.

The database stays the source of truth: a webhook is committed before it is acknowledged and
its task published after that commit (by the web process's publisher thread, `publisher`); the
tasks are idempotent (row lock, processed events skipped) and acknowledged late, so a lost
worker or broker costs a retry, never an event.
"""

from recon.tasks.app import make_celery
from recon.tasks.events import (
    PROCESS_EVENT,
    PROCESS_EVENTS,
    SWEEP,
    publish_event,
    publish_events,
    sweep_pending,
)
from recon.tasks.imports import IMPORT_FILE, submit_import
from recon.tasks.reports import DAILY_REPORT, publish_report
from recon.tasks.runs import DAILY_RUN, MATCH_NOW, publish_daily_run, publish_match_now
from recon.tasks.runtime import EVENTS_QUEUE, RUNS_QUEUE, runtime

__all__ = [
    "DAILY_REPORT",
    "DAILY_RUN",
    "EVENTS_QUEUE",
    "IMPORT_FILE",
    "MATCH_NOW",
    "PROCESS_EVENT",
    "PROCESS_EVENTS",
    "RUNS_QUEUE",
    "SWEEP",
    "make_celery",
    "publish_daily_run",
    "publish_event",
    "publish_events",
    "publish_match_now",
    "publish_report",
    "runtime",
    "submit_import",
    "sweep_pending",
]
