"""The daily report on demand as a Celery task (task definition).

``recon.daily_report`` runs `recon.run.report_now.report_now` on a worker (in-process without a
broker): the UI's "Write the report now", ``POST /api/v1/reports`` and ``recon report`` publish
it with a job id and read the outcome back from the audit log.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import Celery, Task

from recon.run.report_now import report_now
from recon.tasks.runtime import runtime

__all__ = ["DAILY_REPORT", "publish_report", "register"]

log = logging.getLogger(__name__)
DAILY_REPORT = "recon.daily_report"


def publish_report(app: Celery, actor: str, job: str, day: dt.date | None = None) -> None:
    """Queue the report of ``day`` (default today) as job ``job`` (in-process without a broker;
    raises when the broker cannot take it)."""
    app.tasks[DAILY_REPORT].apply_async(kwargs={
        "actor": actor[:64], "job": job, "day": (day or dt.date.today()).isoformat()})


def register(app: Celery) -> None:
    """Define the report task on ``app``."""

    @app.task(name=DAILY_REPORT, bind=True, shared=False)
    def daily_report(self: Task, actor: str, job: str, day: str) -> dict[str, Any]:
        """Write the daily report files of ``day`` now."""
        recon_runtime = runtime(self.app)
        outcome = report_now(recon_runtime.factory, recon_runtime.settings.reports_dir,
                             dt.date.fromisoformat(day), actor=actor, job=job)
        log.info("report %s (%s): %s", job, actor, outcome.get("state"))
        return outcome
