"""Uploaded files imported by the ``recon.import_file`` task, in-process (no broker): the job
row's states, progress, idempotent redelivery, nothing half-written, clear errors, and the
question asked before a new bank account is created.

The same task through RabbitMQ and a worker: ``tests/tasks/test_broker.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from recon.errors import ServiceError
from recon.models import BankAccount, ImportJob, Statement, StatementImport, StatementLine
from recon.run import upload_jobs
from recon.run.upload_jobs import create_job, decide_accounts, run_job
from recon.tasks import make_celery, submit_import
from recon.tasks.imports import sweep_imports
from tests.tasks.statement_files import ACCOUNT, mt940

LIMIT = 50 * 1024 * 1024


def new_job(session_factory, data: bytes, kind: str = "bank", **options) -> int:
    with session_factory.begin() as s:
        return create_job(s, kind, "stmt.sta", data, actor="clerk1", max_bytes=LIMIT,
                          options=options).id


def job(session_factory, job_id: int) -> ImportJob:
    with session_factory() as s:
        found = s.get(ImportJob, job_id)
        s.expunge(found)
        return found


def count(session_factory, model) -> int:
    with session_factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_unknown_account_is_asked_then_created_and_warnings_kept(session_factory):
    job_id = new_job(session_factory, mt940(30, closing_off_cents=100))
    assert run_job(session_factory, job_id, max_bytes=LIMIT) == "needs_account"
    waiting = job(session_factory, job_id)
    assert waiting.result["accounts"] == [{"key": ACCOUNT, "currency": "EUR", "bank_id": None}]
    assert count(session_factory, BankAccount) == 0  # nothing created, nothing imported
    assert count(session_factory, StatementLine) == count(session_factory, StatementImport) == 0
    with session_factory.begin() as s:
        decide_accounts(s, job_id, create=True, assign={})
    assert run_job(session_factory, job_id, max_bytes=LIMIT) == "done"
    done = job(session_factory, job_id)
    assert done.state == "done" and done.percent == 100 and done.result["lines_new"] == 30
    assert any("off by 100 minor units" in w for w in done.result["warnings"])
    assert count(session_factory, StatementLine) == 30
    with session_factory() as s:
        assert s.scalar(select(ImportJob.data).where(ImportJob.id == job_id)) is None  # dropped


def test_an_existing_account_can_be_picked_instead(session_factory):
    with session_factory.begin() as s:
        mine = BankAccount(account_key="Main EUR account", currency="EUR")
        s.add(mine)
        s.flush()
        mine_id = mine.id
    job_id = new_job(session_factory, mt940(5))
    assert run_job(session_factory, job_id, max_bytes=LIMIT) == "needs_account"
    with session_factory.begin() as s, pytest.raises(ServiceError, match="pick an account"):
        decide_accounts(s, job_id, create=False, assign={})
    with session_factory.begin() as s, pytest.raises(ServiceError, match="names no account"):
        decide_accounts(s, job_id, create=False, assign={"OTHER": mine_id})
    with session_factory.begin() as s:
        decide_accounts(s, job_id, create=False, assign={ACCOUNT: mine_id})
    assert run_job(session_factory, job_id, max_bytes=LIMIT) == "done"
    with session_factory() as s:
        assert s.scalars(select(BankAccount.id)).all() == [mine_id]
        assert set(s.scalars(select(StatementLine.bank_account_id))) == {mine_id}


def test_redelivery_imports_once(settings, engine, session_factory):
    job_id = new_job(session_factory, mt940(20), create_accounts=True)
    app = make_celery(settings, engine)
    assert submit_import(app, job_id, 100)  # in-process: imported before it returns
    assert job(session_factory, job_id).state == "done"
    assert app.tasks["recon.import_file"].apply(args=(job_id,)).get() == "done"  # redelivered
    assert count(session_factory, StatementLine) == 20
    assert count(session_factory, StatementImport) == count(session_factory, Statement) == 1


def test_a_job_left_running_by_a_lost_worker_is_imported_by_the_redelivery(session_factory):
    job_id = new_job(session_factory, mt940(10), create_accounts=True)
    with session_factory.begin() as s:  # claimed by a worker that then died (nothing written)
        s.execute(update(ImportJob).where(ImportJob.id == job_id)
                  .values(state="running", attempt=1))
    assert run_job(session_factory, job_id, max_bytes=LIMIT) == "done"
    assert job(session_factory, job_id).attempt == 2
    assert count(session_factory, StatementLine) == 10


def test_an_attempt_taken_over_meanwhile_rolls_back(session_factory, monkeypatch):
    job_id = new_job(session_factory, mt940(10), create_accounts=True)
    real = upload_jobs.import_by_kind

    def taken_over(*args, **kwargs):  # a second delivery claims the job while this one runs
        with session_factory.begin() as s:
            s.execute(update(ImportJob).where(ImportJob.id == job_id).values(attempt=2))
        return real(*args, **kwargs)

    monkeypatch.setattr(upload_jobs, "import_by_kind", taken_over)
    assert run_job(session_factory, job_id, max_bytes=LIMIT) == "superseded"
    assert count(session_factory, StatementLine) == count(session_factory, BankAccount) == 0


def test_a_failure_midway_leaves_nothing_half_written(session_factory, monkeypatch):
    job_id = new_job(session_factory, mt940(6000), create_accounts=True)

    def crash(self, written, to_write):  # after the first 5,000 lines were inserted
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(upload_jobs._Progress, "__call__", crash)
    assert run_job(session_factory, job_id, max_bytes=LIMIT) == "failed"
    failed = job(session_factory, job_id)
    assert "unexpected error; nothing was imported" in failed.error
    assert "disk on fire" not in failed.error  # words for a person, the traceback in the log
    for model in (StatementLine, Statement, StatementImport, BankAccount):
        assert count(session_factory, model) == 0


def test_a_bad_file_fails_with_a_clear_error_and_writes_nothing(session_factory):
    job_id = new_job(session_factory, b"this is not a statement\n")
    assert run_job(session_factory, job_id, max_bytes=LIMIT) == "failed"
    failed = job(session_factory, job_id)
    assert "stmt.sta" in failed.error and "Traceback" not in failed.error
    assert count(session_factory, StatementImport) == 0
    bad_invoices = new_job(session_factory, b"invoice_no,amount\nX,abc\n", kind="invoices")
    assert run_job(session_factory, bad_invoices, max_bytes=LIMIT) == "failed"
    assert job(session_factory, bad_invoices).error


def test_uploads_refused_before_they_are_stored(session_factory):
    with session_factory.begin() as s:
        with pytest.raises(ServiceError, match="over the limit of 10"):
            create_job(s, "bank", "big.sta", b"x" * 11, actor="a", max_bytes=10)
        with pytest.raises(ServiceError, match="empty"):
            create_job(s, "bank", "none.sta", b"", actor="a", max_bytes=10)
        with pytest.raises(ServiceError, match="unknown file kind"):
            create_job(s, "pictures", "a.png", b"x", actor="a", max_bytes=10)
    assert count(session_factory, ImportJob) == 0


def test_progress_is_committed_while_the_lines_are_written(session_factory, engine,
                                                           monkeypatch):
    """On PostgreSQL another connection sees lines written / to write grow while the import
    transaction is still open; SQLite (one writer, imports run in the request) writes none."""
    monkeypatch.setattr(upload_jobs, "PROGRESS_EVERY_S", 0.0)
    seen: list[tuple[int, int]] = []
    real = upload_jobs._Progress.__call__

    def watch(self, written, to_write):
        real(self, written, to_write)
        if self.enabled:
            with engine.connect() as conn:
                seen.append(tuple(conn.execute(select(ImportJob.done_lines, ImportJob.total_lines)
                                               .where(ImportJob.id == job_id)).one()))
            assert count(session_factory, StatementLine) == 0  # not committed yet

    monkeypatch.setattr(upload_jobs._Progress, "__call__", watch)
    job_id = new_job(session_factory, mt940(12_000), create_accounts=True)
    assert run_job(session_factory, job_id, max_bytes=LIMIT) == "done"
    if engine.dialect.name == "sqlite":
        assert seen == []
    else:
        assert seen == [(5000, 12_000), (10_000, 12_000), (12_000, 12_000)]
    assert job(session_factory, job_id).percent == 100


def test_the_sweep_publishes_jobs_whose_publish_failed(settings, engine, session_factory):
    job_id = new_job(session_factory, mt940(3), create_accounts=True)
    with session_factory.begin() as s:
        s.execute(update(ImportJob).values(
            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))
    assert sweep_imports(make_celery(settings, engine), 600) == 1
    assert job(session_factory, job_id).state == "done"
    assert sweep_imports(make_celery(settings, engine), 600) == 0
