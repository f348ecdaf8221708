"""The ``ReconRun`` row of a daily run: opened, closed with its summary, or failed, each audited.

Apart from the steps so the record a run leaves (status, exit code, summary, report folder,
error) is written by one set of functions, whether the run ends clean, needing a human, or
with an exception.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from recon import audit
from recon.db.types import utcnow
from recon.models import ReconRun
from recon.run.settings import RunSettings
from recon.run.summary import EXIT_CODES

__all__ = ["close_run", "fail_run", "header", "iso", "open_run"]


def open_run(factory: sessionmaker[Session], day: dt.date, actor: str) -> int:
    with factory.begin() as session:
        run = ReconRun(run_date=day, status="running", actor=actor, counts={})
        session.add(run)
        audit.record(session, actor=actor, action="run.start", obj=run, after={"run_date": day})
        return run.id


def header(
    run_id: int, day: dt.date, status: str, reasons: list[str], folder: Any
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "run_date": day.isoformat(),
        "status": status,
        "exit_code": EXIT_CODES[status],
        "attention": reasons,
        "report_dir": str(folder),
        "finished_at": iso(utcnow()),
        "nothing_to_do": False,
    }


def iso(value: dt.datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() if value else None


def close_run(
    session: Session,
    run: ReconRun,
    status: str,
    summary: dict[str, Any],
    actor: str,
    *,
    folder: str | None = None,
    error: str | None = None,
) -> None:
    before = {"status": run.status}
    run.status, run.finished_at, run.report_dir, run.error = status, utcnow(), folder, error
    run.counts = audit.jsonable(summary)
    audit.record(
        session,
        actor=actor,
        action=f"run.{status}",
        obj=run,
        before=before,
        after={"status": status, "exit_code": EXIT_CODES[status]},
        reason=error,
    )


def fail_run(
    factory: sessionmaker[Session],
    run_id: int,
    options: RunSettings,
    exc: BaseException,
    actor: str,
) -> dict[str, Any]:
    """Close run ``run_id`` as failed with the exception's text; the summary it recorded."""
    error = f"{type(exc).__name__}: {exc}"
    summary = {
        "run_id": run_id,
        "run_date": options.run_date.isoformat(),
        "status": "failed",
        "exit_code": 2,
        "error": error,
        "nothing_to_do": False,
    }
    with factory.begin() as session:
        close_run(session, session.get_one(ReconRun, run_id), "failed", summary, actor, error=error)
    return summary
