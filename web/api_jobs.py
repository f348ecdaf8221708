"""Web layer: the API's background jobs -- file imports and the daily report on demand.

Routes on the ``/api/v1`` blueprint of `web.api` (same bearer tokens and roles):

- ``POST /imports?kind=bank|gateway|invoices`` (and ``POST /statements``, bank or gateway) take a
  multipart ``file``, store it and answer **202** with ``Location: /api/v1/imports/<id>`` and the
  job (`web.uploads.start_import`: a small file is already imported then, a large one is on a
  worker). A file refused on the spot (bad line, too large) answers 422 with the job's error.
  A statement naming a bank account not stored yet waits in ``needs_account``; answer it with
  ``POST /imports/<id>/accounts`` (``{"create": true}`` or ``{"assign": {"KEY": account_id}}``),
  or pass ``create_accounts=1`` with the upload to create such accounts without asking.
- ``GET /imports/<id>``: state, lines written / to write, result (with the importer's warnings)
  or error.
- ``POST /reports?day=YYYY-MM-DD`` queues the daily report files (HTML, XLSX, CSV, JSON) for
  a worker: 202 and ``GET /reports/<job>`` says when they are written and where.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import g, jsonify, request

from recon.errors import ServiceError
from recon.run.report_now import job_outcome
from recon.run.upload_jobs import decide_accounts
from recon.tasks import publish_report, submit_import
from web.api_base import bp, token_roles
from web.context import celery, db_session, transaction
from web.errors import ApiError
from web.uploads import start_import

__all__ = ["imports", "upload_statement"]


def _upload(kinds: tuple[str, ...], default: str) -> Any:
    file = request.files.get("file")
    if file is None or not file.filename:
        raise ApiError("send the file as multipart/form-data field 'file'", 400)
    kind = request.args.get("kind", default)
    if kind not in kinds:
        raise ApiError(f"kind must be one of {', '.join(kinds)}", 400)
    options = {"create_accounts": request.args.get("create_accounts") in {"1", "true"}}
    try:
        job = start_import(kind, file.filename, file.read(), g.api_user.username, options)
    except ServiceError as exc:
        raise ApiError(str(exc), 422) from exc
    if job.state == "failed":
        raise ApiError(f"{file.filename}: {job.error}", 422, job=_location(job.id))
    return _accepted(job.as_json(), _location(job.id))


def _location(job_id: int) -> str:
    return f"/api/v1/imports/{job_id}"


def _accepted(body: dict[str, Any], location: str) -> Any:
    response = jsonify({**body, "url": location})
    response.status_code, response.headers["Location"] = 202, location
    return response


@bp.post("/imports")
@token_roles("clerk", "approver")
def imports() -> Any:
    """Import a bank statement, gateway settlement file or invoice file as a job (202)."""
    return _upload(("bank", "gateway", "invoices"), "bank")


@bp.post("/statements")
@token_roles("clerk", "approver")
def upload_statement() -> Any:
    """A bank statement (or ``?kind=gateway`` settlement file) as multipart ``file`` (202)."""
    return _upload(("bank", "gateway"), "bank")


@bp.get("/imports/<int:job_id>")
@token_roles("clerk", "approver")
def import_job(job_id: int) -> Any:
    return jsonify(_own(job_id).as_json())


@bp.post("/imports/<int:job_id>/accounts")
@token_roles("clerk", "approver")
def import_accounts(job_id: int) -> Any:
    """Answer ``needs_account``: create the accounts found, or assign existing ones."""
    _own(job_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError('send {"create": true} or {"assign": {"KEY": account_id}}', 400)
    assign = body.get("assign") or {}
    if not isinstance(assign, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in assign.values()):
        raise ApiError("assign maps an account key to a bank account id (an integer)", 400)
    try:
        with transaction() as session:
            size = decide_accounts(session, job_id, create=body.get("create") is True,
                                   assign={str(k): v for k, v in assign.items()}).size
    except ServiceError as exc:
        raise ApiError(str(exc), 409) from exc
    submit_import(celery(), job_id, size)
    return _accepted(_own(job_id).as_json(), _location(job_id))


def _own(job_id: int) -> Any:
    from recon.models import ImportJob

    job = db_session().get(ImportJob, job_id, populate_existing=True)
    if job is None or (job.actor != g.api_user.username and not g.api_user.has_role("admin")):
        raise ApiError(f"no import {job_id}", 404)
    return job


@bp.post("/reports")
@token_roles("clerk", "approver")
def reports() -> Any:
    """Write the daily report of ``day`` (default today) now, on a worker (202)."""
    try:
        day = dt.date.fromisoformat(request.args.get("day") or dt.date.today().isoformat())
    except ValueError as exc:
        raise ApiError("day must be a date (YYYY-MM-DD)", 400) from exc
    job = uuid.uuid4().hex[:16]
    try:
        publish_report(celery(), f"api:{g.api_user.username}", job, day)
    except Exception as exc:  # broker away, or (in-process) the report itself failed
        outcome = job_outcome(db_session(), job)
        if outcome is None:
            raise ApiError("the task broker is unavailable; try again", 503) from exc
        raise ApiError(f"the report failed: {outcome.get('error')}", 422) from exc
    return _accepted({"job": job, "state": "queued"}, f"/api/v1/reports/{job}")


@bp.get("/reports/<job>")
@token_roles("viewer")
def report_job(job: str) -> Any:
    """``{"state": "queued"}`` until written, then where and which files."""
    outcome = job_outcome(db_session(), job[:64])
    return jsonify({"job": job, **(outcome or {"state": "queued"})})
