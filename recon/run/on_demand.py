"""Matching on demand ("Run matching now"): the whole matcher as ONE function a background
thread — or a task queue's worker — calls with a session factory.

``match_now`` takes the run lock (so it never overlaps the daily run or another "run now"),
runs every matching stage with the thresholds staff stored (``recon.run.steps.run_matching``,
the same step the daily run uses, rules included), and records the outcome as an audit event
``matching.now`` whose object id is the caller's job id: any web worker can then tell the
person how it ended by reading that event. Raises ``RunLockBusy`` when a run holds the lock;
any other error is recorded as a failed ``matching.now`` event and raised again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from recon import audit
from recon.config import AppSettings
from recon.models import AuditEvent
from recon.run.lock import run_lock
from recon.run.steps import run_matching

__all__ = ["job_outcome", "match_now"]

ACTION = "matching.now"


def match_now(factory: sessionmaker[Session], app: AppSettings, *, actor: str,
              job: str) -> dict[str, Any]:  # fmt: skip
    """Run the matcher now; the counts it reports (also stored on the audit event)."""
    engine = factory.kw["bind"]
    with run_lock(engine):
        try:
            result = run_matching(factory, actor=actor, run_id=None, fx_rules=app.fx_rules,
                                  auto_threshold=None, suggest_threshold=None)  # fmt: skip
        except Exception as exc:
            _record(factory, actor, job, {"state": "failed", "error": str(exc)[:500]})
            raise
    outcome = {"state": "done", **{k: result[k] for k in ("auto_matched", "suggested_new")},
               "errors": len(result["errors"])}  # fmt: skip
    _record(factory, actor, job, outcome)
    return outcome


def _record(factory: sessionmaker[Session], actor: str, job: str, after: dict[str, Any]) -> None:
    with factory.begin() as session:
        audit.record(session, actor=actor, action=ACTION, object_type="job", object_id=job,
                     after=after)  # fmt: skip


def job_outcome(session: Session, job: str) -> dict[str, Any] | None:
    """How job ``job`` ended (its ``matching.now`` event), or None while it runs."""
    event = session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == ACTION, AuditEvent.object_type == "job",
               AuditEvent.object_id == job)
        .limit(1)
    ).first()  # fmt: skip
    return dict(event.after or {}) if event is not None else None
