"""Web layer for dunning: the preview (exactly what would go out today, to whom, and why
anything is held back) with "send now" per reminder, the log of reminders sent (who, what,
when, level, message id, outcome), the template editor with a preview (admin), and opt-outs.
Sending runs the same ``recon.collections.run_dunning`` as the daily run, for one customer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from recon.collections import DunningSettings, build_plan, run_dunning
from recon.collections.messages import compose, sample_context
from recon.collections.policies import ensure_policies, policies_by_tier, update_level
from recon.collections.promises import suppress
from recon.collections.templates import (
    PARTS,
    TemplateProblem,
    render,
    save_template,
    shipped,
    template_source,
)
from recon.errors import ServiceError
from recon.models import LANGUAGES, Customer, Reminder, Suppression
from web.auth import require_login, roles_required
from web.context import db_session, settings, transaction
from web.paging import page_arg, paginate

__all__ = ["bp", "dunning_settings"]

bp = Blueprint("collections", __name__, url_prefix="/collections")
require_login(bp)
_SENDERS = ("clerk", "approver", "admin")


def dunning_settings() -> DunningSettings:
    """The app's dunning settings (tests may put a prepared one in ``app.extensions``)."""
    prepared = current_app.extensions.get("recon.dunning_settings")
    return prepared or DunningSettings.from_env(settings())


def _day() -> dt.date:
    try:
        return dt.date.fromisoformat(request.values.get("date", ""))
    except ValueError:
        return dt.date.today()


@bp.route("")
def preview() -> str:
    day = _day()
    with transaction() as s:
        ensure_policies(s, actor=current_user.username)
    session = db_session()
    plan = build_plan(session, day)
    ready = {c: dunning_settings().channel_ready(c) for c in ("email", "sms")}
    return render_template("collections/preview.html", plan=plan, day=day, ready=ready,
                           messages=_messages(session, plan.to_send, day))


def _messages(session: Any, planned: list[Any], day: dt.date) -> dict[tuple[int, int], Any]:
    """The words each reminder would carry (or the template's problem), for the preview."""
    out: dict[tuple[int, int], Any] = {}
    for r in planned:
        try:
            out[(r.customer_id, r.level)] = compose(
                session, session.get_one(Customer, r.customer_id), r,
                statement_link=dunning_settings().statement_link(r.customer_id,
                                                                 day.strftime("%Y-%m")))
        except TemplateProblem as exc:
            out[(r.customer_id, r.level)] = str(exc)
    return out


@bp.post("/send")
@roles_required(*_SENDERS)
def send() -> Any:
    day = _day()
    customer_id = int(request.form.get("customer_id", "0") or 0)
    result = run_dunning(current_app.extensions["recon.session_factory"], day,
                         dunning_settings(), actor=current_user.username,
                         customer_ids=[customer_id])
    sent = result.outcomes.get("sent", 0)
    if sent:
        flash(_("%(n)d reminder(s) sent.", n=sent), "success")
    else:
        flash(_("Nothing was sent: %(why)s", why=", ".join(
            f"{k}={v}" for k, v in result.outcomes.items()) or _("nothing due")), "error")
    return redirect(url_for("collections.preview", date=day.isoformat()))


@bp.route("/reminders")
def reminders() -> str:
    stmt = (sa.select(Reminder, Customer.name).join(Customer, Reminder.customer_id == Customer.id)
            .order_by(Reminder.id.desc()))
    if status := request.args.get("status"):
        stmt = stmt.where(Reminder.status == status)
    return render_template("collections/reminders.html",
                           page=paginate(db_session(), stmt, page_arg()))


@bp.route("/policies")
def policies() -> str:
    with transaction() as s:
        ensure_policies(s, actor=current_user.username)
    return render_template("collections/policies.html",
                           policies=sorted(policies_by_tier(db_session()).items()),
                           templates=sorted(shipped("en")))


@bp.post("/policies/levels/<int:level_id>")
@roles_required("admin")
def level_edit(level_id: int) -> Any:
    form = request.form
    try:
        with transaction() as s:
            update_level(s, level_id, days=int(form.get("days", "x")),
                         channel=form.get("channel", ""), template=form.get("template", ""),
                         attach_statement=form.get("attach_statement") == "on",
                         min_amount=form.get("min_amount", "0"), actor=current_user.username)
    except ValueError:
        flash(_("Days must be a whole number."), "error")
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Level saved."), "success")
    return redirect(url_for("collections.policies"))


@bp.route("/templates")
@roles_required("admin")
def templates() -> str:
    return render_template("collections/templates.html", keys=sorted(shipped("en")),
                           languages=LANGUAGES)


@bp.route("/templates/<key>/<language>", methods=["GET", "POST"])
@roles_required("admin")
def template_edit(key: str, language: str) -> Any:
    if language not in LANGUAGES or key not in shipped("en"):
        return redirect(url_for("collections.templates"))
    source = template_source(db_session(), key, language)
    if request.method == "POST":
        source = {p: request.form.get(p, "") for p in PARTS}
        if request.form.get("action") == "save":
            try:
                with transaction() as s:
                    save_template(s, key, language, source, sample_context(language),
                                  actor=current_user.username)
            except TemplateProblem as exc:
                flash(str(exc), "error")
            else:
                flash(_("Template saved."), "success")
                return redirect(url_for("collections.template_edit", key=key,
                                        language=language))
    try:
        rendered, problem = render(source, sample_context(language)), None
    except TemplateProblem as exc:
        rendered, problem = None, str(exc)
    return render_template("collections/template_edit.html", key=key, language=language,
                           source=source, rendered=rendered, problem=problem)


@bp.route("/suppressions", methods=["GET", "POST"])
@roles_required(*_SENDERS)
def suppressions() -> Any:
    if request.method == "POST":
        address = request.form.get("address", "").strip()
        if address:
            with transaction() as s:
                suppress(s, address, "opt_out", actor=current_user.username,
                         detail=request.form.get("detail") or None)
            flash(_("No more reminders go to that address."), "success")
        return redirect(url_for("collections.suppressions"))
    rows = db_session().scalars(sa.select(Suppression).order_by(Suppression.id.desc())).all()
    return render_template("collections/suppressions.html", rows=rows)
