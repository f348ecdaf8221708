"""The daily report on demand (HTML with charts, XLSX, CSV, JSON) without a run: one function a
Celery worker -- or the caller, without a broker -- runs.

``report_now`` builds the report as of a day from what the database holds now (the same
`recon.reports.data.build_report` and `recon.reports.files.write_reports` as the daily run, no
import and no matching), writes it to ``<reports>/<day>/on-demand-<job>/`` and records the
outcome as an audit event ``reports.now`` keyed by the job id, so any web worker, the API and
the CLI can say how it ended and serve its files (`job_outcome`). A redelivered task rewrites
the same folder (files are renamed into place) and records nothing twice.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from recon import audit
from recon.access.settings_store import report_language
from recon.db.types import utcnow
from recon.models import AuditEvent, Match
from recon.reports.data import build_report
from recon.reports.files import write_reports
from recon.run.summary import summarize, unapplied_cash

__all__ = ["ACTION", "job_outcome", "report_now"]

ACTION = "reports.now"


def report_now(factory: sessionmaker[Session], reports: Path, day: dt.date, *, actor: str,
               job: str) -> dict[str, Any]:
    """Write the report of ``day`` now; the outcome (also stored on the audit event)."""
    if (done := _outcome(factory, job)) is not None:
        return done  # a redelivery of a finished job
    folder = (reports / day.isoformat() / f"on-demand-{job}").resolve()
    try:
        with factory() as session:
            data = build_report(session, day)
            suggested = session.scalar(sa.select(sa.func.count()).select_from(Match)
                                       .where(Match.status == "suggested")) or 0
            summary = summarize(data, [], {"open_suggestions": suggested},
                                unapplied_cash(session))
            lang = report_language(session)  # the settings table, as the daily run
        summary.update({"run_id": f"on demand {job}", "run_date": day.isoformat(),
                        "status": "on demand", "attention": [], "report_dir": str(folder),
                        "started_at": utcnow().replace(microsecond=0).isoformat(),
                        "finished_at": utcnow().replace(microsecond=0).isoformat()})
        summary["report_language"] = lang
        written = write_reports(data, folder, summary, lang=lang)
    except Exception as exc:
        _record(factory, actor, job, {"state": "failed", "error": str(exc)[:500]})
        raise
    outcome = {"state": "done", "day": day.isoformat(), "folder": str(folder),
               "files": sorted(p.name for p in written)}
    _record(factory, actor, job, outcome)
    return outcome


def _outcome(factory: sessionmaker[Session], job: str) -> dict[str, Any] | None:
    with factory() as session:
        return job_outcome(session, job)


def _record(factory: sessionmaker[Session], actor: str, job: str, after: dict[str, Any]) -> None:
    with factory.begin() as session:
        audit.record(session, actor=actor, action=ACTION, object_type="report", object_id=job,
                     after=after)


def job_outcome(session: Session, job: str) -> dict[str, Any] | None:
    """How report job ``job`` ended, or None while it is being written."""
    event = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == ACTION,
                                    AuditEvent.object_type == "report",
                                    AuditEvent.object_id == job)
        .order_by(AuditEvent.id.desc()).limit(1)).first()
    return dict(event.after or {}) if event is not None else None
