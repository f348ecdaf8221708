"""Web layer for the customer master: the customer list, the customer page (open items with
age, payment history, average days to pay, reminders, promises, disputes, contact log, pay
links), the master edit form, a collector's records, statements to download, "my follow-ups
today", and the admin's export and erase. Contact data is shown only to roles that work with
customers (clerk, approver, admin); a viewer sees it masked. Views call ``recon`` services.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from recon.collections.delivery import statement_html
from recon.customer_statements import build_statement, parse_period
from recon.customer_statements.render import to_pdf, to_xlsx
from recon.customers import (
    CustomerUpdate,
    add_bank_account,
    erase_customer,
    export_customer,
    mask_email,
    mask_phone,
    update_customer,
)
from recon.customers.history import customer_history
from recon.errors import ServiceError
from recon.models import COLLECTION_STATUSES, OPEN_INVOICE_STATUSES, Customer, Invoice
from recon.paylinks.create import PayLinkSettings, create_link
from web.auth import require_login, roles_required
from web.context import db_session, settings, transaction
from web.paging import page_arg, paginate

__all__ = ["CONTACT_ROLES", "bp", "done", "failed"]

bp = Blueprint("customers", __name__)
require_login(bp)
CONTACT_ROLES = ("clerk", "approver", "admin")  # who may see and edit contact data


@bp.app_template_global()
def may_see_contacts() -> bool:
    return bool(current_user.is_authenticated and current_user.has_role(*CONTACT_ROLES))


@bp.app_template_filter("contact")
def contact_filter(value: str | None, kind: str = "email") -> str:
    if may_see_contacts():
        return value or ""
    return mask_phone(value) if kind == "phone" else mask_email(value)


@bp.route("/customers")
def index() -> str:
    open_sum = (sa.select(Invoice.customer_id, sa.func.count().label("n"))
                .where(Invoice.status.in_(OPEN_INVOICE_STATUSES))
                .group_by(Invoice.customer_id).subquery())
    stmt = sa.select(Customer, sa.func.coalesce(open_sum.c.n, 0)).outerjoin(
        open_sum, open_sum.c.customer_id == Customer.id)
    if text := (request.args.get("q") or "").strip()[:64]:
        stmt = stmt.where(sa.or_(Customer.name.ilike(f"%{text}%"),
                                 Customer.external_id.ilike(f"%{text}%")))
    page = paginate(db_session(), stmt.order_by(Customer.name, Customer.id), page_arg())
    return render_template("customers/index.html", page=page)


def _customer(customer_id: int) -> Customer:
    return db_session().get(Customer, customer_id) or abort(404)


@bp.route("/customers/<int:customer_id>")
def page(customer_id: int) -> str:
    customer = _customer(customer_id)
    today = dt.date.today()
    history = customer_history(db_session(), customer, today)
    return render_template("customers/page.html", c=customer, h=history, today=today,
                           statuses=COLLECTION_STATUSES, period=today.strftime("%Y-%m"),
                           paylink_gateways=PayLinkSettings.from_env(settings()).gateways)


@bp.post("/customers/<int:customer_id>/invoices/<int:invoice_id>/paylink")
@roles_required(*CONTACT_ROLES)
def paylink(customer_id: int, invoice_id: int) -> Any:
    try:
        with transaction() as s:
            invoice = s.get(Invoice, invoice_id)
            if invoice is None or invoice.customer_id != customer_id:
                abort(404)
            create_link(s, invoice_id, request.form.get("gateway", ""),
                        PayLinkSettings.from_env(settings()), actor=current_user.username)
    except ServiceError as exc:
        return failed(customer_id, exc)
    return done(customer_id, _("Pay link created."))


def done(customer_id: int, message: str) -> Any:
    flash(message, "success")
    return redirect(url_for("customers.page", customer_id=customer_id))


def failed(customer_id: int, exc: Exception) -> Any:
    flash(str(exc), "error")
    return redirect(url_for("customers.page", customer_id=customer_id))


@bp.post("/customers/<int:customer_id>/edit")
@roles_required(*CONTACT_ROLES)
def edit(customer_id: int) -> Any:
    form = request.form
    terms = form.get("terms_days", "").strip()
    change = CustomerUpdate(
        contact_name=form.get("contact_name", ""), email=form.get("email", ""),
        phone=form.get("phone", ""), language=form.get("language") or None,
        channel=form.get("channel") or None, collection_status=form.get("status") or None,
        terms_days=int(terms) if terms.isdigit() else None, notes=form.get("notes", ""))
    try:
        with transaction() as s:
            update_customer(s, s.get_one(Customer, customer_id), change,
                            actor=current_user.username)
    except ServiceError as exc:
        return failed(customer_id, exc)
    return done(customer_id, _("Customer saved."))


@bp.post("/customers/<int:customer_id>/accounts")
@roles_required(*CONTACT_ROLES)
def account(customer_id: int) -> Any:
    try:
        with transaction() as s:
            add_bank_account(s, s.get_one(Customer, customer_id),
                             request.form.get("account", ""), actor=current_user.username)
    except ServiceError as exc:
        return failed(customer_id, exc)
    return done(customer_id, _("Payer account added."))


@bp.route("/customers/<int:customer_id>/statement")
def statement(customer_id: int) -> Any:
    customer = _customer(customer_id)
    period = request.args.get("period") or dt.date.today().strftime("%Y-%m")
    fmt = request.args.get("format", "html")
    try:
        start, end = parse_period(period)
    except ServiceError as exc:
        abort(400, str(exc))
    name = f"statement-{customer.external_id}-{period}"
    if fmt == "xlsx":
        data = to_xlsx(build_statement(db_session(), customer, start, end),
                       language=customer.language)
        return _download(data, f"{name}.xlsx", "application/vnd.openxmlformats-officedocument."
                         "spreadsheetml.sheet")
    html = statement_html(db_session(), customer, period)
    if fmt == "pdf":
        return _download(to_pdf(html), f"{name}.pdf", "application/pdf")
    return Response(html, mimetype="text/html")


def _download(data: bytes, filename: str, mime: str) -> Response:
    return Response(data, mimetype=mime,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/customers/<int:customer_id>/export")
@roles_required("admin")
def export(customer_id: int) -> Response:
    with transaction() as s:
        data = export_customer(s, s.get_one(Customer, customer_id), actor=current_user.username)
    return _download(json.dumps(data, ensure_ascii=False, indent=2).encode(),
                     f"customer-{customer_id}.json", "application/json")


@bp.post("/customers/<int:customer_id>/erase")
@roles_required("admin")
def erase(customer_id: int) -> Any:
    reason = request.form.get("reason", "").strip()
    if not reason:
        return failed(customer_id, ServiceError(_("Say why the data is erased.")))
    with transaction() as s:
        erase_customer(s, s.get_one(Customer, customer_id), actor=current_user.username,
                       reason=reason)
    return done(customer_id, _("Personal data erased; the accounting records are kept."))

