"""Manual credit decisions: a tier override (reason, expiry) and a manual limit (service).

Each call is audited with before and after, re-derives the hold from the stored exposure, and
keeps ``Customer.credit_tier`` equal to the tier in force. An expired override stops counting on
its own (``CreditProfile.tier_on``); the next recompute writes the computed tier back. Raises
``ServiceError`` (``NotFound`` for an unknown customer) and never commits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recon import audit
from recon.credit.limits import hold_reason, suggested_limit
from recon.credit.tiers import TIERS
from recon.errors import Codes, NotFound, ServiceError
from recon.models import CreditProfile, Customer
from recon.money import MoneyError, to_minor

__all__ = ["clear_override", "profile_for", "set_limit", "set_override"]


def profile_for(session: Session, customer_id: int, base: str, *, lock: bool = False
                ) -> CreditProfile:
    """The customer's profile, created empty when it has none yet (row-locked if ``lock``, so
    two decisions on one customer run one after the other on PostgreSQL, none lost)."""
    if session.get(Customer, customer_id) is None:
        raise NotFound("customer %(id)s does not exist", code="customer_not_found",
                       id=customer_id)
    stmt = select(CreditProfile).where(CreditProfile.customer_id == customer_id)
    stmt = stmt.with_for_update() if lock else stmt
    profile = session.scalar(stmt)
    if profile is None:
        try:  # a concurrent first decision may create it too: the unique key decides
            with session.begin_nested():
                session.add(CreditProfile(customer_id=customer_id, base_currency=base,
                                          measures={}, reasons=[], exposure_minor=0,
                                          hold=False))
        except IntegrityError:
            pass
        profile = session.scalars(stmt).one()
    return profile


def _state(p: CreditProfile, today: dt.date) -> dict[str, object]:
    return {"tier": p.tier_on(today), "override_tier": p.override_tier,
            "override_until": p.override_until, "override_reason": p.override_reason,
            "limit_minor": p.limit_minor, "hold": p.hold}


def _refresh(session: Session, p: CreditProfile, today: dt.date) -> None:
    tier = p.tier_on(today)
    invoiced = int(p.measures.get("invoiced_12m_minor") or 0)
    months = int(p.measures.get("active_months_12m") or 12)
    p.suggested_limit_minor = suggested_limit(invoiced, tier, p.base_currency, months)
    p.hold = hold_reason(tier, p.exposure_minor, p.limit_in_force_minor) is not None
    customer = session.get_one(Customer, p.customer_id)
    customer.credit_tier = tier


def set_override(session: Session, customer_id: int, *, tier: str, reason: str,
                 until: dt.date | None, actor: str, base: str, today: dt.date) -> CreditProfile:
    """Put the customer in ``tier`` until ``until`` (inclusive) whatever its measures say."""
    if tier not in TIERS:
        raise ServiceError("the tier is one of %(choices)s", code="bad_tier",
                           choices=Codes.of(TIERS))
    if not reason.strip():
        raise ServiceError("an override needs a reason", code="reason_missing")
    if until is not None and until < today:
        raise ServiceError("the override's expiry is in the past", code="expiry_past")
    p = profile_for(session, customer_id, base, lock=True)
    before = _state(p, today)
    p.override_tier, p.override_reason, p.override_until, p.override_by = (
        tier, reason.strip(), until, actor)
    _refresh(session, p, today)
    audit.record(session, actor=actor, action="credit.override", obj=p, before=before,
                 after=_state(p, today), reason=reason.strip())
    return p


def clear_override(session: Session, customer_id: int, *, reason: str, actor: str, base: str,
                   today: dt.date) -> CreditProfile:
    p = profile_for(session, customer_id, base, lock=True)
    before = _state(p, today)
    p.override_tier = p.override_reason = p.override_until = p.override_by = None
    _refresh(session, p, today)
    audit.record(session, actor=actor, action="credit.override_cleared", obj=p,
                 before=before, after=_state(p, today), reason=reason or None)
    return p


def set_limit(session: Session, customer_id: int, *, amount: Decimal | None, reason: str,
              actor: str, base: str, today: dt.date) -> CreditProfile:
    """A manual limit in the base currency (None = back to the suggested limit)."""
    if amount is not None and amount < 0:
        raise ServiceError("a credit limit cannot be negative", code="negative_limit")
    try:
        minor = None if amount is None else to_minor(amount, base)
    except MoneyError as exc:
        raise ServiceError("the limit %(amount)s is not an amount in %(currency)s",
                           code="bad_amount", amount=amount, currency=base) from exc
    p = profile_for(session, customer_id, base, lock=True)
    before = _state(p, today)
    p.limit_minor, p.limit_reason = minor, (reason.strip() or None)
    _refresh(session, p, today)
    audit.record(session, actor=actor, action="credit.limit", obj=p, before=before,
                 after=_state(p, today), reason=reason.strip() or None)
    return p
