"""Web layer: working the queue as a team — bulk accept / assign / classify of a selection,
export of the current view (CSV or XLSX, formula-safe), and saved views.

``POST /work/bulk`` takes the selected items (``item=line-12``) and one ``action``; the whole
selection is one transaction: all of it or, on the first refusal, none (the message says
which). ``GET /work/export.csv|xlsx`` writes every item of the view the person is looking at
(same filters and sort as ``/queue``), cells that a spreadsheet could read as a formula made
inert with ``recon.reports.export.safe_cell``. ``POST /work/views`` saves the current filter
under a name; ``POST /work/views/<id>/delete`` removes one. Changes go through
``recon.queue.actions`` and ``recon.queue.work``.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, Response, flash, redirect, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from openpyxl import Workbook

from recon.errors import NotFound, ServiceError
from recon.queue import actions as act
from recon.queue import listing as q
from recon.queue import work
from recon.queue.suggestions import suggestion_briefs
from recon.queue.triage import parse_key
from recon.reports.export import safe_cell
from web.auth import require_login, roles_required, safe_next
from web.context import db_session, runtime, transaction
from web.labels import label, plain
from web.queue import CAUSE_LABELS, read_filters

__all__ = ["bp"]

bp = Blueprint("work", __name__, url_prefix="/work")
require_login(bp)
ACTORS = ("clerk", "approver")
EXPORT_LIMIT = 100_000


def _back() -> Any:
    return redirect(safe_next(request.form.get("next"), "queue.index"))


@bp.post("/bulk")
@roles_required(*ACTORS)
def bulk() -> Any:
    keys = [k for k in (parse_key(raw) for raw in request.form.getlist("item")) if k]
    action, actor = request.form.get("action", ""), current_user.username
    if not keys:
        flash(_("Select at least one item."), "error")
        return _back()
    try:
        with transaction() as session:
            message = _bulk(session, action, keys, actor)
    except (ServiceError, NotFound) as exc:
        flash(_("Nothing was changed: %(error)s", error=plain(str(exc))), "error")
        return _back()
    flash(message, "success")
    return _back()


def _bulk(session: Any, action: str, keys: list[tuple[str, int]], actor: str) -> str:
    n = len(keys)
    if action == "accept":
        ids = [q.queue_item(session, k, i).suggestion_id for k, i in keys]
        act.bulk_accept(session, [i for i in ids if i], actor=actor)
        done = sum(1 for i in ids if i)
        return ngettext("%(num)d suggestion accepted.", "%(num)d suggestions accepted.", done)
    if action == "assign":
        who = request.form.get("assignee") or None
        for kind, rid in keys:
            work.assign(session, kind, rid, who, actor=actor)
        return ngettext("%(num)d item assigned.", "%(num)d items assigned.", n)
    if action == "classify":
        category = request.form.get("category", "")
        for kind, rid in keys:
            act.classify(session, line_id=rid, receipt_kind=kind, kind=category, actor=actor,
                         limit=runtime(session), reason="bulk")  # fmt: skip
        return ngettext("%(num)d item booked as %(what)s.", "%(num)d items booked as %(what)s.",
                        n, what=label(category))  # fmt: skip
    raise ServiceError(_("Choose what to do with the selection."))


def _rows() -> list[list[Any]]:
    filters, sort = read_filters(), request.args.get("sort", "-age")
    session, cursor, out = db_session(), None, []
    causes = {k: str(v) for k, v in CAUSE_LABELS.items()}
    header = [
        _("Cause"),
        _("Booked"),
        _("Age"),
        _("Account"),
        _("Payer"),
        _("Reference"),
        _("Unapplied"),
        _("Currency"),
        _("Suggestion"),
        _("Customer"),
        _("Assigned to"),
    ]
    while len(out) < EXPORT_LIMIT:
        page = q.queue_page(session, filters, sort=sort, cursor=cursor, limit=1000)
        briefs = suggestion_briefs(session, (i.suggestion_id for i in page.items))
        who = work.assignees(session, ((i.kind, i.id) for i in page.items))
        for i in page.items:
            b = briefs.get(i.suggestion_id)
            out.append([causes[i.cause], i.booked, i.age_days, i.account, i.payer or "",
                        i.text or "", i.unapplied, i.currency, b.invoice_text if b else "",
                        b.customer_text if b else "", who.get(i.key, "")])  # fmt: skip
        cursor = page.next_cursor
        if not cursor:
            break
    return [header, *([safe_cell(c) if isinstance(c, str) else c for c in r] for r in out)]


@bp.get("/export.<fmt>")
def export(fmt: str) -> Any:
    try:
        rows = _rows()
    except ValueError as exc:
        return Response(str(exc), 400)
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        return Response(
            "\ufeff" + buf.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=queue.csv"},
        )
    if fmt != "xlsx":
        return Response("csv or xlsx", 404)
    book = Workbook()
    sheet = book.active
    for r in rows:
        sheet.append(r)  # Decimal amounts and dates stay numbers and dates
    data = io.BytesIO()
    book.save(data)
    return Response(
        data.getvalue(),
        headers={"Content-Disposition": "attachment; filename=queue.xlsx"},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.post("/views")
@roles_required()
def save_view() -> Any:
    query = dict(parse_qsl(urlsplit(request.form.get("next", "")).query))
    query.pop("cursor", None)
    try:
        with transaction() as session:
            work.save_view(session, current_user.username, request.form.get("name", ""), query)
    except ServiceError as exc:
        flash(plain(str(exc)), "error")
        return _back()
    flash(_("View saved."), "success")
    return _back()


@bp.post("/views/<int:view_id>/delete")
@roles_required()
def delete_view(view_id: int) -> Any:
    try:
        with transaction() as session:
            work.delete_view(session, current_user.username, view_id)
    except ServiceError as exc:
        flash(plain(str(exc)), "error")
        return _back()
    flash(_("View removed."), "success")
    return _back()
