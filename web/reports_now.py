"""Web layer: "Write the report now" -- the daily report files on demand, on a worker.

``POST /reports/run`` (clerk and up) publishes ``recon.daily_report`` with a job id (in-process
without a broker) and opens ``/reports/<job>``, which polls itself with htmx until the audit
event of the job says the files are written, then links them. Files are served only from the
folder the job recorded, inside ``RECON_REPORTS_DIR``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, redirect, send_from_directory, url_for
from flask_login import current_user

from recon.run.report_now import job_outcome
from recon.tasks import publish_report
from web.auth import require_login, roles_required
from web.context import celery, db_session, settings
from web.job_pages import JobPages

__all__ = ["bp"]

bp = Blueprint("reports_now", __name__, url_prefix="/reports")
require_login(bp)
_JOBS = JobPages("records/report_now.html", "records/_report_now.html")


@bp.post("/run")
@roles_required("clerk", "approver")
def run() -> Any:
    actor = current_user.username
    job = _JOBS.start(lambda job: publish_report(celery(), actor, job))
    return redirect(url_for("reports_now.status", job=job))


@bp.get("/<job>")
def status(job: str) -> Any:
    return _JOBS.render(job, job_outcome(db_session(), job[:64]))


@bp.get("/<job>/files/<name>")
def file(job: str, name: str) -> Any:
    outcome = job_outcome(db_session(), job[:64]) or abort(404)
    folder = Path(outcome.get("folder") or "/nonexistent").resolve()
    if (outcome.get("state") != "done" or name not in outcome.get("files", [])
            or not folder.is_relative_to(settings().reports_dir.resolve())):
        abort(404)
    inline = name.endswith((".html", ".csv", ".json"))
    response = send_from_directory(folder, name, as_attachment=not inline)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
