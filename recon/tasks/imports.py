"""Uploaded statement, settlement and invoice files imported as a Celery task (task definitions).

The web upload and the API store the file as an ``ImportJob`` row and commit it; `submit_import`
then either runs the import at once in the caller (no broker, or a file of at most
`INLINE_BYTES`: a person waits a second rather than watch a progress bar) or publishes
``recon.import_file`` for a worker, whose progress the page polls. The task is acknowledged late
and `recon.run.upload_jobs.run_job` is idempotent (a redelivery of a finished job does nothing;
a redelivery after a lost worker starts over, the lost attempt having written nothing). A lost
database connection is retried with back-off; jobs whose publish failed are republished by the
beat sweep (`sweep_imports`).
"""

from __future__ import annotations

import logging

from celery import Celery, Task
from celery.utils.time import get_exponential_backoff_interval
from sqlalchemy.exc import OperationalError

from recon.run.upload_jobs import queued_jobs, run_job
from recon.tasks.runtime import runtime

__all__ = [
    "IMPORT_FILE",
    "IMPORT_SWEEP_AGE_S",
    "INLINE_BYTES",
    "register", "submit_import", "sweep_imports"]

log = logging.getLogger(__name__)
IMPORT_FILE = "recon.import_file"
INLINE_BYTES = 1024 * 1024
"""Files up to this size are imported in the request (about a second for 5,000 lines)."""
MAX_RETRIES = 5
IMPORT_SWEEP_AGE_S = 600.0
"""A job queued this long was not published (or its message was lost): publish it again. Long
enough not to republish one merely waiting behind a daily run (a duplicate would be harmless)."""


def submit_import(app: Celery, job_id: int, size: int) -> bool:
    """Import a committed job: now, in-process (small file or no broker), or on a worker;
    ``False`` when the broker could not take it (the sweep publishes it later)."""
    task = app.tasks[IMPORT_FILE]
    if app.conf.task_always_eager or size <= INLINE_BYTES:
        task.apply(args=(job_id,))
        return True
    try:
        task.apply_async(args=(job_id,))
    except Exception as exc:  # broker away: the committed job is the hand-over
        log.warning("import %s: not published (%s); left for the sweep", job_id,
                    type(exc).__name__)
        return False
    return True


def sweep_imports(app: Celery, age_s: float) -> int:
    """Publish jobs still queued ``age_s`` after upload; how many."""
    with runtime(app).factory() as session:
        ids = queued_jobs(session, age_s)
    for job_id in ids:
        app.tasks[IMPORT_FILE].apply_async(args=(job_id,))
    return len(ids)


def _import(task: Task, job_id: int) -> str:
    recon_runtime = runtime(task.app)
    try:
        return run_job(recon_runtime.factory, job_id,
                       max_bytes=recon_runtime.settings.max_upload_bytes,
                       strict=recon_runtime.settings.balance_check_strict)
    except OperationalError:
        if task.request.is_eager or task.request.retries >= MAX_RETRIES:
            raise
        countdown = get_exponential_backoff_interval(2, task.request.retries, 120,
                                                     full_jitter=True)
        raise task.retry(countdown=max(countdown, 0.5)) from None


def register(app: Celery) -> None:
    """Define the import task on ``app``."""

    @app.task(name=IMPORT_FILE, bind=True, shared=False, max_retries=MAX_RETRIES)
    def import_file(self: Task, job_id: int) -> str:
        """Import one stored upload (idempotent; the job row says how it went)."""
        return _import(self, job_id)

