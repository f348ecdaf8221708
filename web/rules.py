"""Web layer: the rules page — rules people write from their hand work, with hit counts and
each rule's history.

``GET /rules`` lists the rules (conditions and outcome in words, hits, last hit, who made it,
its audit trail) and a form to add one, pre-filled from the query string (the triage screen
links here after a hand match with the payer and the customer). ``POST /rules`` stores one
(clerk, approver); a mistake answers 422 with the message beside the form and the values kept.
``POST /rules/<id>/active`` switches a rule on or off. State changes only through
``recon.rules.store``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from recon.errors import ServiceError
from recon.models import RULE_CATEGORIES, AuditEvent, Customer
from recon.rules import store
from web.auth import require_login, roles_required
from web.context import db_session, transaction
from web.labels import plain
from web.triage_forms import FormError, parse_amount

__all__ = ["bp"]

bp = Blueprint("rules", __name__, url_prefix="/rules")
require_login(bp)
FIELDS = ("name", "payer", "text", "min", "max", "currency", "outcome", "customer", "category",
          "clearing")  # fmt: skip


def _page(form: dict[str, str], error: tuple[str, str] | None = None, status: int = 200) -> Any:
    session = db_session()
    rules = store.list_rules(session)
    customers = {
        c.id: c
        for c in session.scalars(
            sa.select(Customer).where(
                Customer.id.in_({r.customer_id for r in rules if r.customer_id})
            )
        )
    }
    history = {}
    if rules:
        events = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.object_type == "rule",
                                        AuditEvent.object_id.in_([str(r.id) for r in rules]))
            .order_by(AuditEvent.id.desc()).limit(500))  # fmt: skip
        for ev in events:
            history.setdefault(int(ev.object_id), []).append(ev)
    return render_template(
        "rules/index.html",
        rules=rules,
        customers=customers,
        form=form,
        error=error,
        history=history,
        categories=RULE_CATEGORIES,
    ), status


@bp.get("")
def index() -> Any:
    return _page({k: request.args.get(k, "") for k in FIELDS})


def _customer(session: Any, text: str) -> int:
    text = text.strip()
    if not text:
        raise FormError("customer", _("Name the customer."))
    found = session.scalars(sa.select(Customer).where(sa.or_(
        sa.func.lower(Customer.name) == text.lower(),
        sa.func.lower(Customer.external_id) == text.lower())).limit(2)).all()  # fmt: skip
    if len(found) != 1:
        raise FormError("customer", _("No single customer is named “%(name)s”.", name=text[:60]))
    return found[0].id


def _spec(session: Any, form: dict[str, str]) -> store.RuleSpec:
    outcome = form.get("outcome", "")
    return store.RuleSpec(
        name=form.get("name", ""), outcome=outcome,
        payer_contains=form.get("payer"), text_contains=form.get("text"),
        min_amount=parse_amount(form.get("min"), "min", required=False),
        max_amount=parse_amount(form.get("max"), "max", required=False),
        currency=(form.get("currency") or "").strip().upper() or None,
        customer_id=_customer(session, form.get("customer", "")) if outcome == "customer" else None,
        category=form.get("category") or None, clearing_account=form.get("clearing"),
    )  # fmt: skip


@bp.post("")
@roles_required("clerk", "approver")
def create() -> Any:
    form = {k: request.form.get(k, "") for k in FIELDS}
    try:
        with transaction() as session:
            rule = store.create_rule(session, _spec(session, form), actor=current_user.username)
            name = rule.name
    except FormError as exc:
        return _page({**form, "field": exc.field}, ("error", exc.message), 422)
    except ServiceError as exc:
        return _page(form, ("error", plain(str(exc))), 422)
    flash(_("Rule “%(name)s” saved: the next matching run applies it.", name=name), "success")
    return redirect(url_for("rules.index"))


@bp.post("/<int:rule_id>/active")
@roles_required("clerk", "approver")
def toggle(rule_id: int) -> Any:
    active = request.form.get("active") == "1"
    with transaction() as session:
        store.set_active(session, rule_id, active, actor=current_user.username)
    flash(_("Rule switched on.") if active else _("Rule switched off."), "success")
    return redirect(url_for("rules.index"))
