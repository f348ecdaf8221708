"""A collector's records on the customer page: promises to pay, disputes (which pause reminders
for their invoice), the contact log with its follow-ups, and "my follow-ups today".

Their own blueprint, kept apart from the customer master so each module says one thing;
only roles that work with customers (``CONTACT_ROLES``) may write them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from recon.collections import promises
from recon.errors import ServiceError
from recon.models import Customer
from web.auth import require_login, roles_required
from web.context import db_session, transaction
from web.customers import CONTACT_ROLES, done, failed

__all__ = ["bp"]

bp = Blueprint("customer_records", __name__)
require_login(bp)


def _date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def _int(name: str) -> int | None:
    raw = request.form.get(name, "")
    return int(raw) if raw.isdigit() else None


@bp.post("/customers/<int:customer_id>/promises")
@roles_required(*CONTACT_ROLES)
def promise(customer_id: int) -> Any:
    try:
        day = _date("promised_date")
        if day is None:
            raise ServiceError(_("Give the date the customer promised to pay."))
        amount = Decimal(request.form.get("amount", "").strip())
        with transaction() as s:
            customer = s.get_one(Customer, customer_id)
            promises.add_promise(s, customer, promised_date=day, amount=amount,
                                 currency=request.form.get("currency", "").upper()[:3],
                                 invoice_id=_int("invoice_id"), note=request.form.get("note"),
                                 actor=current_user.username)
    except (ServiceError, InvalidOperation) as exc:
        return failed(customer_id, exc if isinstance(exc, ServiceError)
                       else ServiceError(_("The amount is not a number.")))
    return done(customer_id, _("Promise recorded."))


@bp.post("/customers/<int:customer_id>/disputes")
@roles_required(*CONTACT_ROLES)
def dispute(customer_id: int) -> Any:
    try:
        with transaction() as s:
            promises.add_dispute(s, s.get_one(Customer, customer_id), _int("invoice_id") or 0,
                                 request.form.get("reason", ""), actor=current_user.username)
    except ServiceError as exc:
        return failed(customer_id, exc)
    return done(customer_id, _("Dispute recorded; reminders for that invoice pause."))


@bp.post("/customers/<int:customer_id>/disputes/<int:dispute_id>/resolve")
@roles_required(*CONTACT_ROLES)
def resolve(customer_id: int, dispute_id: int) -> Any:
    try:
        with transaction() as s:
            promises.resolve_dispute(s, dispute_id, request.form.get("resolution", ""),
                                     actor=current_user.username)
    except ServiceError as exc:
        return failed(customer_id, exc)
    return done(customer_id, _("Dispute resolved."))


@bp.post("/customers/<int:customer_id>/log")
@roles_required(*CONTACT_ROLES)
def log(customer_id: int) -> Any:
    try:
        with transaction() as s:
            promises.log_contact(s, s.get_one(Customer, customer_id),
                                 request.form.get("kind", "call"),
                                 request.form.get("summary", ""), actor=current_user.username,
                                 follow_up_on=_date("follow_up_on"),
                                 assigned_to=request.form.get("assigned_to") or None)
    except ServiceError as exc:
        return failed(customer_id, exc)
    return done(customer_id, _("Logged."))


@bp.post("/followups/<int:entry_id>/done")
@roles_required(*CONTACT_ROLES)
def follow_up_done(entry_id: int) -> Any:
    with transaction() as s:
        promises.complete_follow_up(s, entry_id, actor=current_user.username)
    flash(_("Follow-up done."), "success")
    return redirect(url_for("customer_records.follow_ups"))


@bp.route("/followups")
@roles_required(*CONTACT_ROLES)
def follow_ups() -> str:
    today = dt.date.today()
    due = promises.follow_ups_due(db_session(), current_user.username, today)
    return render_template("customers/followups.html", due=due, today=today)
