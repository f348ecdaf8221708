"""Web layer: upload a bank, gateway or invoice file (clerks and up), settings and the alias
table (admin).

An upload is stored as an import job and imported by the ``recon.import_file`` task
(`web.uploads`: progress, result with the importer's warnings, and the question before a new
bank account is created) through the same import entry point as the daily run
(``recon.run.importers.import_by_kind``), in one transaction: a bad file writes nothing
and its error (file, line, field) is shown. Settings and aliases change only through
``recon.access.settings_store`` and ``recon.allocation.alias_admin``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from recon.access import settings_store
from recon.access.runtime import REPORT_LANGUAGES, format_limits
from recon.allocation import alias_admin
from recon.errors import ServiceError
from recon.run.importers import KINDS as UPLOAD_KINDS
from web.auth import require_login, roles_required
from web.context import db_session, runtime, settings, transaction
from web.paging import page_arg, paginate
from web.uploads import start_import

__all__ = ["UPLOAD_KINDS", "bp"]

bp = Blueprint("admin", __name__)
require_login(bp)
# where a learned alias came from (``CustomerAlias.source``)
ALIAS_SOURCES = {
    "confirmed": _l("learned from an accepted suggestion"),
    "rejected": _l("learned from a rejected suggestion"),
    "person": _l("confirmed by a person after a hand match"),
    "manual": _l("entered or edited here"),
}


@bp.route("/upload", methods=["GET", "POST"])
@roles_required("clerk", "approver")
def upload() -> Any:
    """The form; a POST stores the file as an import job and opens its page (a small file is
    imported by then; a failed one is shown here at once, with its error)."""
    status = 200
    if request.method == "POST":
        file = request.files.get("file")
        kind = request.form.get("kind", "bank")
        if file is None or not file.filename:
            flash(_("Choose a file to upload."), "error")
            status = 400
        else:
            try:
                job = start_import(kind, file.filename, file.read(), current_user.username)
            except ServiceError as exc:
                flash(_("%(name)s was not imported: %(error)s", name=file.filename,
                        error=str(exc)), "error")
                status = 422
            else:
                if job.state == "failed":
                    return render_template("admin/upload_job.html", job=job, choices={}), 422
                return redirect(url_for("uploads.job_page", job_id=job.id), 303)
    return render_template("admin/upload.html", kinds=UPLOAD_KINDS), status


@bp.route("/settings", methods=["GET", "POST"])
@roles_required("admin")
def settings_page() -> Any:
    status, error_field = 200, None
    if request.method == "POST":
        try:
            with transaction() as session:
                settings_store.save(session, request.form, actor=current_user.username,
                                    defaults=settings())
        except settings_store.SettingError as exc:
            flash(str(exc), "error")
            status, error_field = 422, exc.field
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("admin.settings_page"))
    current = runtime()
    form = request.form if status != 200 else {}
    return render_template(
        "admin/settings.html", specs=settings_store.KNOWN, values=current.scalars(),
        limits=format_limits(current.writeoff_limits), form=form, error_field=error_field,
        limits_key=settings_store.LIMITS_KEY, language_key=settings_store.LANGUAGE_KEY,
        report_language=current.report_language, report_languages=REPORT_LANGUAGES,
    ), status


@bp.route("/settings/aliases")
@roles_required("admin")
def aliases() -> str:
    query = alias_admin.alias_query(request.args.get("q"), request.args.get("polarity"))
    page = paginate(db_session(), query, page_arg())
    labels = {k: str(v) for k, v in ALIAS_SOURCES.items()}
    return render_template("admin/aliases.html", page=page, source_labels=labels)


@bp.route("/settings/aliases/<int:alias_id>", methods=["POST"])
@roles_required("admin")
def alias_edit(alias_id: int) -> Any:
    with transaction() as session:
        alias_admin.update_alias(
            session,
            alias_id,
            alias=request.form.get("alias", ""),
            polarity=request.form.get("polarity", ""),
            actor=current_user.username,
        )
    flash(_("Alias saved."), "success")
    return redirect(url_for("admin.aliases", **request.args))


@bp.route("/settings/aliases/<int:alias_id>/delete", methods=["POST"])
@roles_required("admin")
def alias_delete(alias_id: int) -> Any:
    with transaction() as session:
        alias_admin.delete_alias(
            session, alias_id, actor=current_user.username, reason=request.form.get("reason")
        )
    flash(_("Alias deleted."), "success")
    return redirect(url_for("admin.aliases", **request.args))
