"""Uploaded files imported as jobs (service): store the bytes, import them once, report.

``create_job`` stores an upload (size-capped) as an ``ImportJob`` row in the caller's
transaction; the caller commits it before the task is published, so a lost worker or broker
never loses the file. ``run_job`` imports it, idempotently:

1. claim: lock the job row; a job already ``done``, ``failed`` or ``needs_account`` is left
   alone (a redelivered task does nothing), otherwise it becomes ``running`` with a new attempt
   number;
2. import in ONE transaction that also marks the job ``done`` -- only if the attempt is still
   ours -- so the lines and "done" commit together or not at all; a worker killed mid-import
   leaves no line behind and the redelivery starts over;
3. a refused file (bad line, wrong currency, too large) rolls back and leaves the job
   ``failed`` with its error in words; a statement naming an unknown bank account leaves it
   ``needs_account`` with the accounts found, until a person decides (`decide_accounts`).

Progress (lines written / to write) is committed on a separate connection while the import
runs, for the page and the API to poll; on SQLite (one writer) it is not written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from recon.db import is_sqlite
from recon.db.types import utcnow
from recon.errors import ServiceError
from recon.models import BankAccount, ImportJob
from recon.run.files import EXPECTED
from recon.run.importers import KINDS, import_by_kind
from recon.statements.imports import NewAccounts, UnknownAccount

__all__ = ["create_job", "decide_accounts", "queued_jobs", "run_job"]

log = logging.getLogger(__name__)
TERMINAL = ("done", "failed", "needs_account")
PROGRESS_EVERY_S = 0.5


def create_job(session: Session, kind: str, name: str, data: bytes, *, actor: str,
               max_bytes: int, options: Mapping[str, Any] | None = None) -> ImportJob:
    """Store an upload for import (flushed, not committed); refuses a kind or size we cannot
    take before anything is stored."""
    if kind not in KINDS:
        raise ServiceError("unknown file kind %(kind)s (one of %(choices)s)", code="bad_kind",
                           kind=kind, choices=", ".join(KINDS))
    if len(data) > max_bytes:
        raise ServiceError("%(file)s: file is %(size)s bytes, over the limit of %(limit)s",
                           code="too_large", file=name, size=len(data), limit=max_bytes)
    if not data:
        raise ServiceError("%(file)s: the file is empty", code="empty_file", file=name)
    job = ImportJob(kind=kind, file_name=name[-255:], file_sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data), data=data, actor=actor[:64], state="queued",
                    options=dict(options or {}), result={})
    session.add(job)
    session.flush()
    return job


def decide_accounts(session: Session, job_id: int, *, create: bool,
                    assign: Mapping[str, int]) -> ImportJob:
    """A person's answer to ``needs_account``: create the accounts found, or map a found key to
    an existing account id; the job is queued again (the caller publishes it after commit)."""
    job = session.get(ImportJob, job_id, with_for_update=True)
    if job is None or job.state != "needs_account":
        raise ServiceError("import %(job)s is not waiting for an account decision",
                           code="not_waiting", job=job_id)
    found = {a["key"] for a in job.result.get("accounts", [])}
    unknown = set(assign) - found
    if unknown:
        raise ServiceError("import %(job)s: the file names no account %(account)s",
                           code="unknown_account", job=job_id, account=sorted(unknown)[0])
    for key, account_id in assign.items():
        if session.get(BankAccount, account_id) is None:
            raise ServiceError("import %(job)s: no bank account %(id)s for %(account)s",
                               code="unknown_account", job=job_id, id=account_id, account=key)
    if not create and found - set(assign):
        raise ServiceError("import %(job)s: pick an account or confirm creating each one",
                           code="account_decision", job=job_id)
    job.options = {**job.options, "create_accounts": create, "assign": dict(assign)}
    job.state, job.error = "queued", None
    return job


def queued_jobs(session: Session, older_than_s: float) -> list[int]:
    """Jobs still queued ``older_than_s`` after upload (their publish failed): for the sweep."""
    cutoff = utcnow() - dt.timedelta(seconds=older_than_s)
    return list(session.scalars(select(ImportJob.id).where(
        ImportJob.state == "queued", ImportJob.created_at < cutoff).order_by(ImportJob.id)))


def run_job(factory: sessionmaker[Session], job_id: int, *, max_bytes: int,
            strict: bool = False) -> str:
    """Import job ``job_id`` (see the module doc); its state afterwards. ``strict`` is
    ``AppSettings.balance_check_strict``, as on every import path."""
    attempt = _claim(factory, job_id)
    if attempt is None:
        with factory() as session:
            job = session.get(ImportJob, job_id)
            return job.state if job else "missing"
    try:
        with factory.begin() as session:
            job = session.get(ImportJob, job_id)
            assert job is not None  # claimed above
            summary = import_by_kind(
                session, job.kind, job.file_name, job.data or b"", actor=job.actor,
                max_bytes=max_bytes, strict=strict, accounts=_accounts(job.options),
                progress=_Progress(factory, job_id, attempt))
            result = {**summary.data, "summary": summary.text, "lines": summary.lines,
                      "warnings": list(summary.warnings[:200])}
            if not _finish(session, job_id, attempt, "done", result=result, data=None):
                raise _Superseded()
    except _Superseded:
        log.warning("import %s: attempt %s superseded; its work rolled back", job_id, attempt)
        return "superseded"
    except UnknownAccount as exc:
        with factory.begin() as session:
            _finish(session, job_id, attempt, "needs_account", result={"accounts": exc.accounts})
        return "needs_account"
    except EXPECTED as exc:
        return _failed(factory, job_id, attempt, str(exc))
    except OperationalError:
        raise  # the database is away: the task retries; the job stays running until then
    except Exception:  # a bug: the person gets words, the log the traceback
        log.exception("import %s (%s) stopped on an unexpected error", job_id, attempt)
        return _failed(factory, job_id, attempt, "the import stopped on an unexpected error; "
                       "nothing was imported (the server log has the details)")
    return "done"


def _failed(factory: sessionmaker[Session], job_id: int, attempt: int, error: str) -> str:
    with factory.begin() as session:
        _finish(session, job_id, attempt, "failed", error=error[:2000], data=None)
    return "failed"


class _Superseded(Exception):
    """Another delivery took the job over while this one ran: roll this one back."""


def _claim(factory: sessionmaker[Session], job_id: int) -> int | None:
    with factory.begin() as session:
        job = session.get(ImportJob, job_id, with_for_update=True)
        if job is None or job.state in TERMINAL:
            return None
        job.state, job.attempt, job.started_at = "running", job.attempt + 1, utcnow()
        job.done_lines = job.total_lines = 0
        return job.attempt


def _finish(session: Session, job_id: int, attempt: int, state: str, **values: Any) -> bool:
    """Set the outcome, only if ``attempt`` still owns the job; whether it did."""
    done = session.execute(
        update(ImportJob).where(ImportJob.id == job_id, ImportJob.attempt == attempt,
                                ImportJob.state == "running")
        .values(state=state, finished_at=utcnow(), **values)
        .execution_options(synchronize_session=False))
    return done.rowcount == 1  # type: ignore[attr-defined]


def _accounts(options: Mapping[str, Any]) -> NewAccounts:
    return NewAccounts(create=bool(options.get("create_accounts")),
                       assign={str(k): int(v) for k, v in options.get("assign", {}).items()})


class _Progress:
    """``progress(written, to_write)`` of `import_statement`, summed over the file's
    statements and committed at most every `PROGRESS_EVERY_S` on its own connection."""

    def __init__(self, factory: sessionmaker[Session], job_id: int, attempt: int) -> None:
        self.engine = factory.kw["bind"]
        self.job_id, self.attempt = job_id, attempt
        self.base = self.current = 0
        self.last = 0.0
        self.enabled = not is_sqlite(self.engine)

    def __call__(self, written: int, to_write: int) -> None:
        self.current += written
        done, total = self.base + self.current, self.base + to_write
        if self.current >= to_write:  # this statement is written; the next one adds to it
            self.base, self.current = self.base + to_write, 0
        now = time.monotonic()
        if not self.enabled or (now - self.last < PROGRESS_EVERY_S and done < total):
            return
        self.last = now
        with self.engine.begin() as conn:
            conn.execute(update(ImportJob).where(
                ImportJob.id == self.job_id, ImportJob.attempt == self.attempt)
                .values(done_lines=done, total_lines=total))
