"""Daily run, before any work: clean up after killed runs, and tell "nothing to do".

``recover_interrupted`` marks runs left ``running`` as failed; it is called under the run lock,
so no live process can own them (their process died, e.g. ``kill -9``); the new run redoes
their work. ``nothing_to_do`` returns the answer for a re-run of a day whose run finished and
after which nothing came in (no inbox files, no pending gateway events, no new or changed
statement lines, gateway transactions or invoices): the database is left untouched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from recon import audit
from recon.db.types import utcnow
from recon.models import GatewayEvent, GatewayTransaction, Invoice, ReconRun, StatementLine

__all__ = ["nothing_to_do", "recover_interrupted"]

_DONE = ("clean", "attention")


def recover_interrupted(factory: sessionmaker[Session], *, actor: str) -> list[int]:
    """Mark every ``running`` run as failed (interrupted); returns their ids."""
    with factory.begin() as session:
        stale = list(session.scalars(select(ReconRun).where(ReconRun.status == "running")))
        for run in stale:
            run.status, run.finished_at = "failed", utcnow()
            run.error = "interrupted: the process died before the run finished"
            audit.record(
                session,
                actor=actor,
                action="run.interrupted",
                obj=run,
                before={"status": "running"},
                after={"status": "failed"},
                reason=run.error,
            )
        return [run.id for run in stale]


def nothing_to_do(factory: sessionmaker[Session], day: dt.date) -> dict[str, Any] | None:
    """The previous run's summary marked "nothing to do", or None when there is work."""
    with factory() as session:
        last = session.scalars(
            select(ReconRun).where(ReconRun.run_date == day).order_by(ReconRun.id.desc())
        ).first()
        if last is None or last.status not in _DONE or last.finished_at is None:
            return None
        if _changed_since(session, last.finished_at):
            return None
        previous = dict(last.counts or {})
    exit_code = int(previous.get("exit_code", 0))
    message = (
        f"recon run {day}: nothing to do - run #{last.id} already finished at "
        f"{last.finished_at:%Y-%m-%d %H:%M:%S} ({last.status}); no new files, no pending events, "
        f"no new data since. Reports: {last.report_dir}"
    )
    return {
        **previous,
        "nothing_to_do": True,
        "message": message,
        "exit_code": exit_code,
        "previous_run_id": last.id,
    }


def _changed_since(session: Session, moment: dt.datetime) -> bool:
    checks = [
        select(func.count()).select_from(GatewayEvent).where(GatewayEvent.status == "pending"),
        select(func.count()).select_from(StatementLine).where(StatementLine.created_at > moment),
        select(func.count())
        .select_from(GatewayTransaction)
        .where(GatewayTransaction.updated_at > moment),
        select(func.count()).select_from(Invoice).where(Invoice.updated_at > moment),
    ]
    return any(session.scalar(check) for check in checks)
