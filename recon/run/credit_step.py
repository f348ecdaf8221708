"""Daily run, credit step: recompute every customer's credit profile and take the KPIs.

One transaction for the recompute, then a read for the KPIs. The credit area must never stop
the reconciliation run: an unexpected error is logged and reported in the summary's ``credit``
entry (``error``) instead of failing the run. Returns the JSON-ready summary entry: counts per
tier, holds, the alerts (a customer over its limit or dropped a tier), the KPIs (headline
figures, 回款率 by month, aging in the base currency with the rate dates, top overdue
customers; amounts in base minor units) and the 13-week forecast with its calibrated band
(``forecast``; its own ``error`` when it cannot be computed). The daily report shows them in
its language (``recon.reports.present``).
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
from recon.models import Customer
from recon.money import from_minor

__all__ = ["alert_text", "credit_step"]

log = logging.getLogger(__name__)


def _kpis(session: Session, day: dt.date, base: str) -> dict[str, Any]:
    led = load_ledger(session)
    k = portfolio_kpis(led, day, Converter(led.currencies, rates_on(session, day, base), base),
                       top=5)
    r = lambda v: None if v is None else round(v, 1)  # noqa: E731
    names = _names(session, [t["customer_id"] for t in k.top_overdue])
    return {"base": base, "receivables": str(from_minor(k.receivables_minor, base)),
            "dso": r(k.dso), "dso_countback": r(k.dso_countback), "cei": r(k.cei),
            "avg_days_delinquent": r(k.avg_days_delinquent),
            "missing_rates": list(k.missing_rates), "rate_days": dict(k.rate_days),
            "collection_by_month": k.collection_by_month[-6:], "aging": k.aging,
            "top_overdue": [{**t, "external_id": names.get(t["customer_id"], ("", ""))[0],
                             "name": names.get(t["customer_id"], ("", ""))[1]}
                            for t in k.top_overdue]}


def _names(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    return {i: (e, n) for i, e, n in session.execute(
        select(Customer.id, Customer.external_id, Customer.name).where(Customer.id.in_(ids)))}


def _forecast(session: Session, day: dt.date, settings: CreditSettings) -> dict[str, Any]:
    """The base-currency curve of ``recon.forecast.service.forecast`` in whole minor units."""
    from recon.forecast.service import forecast

    try:
        fc = forecast(session, as_of=day, settings=settings)
    except Exception as exc:  # the credit figures stand without the forecast
        log.exception("forecast in the credit step failed")
        return {"error": f"{type(exc).__name__}: {exc}"}
    c, cal = fc.base_curve, fc.calibration
    whole = lambda a: [round(float(v)) for v in a]  # noqa: E731
    return {"weeks": [w.isoformat() for w in fc.weeks], "expected": whole(c.weekly),
            "low": whole(c.low), "high": whole(c.high), "later": round(c.later),
            "open_invoices": fc.open_invoices, "band_factor": round(cal.factor, 3),
            "band_origins": len(cal.origins)}


def _named(session: Session, alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = _names(session, list({a["customer_id"] for a in alerts}))
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
            out["forecast"] = _forecast(session, day, settings)
        return out
    except Exception as exc:  # the run's own work must not be lost to a credit bug
        log.exception("credit step failed")
        return {"error": f"{type(exc).__name__}: {exc}"}


def alert_text(alert: dict[str, Any], base: str, lang: str = "en") -> str:
    """One alert in words for the run summary (``recon.reports.present.alert_words``)."""
    from recon.reports.i18n import words
    from recon.reports.present import alert_words

    return alert_words(alert, base, words(lang))
