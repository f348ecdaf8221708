"""Daily run, credit step: recompute every customer's credit profile and take the KPIs.

One transaction for the recompute, then a read for the KPIs. The credit area must never stop
the reconciliation run: an unexpected error is logged and reported in the summary's ``credit``
entry (``error``) instead of failing the run. Returns the JSON-ready summary entry: counts per
tier, holds, the alerts (a customer over its limit or dropped a tier) and the headline KPIs.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from recon.credit.config import CreditSettings
from recon.credit.fx import Converter, rates_on
from recon.credit.kpis import portfolio_kpis
from recon.credit.ledger import load_ledger
from recon.credit.profiles import recompute
from recon.credit.tiers import reason_text
from recon.models import Customer
from recon.money import from_minor

__all__ = ["alert_text", "credit_step"]

log = logging.getLogger(__name__)


def _kpis(session: Session, day: dt.date, base: str) -> dict[str, Any]:
    led = load_ledger(session)
    k = portfolio_kpis(led, day, Converter(led.currencies, rates_on(session, day, base), base))
    r = lambda v: None if v is None else round(v, 1)  # noqa: E731
    return {"base": base, "receivables": str(from_minor(k.receivables_minor, base)),
            "dso": r(k.dso), "dso_countback": r(k.dso_countback), "cei": r(k.cei),
            "avg_days_delinquent": r(k.avg_days_delinquent),
            "missing_rates": list(k.missing_rates)}


def _named(session: Session, alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = {a["customer_id"] for a in alerts}
    names = {i: (e, n) for i, e, n in session.execute(
        select(Customer.id, Customer.external_id, Customer.name).where(Customer.id.in_(ids)))}
    return [{**a, "external_id": names[a["customer_id"]][0], "name": names[a["customer_id"]][1]}
            for a in alerts]


def credit_step(factory: sessionmaker[Session], *, day: dt.date, actor: str) -> dict[str, Any]:
    """Recompute profiles as of ``day``; the summary entry (see module docstring)."""
    try:
        settings = CreditSettings.from_env()
        with factory.begin() as session:
            result = recompute(session, as_of=day, actor=actor, settings=settings)
        with factory() as session:
            out = result.to_dict()
            out["alerts"] = _named(session, result.alerts)
            out["kpis"] = _kpis(session, day, settings.base_currency)
        return out
    except Exception as exc:  # the run's own work must not be lost to a credit bug
        log.exception("credit step failed")
        return {"error": f"{type(exc).__name__}: {exc}"}


def alert_text(alert: dict[str, Any], base: str) -> str:
    """One alert in words for the run summary."""
    who = f"{alert.get('external_id', alert['customer_id'])} {alert.get('name', '')}".strip()
    if alert["kind"] == "over_limit":
        return (f"{who} is over its credit limit: exposure "
                f"{from_minor(alert['exposure_minor'], base)} > limit "
                f"{from_minor(alert['limit_minor'], base)} {base}")
    reasons = ", ".join(reason_text(r) for r in alert.get("reasons", []))
    return f"{who} dropped from tier {alert['from'] or '-'} to {alert['to']}: {reasons}"
