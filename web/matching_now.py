"""Web layer: "Run matching now" (clerk and up) and the page that shows how it goes.

``POST /matching/run`` checks the run lock (a daily run or another "run now" going on: the
person is told so), publishes the ``recon.match_now`` Celery task with a job id (a worker runs
``recon.run.on_demand.match_now``; without a broker it runs in-process before the answer), and
opens ``/matching/<job>``. That page polls itself with htmx every second while the job runs
and then shows what it did; the outcome is read from the audit log, so any web worker can
answer. A job whose publication failed (broker away) shows that error.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from recon.run.lock import RunLockBusy, run_lock
from recon.run.on_demand import job_outcome
from recon.tasks import publish_match_now
from web.auth import require_login, roles_required, safe_next
from web.context import celery, db_session
from web.job_pages import JobPages

__all__ = ["bp"]

bp = Blueprint("matching", __name__, url_prefix="/matching")
require_login(bp)
_JOBS = JobPages("triage/matching.html", "triage/_matching.html")


@bp.post("/run")
@roles_required("clerk", "approver")
def run() -> Any:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        with run_lock(app.extensions["recon.engine"]):
            pass  # only a check; the job takes the lock itself
    except RunLockBusy:
        flash(_("Matching is already running (or the daily run is). Try again in a minute."),
              "error")  # fmt: skip
        return redirect(safe_next(request.referrer, "queue.index"))
    actor = current_user.username
    job = _JOBS.start(lambda job: publish_match_now(celery(), actor, job))
    return redirect(url_for("matching.status", job=job))


@bp.get("/<job>")
def status(job: str) -> Any:
    return _JOBS.render(job, job_outcome(db_session(), job))
