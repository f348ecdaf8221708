"""Web layer: an uploaded file's import -- its progress, its result and warnings, and the
question asked before a new bank account is created.

``admin.upload`` stores the file as an import job and hands it to `recon.tasks.submit_import`
(small files and the embedded default: imported before the answer; larger ones on a worker),
then opens ``/upload/<id>``. That page polls itself with htmx every second while the job is
queued or running (a progress bar of lines written), then shows the summary and every warning
of the importer (balance mismatches, skipped lines). A statement naming a bank account not
stored yet stops at ``needs_account``: the page shows each account found and lets the person
create it or pick an existing account in its currency; the answer queues the job again. Jobs
are shown to the person who uploaded them (and admins).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from recon.errors import ServiceError
from recon.models import BankAccount, ImportJob
from recon.run.upload_jobs import create_job, decide_accounts
from recon.tasks import submit_import
from web.auth import require_login, roles_required
from web.context import celery, db_session, settings, transaction

__all__ = ["bp", "start_import"]

bp = Blueprint("uploads", __name__, url_prefix="/upload")
require_login(bp)


def start_import(kind: str, name: str, data: bytes, actor: str,
                 options: dict[str, Any] | None = None) -> ImportJob:
    """Store the upload (committed), then import it or queue it; the job as it is now.
    Raises ``ServiceError`` for a kind, size or empty file refused before storing."""
    with transaction() as session:
        job = create_job(session, kind, name, data, actor=actor,
                         max_bytes=settings().max_upload_bytes, options=options)
        job_id, size = job.id, job.size
    submit_import(celery(), job_id, size)
    session = db_session()
    return session.get_one(ImportJob, job_id, populate_existing=True)


def own_job(job_id: int) -> ImportJob:
    """The job, if the current user uploaded it (or is an admin); 404 otherwise."""
    job = db_session().get(ImportJob, job_id, populate_existing=True)
    if job is None or (job.actor != current_user.username
                       and not current_user.has_role("admin")):
        abort(404)
    return job


@bp.get("/<int:job_id>")
@roles_required("clerk", "approver")
def job_page(job_id: int) -> Any:
    job = own_job(job_id)
    template = ("admin/_upload_job.html" if request.headers.get("HX-Request")
                else "admin/upload_job.html")
    return render_template(template, job=job, choices=_choices(job))


@bp.post("/<int:job_id>/accounts")
@roles_required("clerk", "approver")
def accounts(job_id: int) -> Any:
    """The person's answer for each account found: ``new`` or an existing account id."""
    job = own_job(job_id)
    found = [a["key"] for a in job.result.get("accounts", [])]
    answers = {key: request.form.get(f"account-{i}", "") for i, key in enumerate(found)}
    assign = {k: int(v) for k, v in answers.items() if v.isdigit()}
    create = any(v == "new" for v in answers.values())
    try:
        if any(v != "new" and not v.isdigit() for v in answers.values()):
            raise ServiceError(_("Choose, for every account found, to create it or which "
                                 "existing account it is."))
        with transaction() as session:
            queued = decide_accounts(session, job_id, create=create, assign=assign)
            size = queued.size
    except ServiceError as exc:
        flash(str(exc), "error")
        return render_template("admin/upload_job.html", job=own_job(job_id),
                               choices=_choices(job)), 422
    submit_import(celery(), job_id, size)
    return redirect(url_for("uploads.job_page", job_id=job_id))


def _choices(job: ImportJob) -> dict[str, list[BankAccount]]:
    """Per account found: the stored accounts in its currency a person may pick instead."""
    if job.state != "needs_account":
        return {}
    found = job.result.get("accounts", [])
    currencies = {a["currency"] for a in found}
    stored = db_session().scalars(select(BankAccount).where(BankAccount.currency.in_(currencies))
                                  .order_by(BankAccount.account_key)).all()
    return {a["key"]: [b for b in stored if b.currency == a["currency"]] for a in found}
