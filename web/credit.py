"""Web layer, credit: the portfolio (KPIs, aging, 回款率, customers by risk), a customer's credit
page (measures, tier with reasons, limit, exposure, history), the forecast with its 80 % band,
and their CSV/XLSX exports. Any logged-in user reads; approvers and admins override a tier, set
a limit or recompute, each through one ``recon.credit`` service call in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as BaseResponse

from recon.credit import overrides
from recon.credit.config import CreditSettings
from recon.credit.export import (
    FORECAST_COLUMNS,
    LIMIT_COLUMNS,
    forecast_rows,
    limit_rows,
    write_table,
)
from recon.credit.profiles import recompute
from recon.credit.tiers import REASON_TEXT, reason_text
from recon.credit.views import SORTS, current_kpis, customer_credit, history, portfolio
from recon.errors import ServiceError
from recon.forecast.service import forecast
from recon.models import Customer
from recon.money import from_minor, minor_units
from web.auth import require_login, roles_required
from web.charts import band_chart, bar_chart, line_chart
from web.context import db_session, transaction

__all__ = ["bp", "credit_settings", "reason_label"]

bp = Blueprint("credit", __name__, url_prefix="/credit")
require_login(bp)
DECIDERS = ("approver",)
MIMES = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def credit_settings() -> CreditSettings:
    from flask import current_app

    cached = current_app.extensions.get("recon.credit")
    if cached is None:
        cached = current_app.extensions["recon.credit"] = CreditSettings.from_env()
    return cached


@bp.app_template_global()
def reason_label(reason: dict[str, Any]) -> str:
    """A tier reason in the user's language (the zh_Hans catalog translates REASON_TEXT)."""
    return reason_text(reason, _(REASON_TEXT[str(reason["measure"])]))


@bp.app_template_filter("minor_base")
def minor_base(minor: int | None, currency: str) -> Decimal | None:
    return None if minor is None else from_minor(int(minor), currency)


def _file(data: bytes, name: str, fmt: str) -> Response:
    return Response(data, mimetype=MIMES[fmt],
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


@bp.route("/")
def index() -> str:
    session, today, base = db_session(), dt.date.today(), credit_settings().base_currency
    sort = request.args.get("sort", "risk")
    k = current_kpis(session, today=today, base=base)
    months = k.collection_by_month
    names = dict(session.execute(select(Customer.id, Customer.name).where(
        Customer.id.in_([t["customer_id"] for t in k.top_overdue]))).all())
    return render_template(
        "credit/portfolio.html", k=k, names=names, sorts=SORTS,
        sort=sort if sort in SORTS else "risk",
        rows=portfolio(session, sort=sort, today=today),
        aging_chart=bar_chart([a["bucket"] for a in k.aging],
                              [float(from_minor(a["base_minor"], base)) for a in k.aging]),
        rate_chart=line_chart([m["month"][2:] for m in months], [m["rate"] for m in months]),
    )


@bp.route("/customers/<int:customer_id>")
def customer(customer_id: int) -> str:
    session, today = db_session(), dt.date.today()
    data = customer_credit(session, customer_id, today=today,
                           base=credit_settings().base_currency)
    months = history(session, customer_id, today=today)
    chart = bar_chart([m["month"][2:] for m in months], [m["avg_dtp"] or 0 for m in months])
    return render_template("credit/customer.html", c=data, months=months, chart=chart,
                           can_decide=current_user.has_role(*DECIDERS), today=today)


@bp.post("/customers/<int:customer_id>/override")
@roles_required(*DECIDERS)
def override(customer_id: int) -> BaseResponse:
    form, base = request.form, credit_settings().base_currency
    common = {"actor": current_user.username, "base": base, "today": dt.date.today()}
    try:
        until = dt.date.fromisoformat(form["until"]) if form.get("until") else None
        with transaction() as s:
            if form.get("clear"):
                overrides.clear_override(s, customer_id, reason=form.get("reason", ""), **common)
            else:
                overrides.set_override(s, customer_id, tier=form.get("tier", ""),
                                       reason=form.get("reason", ""), until=until, **common)
        flash(_("Tier override saved."), "success")
    except ValueError:
        flash(_("The expiry must be a date."), "error")
    except ServiceError as exc:
        flash(str(exc), "error")
    return redirect(url_for("credit.customer", customer_id=customer_id))


@bp.post("/customers/<int:customer_id>/limit")
@roles_required(*DECIDERS)
def set_limit(customer_id: int) -> BaseResponse:
    raw = (request.form.get("amount") or "").strip()
    try:
        amount = Decimal(raw) if raw else None
        with transaction() as s:
            overrides.set_limit(s, customer_id, amount=amount,
                                reason=request.form.get("reason", ""),
                                actor=current_user.username,
                                base=credit_settings().base_currency, today=dt.date.today())
        flash(_("Credit limit saved."), "success")
    except InvalidOperation:
        flash(_("The limit must be an amount."), "error")
    except ServiceError as exc:
        flash(str(exc), "error")
    return redirect(url_for("credit.customer", customer_id=customer_id))


@bp.post("/recompute")
@roles_required(*DECIDERS)
def recompute_all() -> BaseResponse:
    try:
        with transaction() as s:
            result = recompute(s, as_of=dt.date.today(), actor=current_user.username,
                               settings=credit_settings())
    except IntegrityError:  # another recompute created the same new profiles first
        flash(_("Another recompute was running; nothing was changed. Try again."), "error")
        return redirect(url_for("credit.index"))
    flash(_("Recomputed %(n)d customers.", n=result.customers), "success")
    return redirect(url_for("credit.index"))


@bp.route("/export.<fmt>")
def export(fmt: str) -> Response:
    if fmt not in MIMES:
        abort(404)
    rows = limit_rows(db_session(), today=dt.date.today(), sort=request.args.get("sort", "risk"))
    return _file(write_table(LIMIT_COLUMNS, rows, fmt), "credit-limits", fmt)


@bp.route("/forecast")
def forecast_page() -> str:
    cfg = credit_settings()
    fc = forecast(db_session(), as_of=dt.date.today(), settings=cfg)
    c, base = fc.base_curve, cfg.base_currency
    unit = float(10 ** -minor_units(base))
    chart = band_chart([w.strftime("%m-%d") for w in fc.weeks], list(c.weekly * unit),
                       list(c.low * unit), list(c.high * unit))
    return render_template("credit/forecast.html", fc=fc, chart=chart, base=base)


@bp.route("/forecast/export.<fmt>")
def forecast_export(fmt: str) -> Response:
    if fmt not in MIMES:
        abort(404)
    fc = forecast(db_session(), as_of=dt.date.today(), settings=credit_settings())
    return _file(write_table(FORECAST_COLUMNS, forecast_rows(fc), fmt), "cash-forecast", fmt)
