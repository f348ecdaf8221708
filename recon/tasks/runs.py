"""The daily run and matching on demand as Celery tasks (task definitions).

``recon.match_now`` ("Run matching now" in the UI, ``POST /api/v1/matching``) calls
`recon.run.on_demand.match_now`: every matching stage with the settings staff stored (the
settings table, rules included), under the same run lock, so it never runs beside a daily run
(which matches anyway) or another matching; its outcome is an audit event keyed by the job id,
which the UI's progress page reads from any web worker.

``recon.daily_run`` calls `recon.run.daily.daily_run` exactly as ``recon run`` does: the run
lock (`recon.run.lock`) keeps one run at a time across every worker and host (a second
delivery -- a duplicate beat, a redelivery after a lost worker -- finds it taken and stops with
"busy"), the run and its summary are recorded in ``recon_run``, and the summary is mailed when
mail is configured. Acknowledged late: a worker lost mid-run has the message redelivered, and
the new run marks the interrupted one failed before it starts (`recon.run.idle`).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from celery import Celery, Task

from recon.run import on_demand
from recon.run.daily import daily_run
from recon.run.lock import RunLockBusy
from recon.run.notify import mail_summary
from recon.run.settings import RunSettings
from recon.tasks.runtime import runtime

__all__ = [
    "DAILY_RUN",
    "MATCH_NOW",
    "REMINDER_RUN",
    "match_now",
    "publish_daily_run",
    "publish_match_now",
    "register",
    "remind_now",
    "run_now",
]

log = logging.getLogger(__name__)
DAILY_RUN = "recon.daily_run"
MATCH_NOW = "recon.match_now"
REMINDER_RUN = "recon.reminder_run"


def run_now(app: Celery, actor: str, run_date: str | None = None) -> dict[str, Any]:
    """The daily run in this process; its exit code and summary, or ``status: busy``."""
    recon_runtime = runtime(app)
    settings = recon_runtime.settings
    day = dt.date.fromisoformat(run_date) if run_date else None
    options = RunSettings.from_env(settings, run_date=day)
    try:
        result = daily_run(recon_runtime.factory, recon_runtime.engine, options, actor=actor,
                           max_bytes=settings.max_upload_bytes)
    except RunLockBusy as exc:
        log.warning("daily run (%s) not started: %s", actor, exc)
        return {"status": "busy", "error": str(exc)}
    warning = mail_summary(options, result)
    if warning:
        log.warning("daily run %s: %s", result.summary.get("run_id"), warning)
    log.info("daily run (%s): exit %s", actor, result.exit_code)
    return {"status": result.summary.get("status"), "exit_code": result.exit_code,
            "run_id": result.summary.get("run_id")}


def match_now(app: Celery, actor: str, job: str | None = None) -> dict[str, Any]:
    """Every matching stage now; its counts, or ``status: busy`` while a run holds the lock."""
    recon_runtime = runtime(app)
    try:
        counts = on_demand.match_now(recon_runtime.factory, recon_runtime.settings, actor=actor,
                                     job=job or uuid.uuid4().hex[:16])
    except RunLockBusy as exc:
        log.warning("matching (%s) not started: %s", actor, exc)
        return {"status": "busy", "error": str(exc)}
    log.info("matching (%s): %s", actor, counts)
    return {"status": "done", "summary": counts}


def remind_now(app: Celery, actor: str, day: str | None = None) -> dict[str, Any]:
    """The reminder run alone (``recon dunning run``): plan and send today's reminders."""
    from recon.collections.runner import run_dunning
    from recon.collections.settings import DunningSettings

    recon_runtime = runtime(app)
    when = dt.date.fromisoformat(day) if day else dt.date.today()
    result = run_dunning(recon_runtime.factory, when,
                         DunningSettings.from_env(recon_runtime.settings), actor=actor)
    log.info("reminder run (%s): %s", actor, result.summary())
    return {"status": "done", "summary": result.summary()}


def publish_match_now(app: Celery, actor: str, job: str | None = None) -> None:
    """Queue matching now (runs in-process, before returning, without a broker)."""
    app.tasks[MATCH_NOW].apply_async(kwargs={"actor": actor[:64], "job": job})


def publish_daily_run(app: Celery, actor: str) -> None:
    """Queue a daily run now (runs in-process, before returning, without a broker)."""
    app.tasks[DAILY_RUN].apply_async(kwargs={"actor": actor[:64]})


def register(app: Celery) -> None:
    """Define the run tasks on ``app``."""

    @app.task(name=DAILY_RUN, bind=True, shared=False)
    def daily(self: Task, actor: str = "beat", run_date: str | None = None) -> dict[str, Any]:
        """The daily run (one at a time across all workers: the run lock)."""
        return run_now(self.app, actor, run_date)

    @app.task(name=REMINDER_RUN, bind=True, shared=False)
    def remind(self: Task, actor: str = "beat", day: str | None = None) -> dict[str, Any]:
        """The reminder run (levels move forward once: a redelivery sends nothing twice)."""
        return remind_now(self.app, actor, day)

    @app.task(name=MATCH_NOW, bind=True, shared=False)
    def match(self: Task, actor: str, job: str | None = None) -> dict[str, Any]:
        """Matching on demand (not beside a daily run: the run lock)."""
        return match_now(self.app, actor, job)
