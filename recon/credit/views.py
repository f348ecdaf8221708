"""What the credit screens, the API and the CLI show: one customer's credit, the portfolio.

``customer_credit(session, id, today=..., base=...)`` is the JSON-ready credit of one customer
(tier in force with reasons, override, limit, exposure, hold, measures, suggested terms);
``portfolio(session, sort=...)`` lists every profile sortable by risk; ``history`` gives a
customer's month-by-month days-to-pay for the chart. Reads only; ``NotFound`` for an unknown
customer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.credit.ledger import NEVER, load_ledger
from recon.credit.limits import hold_reason
from recon.credit.tiers import reason_text, suggested_terms
from recon.errors import NotFound
from recon.models import CreditProfile, Customer
from recon.money import from_minor

__all__ = ["SORTS", "current_kpis", "customer_credit", "history", "latest_run_credit",
           "portfolio", "risk_rank"]

_RANK = {"D": 4, "C": 3, None: 2, "B": 1, "A": 0}
SORTS = ("risk", "exposure", "overdue", "name")


def risk_rank(tier: str | None, hold: bool, overdue_days: float) -> tuple:
    """Sort key, riskiest first: hold, tier, then the oldest overdue invoice."""
    return (-int(hold), -_RANK.get(tier, 2), -overdue_days)


def _money(minor: int | None, cur: str) -> str | None:
    return None if minor is None else str(from_minor(int(minor), cur))


def customer_credit(session: Session, customer_id: int, *, today: dt.date,
                    base: str) -> dict[str, Any]:
    """Everything the credit page and ``GET /api/v1/customers/{id}/credit`` show."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("customer %(id)s does not exist", code="customer_not_found",
                       id=customer_id)
    p = session.scalar(select(CreditProfile).where(CreditProfile.customer_id == customer_id))
    tier = p.tier_on(today) if p else customer.credit_tier
    cur = p.base_currency if p else base
    limit = p.limit_in_force_minor if p else None
    exposure = p.exposure_minor if p else 0
    return {
        "customer_id": customer.id, "external_id": customer.external_id, "name": customer.name,
        "tier": tier, "computed_tier": p.computed_tier if p else None,
        "reasons": [{**r, "text": reason_text(r)} for r in (p.reasons if p else [])],
        "override": None if not (p and p.override_tier) else {
            "tier": p.override_tier, "reason": p.override_reason, "by": p.override_by,
            "until": p.override_until.isoformat() if p.override_until else None,
            "expired": p.tier_on(today) != p.override_tier},
        "currency": cur, "exposure": _money(exposure, cur),
        "limit": _money(limit, cur), "limit_source": None if limit is None else (
            "manual" if p and p.limit_minor is not None else "suggested"),
        "limit_reason": p.limit_reason if p else None,
        "available": None if limit is None else _money(limit - exposure, cur),
        "hold": bool(p.hold) if p else False,
        "hold_reason": hold_reason(tier, exposure, limit),
        "suggested_terms_days": suggested_terms(tier),
        "measures": dict(p.measures) if p else {},
        "computed_at": p.computed_at.isoformat() if p and p.computed_at else None,
    }


def portfolio(session: Session, *, sort: str = "risk", today: dt.date) -> list[dict[str, Any]]:
    """One row per profiled customer, sorted by ``sort`` (one of ``SORTS``)."""
    rows = []
    stmt = select(CreditProfile, Customer).join(Customer,
                                                CreditProfile.customer_id == Customer.id)
    for p, c in session.execute(stmt):
        m = p.measures or {}
        rows.append({
            "customer_id": c.id, "external_id": c.external_id, "name": c.name,
            "tier": p.tier_on(today), "hold": p.hold, "currency": p.base_currency,
            "exposure_minor": p.exposure_minor, "limit_minor": p.limit_in_force_minor,
            "overdue_minor": int(m.get("overdue_minor") or 0),
            "oldest_overdue_days": int(m.get("oldest_overdue_days") or 0),
            "late_share_6m": m.get("late_share_6m"), "avg_dtp_12m": m.get("avg_dtp_12m"),
            "collection_rate_12m": m.get("collection_rate_12m"), "reasons": p.reasons,
        })
    keys = {
        "risk": lambda r: risk_rank(r["tier"], r["hold"], r["oldest_overdue_days"]),
        "exposure": lambda r: -r["exposure_minor"],
        "overdue": lambda r: -r["overdue_minor"],
        "name": lambda r: r["name"].casefold(),
    }
    return sorted(rows, key=keys.get(sort, keys["risk"]))


def history(session: Session, customer_id: int, *, today: dt.date,
            months: int = 12) -> list[dict[str, Any]]:
    """Per month (oldest first): invoices settled, mean days-to-pay and days beyond terms."""
    led = load_ledger(session, customer_id)
    paid = led.paid_day(today.toordinal())
    done = paid != NEVER
    out, end = [], today
    for _ in range(months):
        start = end.replace(day=1)
        inside = done & (paid >= start.toordinal()) & (paid <= end.toordinal())
        n = int(inside.sum())
        out.append({
            "month": start.strftime("%Y-%m"), "settled": n,
            "avg_dtp": float(np.mean((paid - led.inv_issue)[inside])) if n else None,
            "avg_late": float(np.mean(np.maximum(paid - led.inv_due, 0)[inside])) if n else None,
        })
        end = start - dt.timedelta(days=1)
    return out[::-1]


def current_kpis(session: Session, *, today: dt.date, base: str) -> Any:
    """``recon.credit.kpis.portfolio_kpis`` on this database with the rates in force today."""
    from recon.credit.fx import Converter, rates_on
    from recon.credit.kpis import portfolio_kpis

    led = load_ledger(session)
    return portfolio_kpis(led, today, Converter(led.currencies, rates_on(session, today, base),
                                                base))


def latest_run_credit(session: Session) -> dict[str, Any] | None:
    """The credit entry of the newest finished daily run (KPIs, tiers, holds, alerts), cheap
    enough for the dashboard: it reads what the run stored instead of recomputing."""
    from recon.models import ReconRun

    runs = session.scalars(select(ReconRun).where(ReconRun.status.in_(("clean", "attention")))
                           .order_by(ReconRun.id.desc()).limit(5))
    for run in runs:
        entry = (run.counts or {}).get("credit")
        if entry and not entry.get("error"):
            return {**entry, "run_date": run.run_date}
    return None
