"""Recompute every customer's credit profile and the tier in force (service; never commits).

``recompute(session, as_of=..., actor=..., settings=...)`` loads the ledger, computes the
measures and tiers column-wise, writes one ``CreditProfile`` per customer (measures, computed
tier, reasons, exposure, suggested limit, hold) and copies the tier in force to
``Customer.credit_tier``. It returns the alerts a person should see: a customer that dropped a
tier since the last recompute (not at its first assessment) or went over its limit. Each tier
change and each new hold after a customer's first assessment is audited; the recompute itself
writes one audit event with its counts. Raises nothing of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from recon import audit
from recon.credit.config import CreditSettings
from recon.credit.fx import Converter, rates_on
from recon.credit.inputs import collection_inputs
from recon.credit.ledger import load_ledger
from recon.credit.limits import hold_reason, suggested_limit
from recon.credit.measures import behaviour
from recon.credit.tiers import TIERS, assign_tiers
from recon.db.types import utcnow
from recon.models import CreditProfile, Customer

__all__ = ["Recomputed", "recompute", "tier_worse"]


@dataclass
class Recomputed:
    customers: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    on_hold: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)
    missing_rates: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"customers": self.customers, "tiers": self.tiers, "on_hold": self.on_hold,
                "alerts": self.alerts, "missing_rates": list(self.missing_rates)}


def tier_worse(new: str | None, old: str | None) -> bool:
    """Whether ``new`` is a lower tier than ``old`` (the default tier sits between B and C)."""
    rank = {"A": 0, "B": 1, None: 1.5, "C": 2, "D": 3}
    return rank.get(new, 1.5) > rank.get(old, 1.5)


def recompute(session: Session, *, as_of: dt.date, actor: str,
              settings: CreditSettings) -> Recomputed:
    """Measures, tiers, limits and holds for every customer as of ``as_of`` (see module doc)."""
    ledger = load_ledger(session)
    conv = Converter(ledger.currencies, rates_on(session, as_of, settings.base_currency),
                     settings.base_currency)
    day = as_of.toordinal()
    measures = behaviour(ledger, day, conv, collection_inputs(session, ledger))
    tiers = assign_tiers(measures, settings.rules)
    # locked: an override or limit saved meanwhile waits, so the hold is never from stale data
    existing = {p.customer_id: p for p in session.scalars(
        select(CreditProfile).with_for_update())}
    result = Recomputed(customers=ledger.n_customers, missing_rates=conv.missing)
    now, changed = utcnow(), {}
    for i, cid in enumerate(ledger.customers.tolist()):
        profile = existing.get(cid) or _new_profile(session, cid, settings.base_currency)
        _apply(session, profile, i, measures, tiers, as_of, settings, now, actor, result,
               changed)
    session.flush()
    _write_tiers(session, changed)
    audit.record(session, actor=actor, action="credit.recompute", object_type="credit",
                 object_id=as_of.isoformat(), after={k: v for k, v in result.to_dict().items()
                                                     if k != "alerts"})
    return result


def _write_tiers(session: Session, changed: dict[int, str | None]) -> None:
    """``Customer.credit_tier`` for every customer whose tier in force changed, in one
    executemany, then the loaded customers are told to re-read it."""
    if not changed:
        return
    table = Customer.__table__
    session.execute(update(table).where(table.c.id == bindparam("cid")).values(
        credit_tier=bindparam("tier")), [{"cid": c, "tier": t} for c, t in changed.items()])
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Customer) and obj.id in changed:
            session.expire(obj, ["credit_tier"])


def _new_profile(session: Session, customer_id: int, base: str) -> CreditProfile:
    profile = CreditProfile(customer_id=customer_id, base_currency=base, measures={},
                            reasons=[], exposure_minor=0, hold=False)
    session.add(profile)
    return profile


def _apply(session: Session, p: CreditProfile, i: int, measures: Any, tiers: Any,
           as_of: dt.date, settings: CreditSettings, now: dt.datetime, actor: str,
           result: Recomputed, changed: dict[int, str | None]) -> None:
    old_tier, old_hold, first = p.tier_on(as_of), p.hold, p.computed_at is None
    old_over = hold_reason(None, p.exposure_minor, p.limit_in_force_minor) == "over_limit"
    row = measures.row(i)
    p.measures, p.computed_tier, p.reasons = row, tiers.tiers[i], tiers.reasons[i]
    p.base_currency, p.exposure_minor, p.computed_at = settings.base_currency, row[
        "open_minor"], now
    tier = p.tier_on(as_of)
    p.suggested_limit_minor = suggested_limit(int(row["invoiced_12m_minor"] or 0), tier,
                                              settings.base_currency,
                                              int(row["active_months_12m"] or 12))
    why = hold_reason(tier, p.exposure_minor, p.limit_in_force_minor)
    p.hold = why is not None
    result.tiers[tier or "-"] = result.tiers.get(tier or "-", 0) + 1
    result.on_hold += p.hold
    if tier != old_tier:
        changed[p.customer_id] = tier
        if not first:  # a first assessment is in the recompute's own audit event
            _tier_changed(session, p, old_tier, tier, actor, result)
    if why == "over_limit" and not old_over:
        result.alerts.append({"customer_id": p.customer_id, "kind": "over_limit",
                              "exposure_minor": p.exposure_minor,
                              "limit_minor": p.limit_in_force_minor})
    if p.hold != old_hold and not first:
        audit.record(session, actor=actor, action="credit.hold" if p.hold else "credit.release",
                     obj=p, before={"hold": old_hold}, after={"hold": p.hold, "why": why})


def _tier_changed(session: Session, p: CreditProfile, old: str | None, new: str | None,
                  actor: str, result: Recomputed) -> None:
    audit.record(session, actor=actor, action="credit.tier", obj=p,
                 before={"tier": old}, after={"tier": new, "reasons": p.reasons})
    if tier_worse(new, old) and (old is not None or new in TIERS[2:]):
        result.alerts.append({"customer_id": p.customer_id, "kind": "tier_drop",
                              "from": old, "to": new, "reasons": p.reasons})
