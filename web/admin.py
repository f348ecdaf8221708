"""Web layer: upload a bank or gateway file (clerks and up), settings and the alias table (admin).

Uploads go through the same import entry point as the daily run
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
from recon.run.files import EXPECTED
from recon.run.importers import ImportSummary, import_by_kind
from web.auth import require_login, roles_required
from web.context import db_session, runtime, settings, transaction
from web.paging import page_arg, paginate

__all__ = ["UPLOAD_KINDS", "bp", "import_upload"]

bp = Blueprint("admin", __name__)
require_login(bp)
UPLOAD_KINDS = ("bank", "gateway", "invoices")
# where a learned alias came from (``CustomerAlias.source``)
ALIAS_SOURCES = {
    "confirmed": _l("learned from an accepted suggestion"),
    "rejected": _l("learned from a rejected suggestion"),
    "person": _l("confirmed by a person after a hand match"),
    "manual": _l("entered or edited here"),
}


def import_upload(kind: str, name: str, data: bytes, actor: str) -> ImportSummary:
    """Import one uploaded file in its own transaction (raises what the import raises)."""
    if kind not in UPLOAD_KINDS:
        raise ServiceError(f"unknown file kind {kind!r} (one of {', '.join(UPLOAD_KINDS)})")
    with transaction() as session:
        return import_by_kind(session, kind, name, data, actor=actor)


@bp.route("/upload", methods=["GET", "POST"])
@roles_required("clerk", "approver")
def upload() -> Any:
    status = 200
    if request.method == "POST":
        file = request.files.get("file")
        kind = request.form.get("kind", "bank")
        if file is None or not file.filename:
            flash(_("Choose a file to upload."), "error")
            status = 400
        else:
            status = _do_upload(kind, file.filename, file.read())
            if status == 200:
                return redirect(url_for("admin.upload"))
    return render_template("admin/upload.html", kinds=UPLOAD_KINDS), status


def _do_upload(kind: str, name: str, data: bytes) -> int:
    try:
        summary = import_upload(kind, name, data, current_user.username)
    except EXPECTED as exc:
        flash(_("%(name)s was not imported: %(error)s", name=name, error=str(exc)), "error")
        return 422
    flash(_("%(name)s imported: %(text)s", name=name, text=summary.text), "success")
    return 200


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
