"""Dunning policies: the shipped defaults and the choice of a policy by the customer's tier.

A tier's policy is the row whose ``tier`` is the customer's ``credit_tier`` (written by the
credit area, read here only); a customer without a tier, or with a tier that has no policy of
its own, gets the ``default`` policy. ``ensure_policies`` writes the shipped ones once, so a
fresh database reminds sensibly; an admin may change them afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from recon import audit
from recon.models import DunningLevel, DunningPolicy

__all__ = ["DEFAULT_TIER", "SHIPPED", "LevelSpec", "ensure_policies", "levels_of",
           "policies_by_tier", "policy_for", "update_level"]

DEFAULT_TIER = "default"


@dataclass(frozen=True)
class LevelSpec:
    name: str
    days: int
    template: str
    channel: str = "preferred"
    attach_statement: bool = False
    min_amount: str = "0"


_STANDARD = (
    LevelSpec("friendly", -3, "friendly"),
    LevelSpec("due", 0, "due"),
    LevelSpec("overdue 7", 7, "overdue"),
    LevelSpec("overdue 15", 15, "overdue", channel="email", attach_statement=True),
    LevelSpec("final notice", 30, "final", channel="email", attach_statement=True),
)
# Good payers (A) hear less; weak payers (C, D) earlier and more often.
SHIPPED: dict[str, tuple[str, tuple[LevelSpec, ...]]] = {
    DEFAULT_TIER: ("Standard", _STANDARD),
    "A": ("Good payers", (
        LevelSpec("due", 0, "due"),
        LevelSpec("overdue 15", 15, "overdue", channel="email", attach_statement=True),
        LevelSpec("final notice", 30, "final", channel="email", attach_statement=True),
    )),
    "C": ("Watch", (LevelSpec("friendly", -5, "friendly"), *_STANDARD[1:])),
    "D": ("Tight", (
        LevelSpec("friendly", -7, "friendly"),
        LevelSpec("reminder", -3, "friendly"),
        LevelSpec("due", 0, "due"),
        LevelSpec("overdue 3", 3, "overdue"),
        LevelSpec("overdue 7", 7, "overdue", channel="email", attach_statement=True),
        LevelSpec("final notice", 15, "final", channel="email", attach_statement=True),
    )),
}


def ensure_policies(session: Session, *, actor: str = "system") -> int:
    """Create the shipped policies that do not exist yet; returns how many were created."""
    have = set(session.scalars(select(DunningPolicy.tier)))
    created = 0
    for tier, (name, levels) in SHIPPED.items():
        if tier in have:
            continue
        policy = DunningPolicy(tier=tier, name=name)
        session.add(policy)
        for n, spec in enumerate(levels, start=1):
            session.add(DunningLevel(
                policy=policy, level=n, name=spec.name, days=spec.days, channel=spec.channel,
                template=spec.template, attach_statement=spec.attach_statement,
                min_amount=spec.min_amount))
        audit.record(session, actor=actor, action="dunning_policy.create", obj=policy,
                     after={"tier": tier, "levels": len(levels)})
        created += 1
    session.flush()
    return created


def policies_by_tier(session: Session) -> dict[str, DunningPolicy]:
    """Every policy with its levels loaded, by tier."""
    stmt = select(DunningPolicy).options(selectinload(DunningPolicy.levels))
    return {p.tier: p for p in session.scalars(stmt)}


def policy_for(policies: dict[str, DunningPolicy], tier: str | None) -> DunningPolicy | None:
    """The policy of ``tier``, else the default one (None only when there are no policies)."""
    return policies.get(tier or DEFAULT_TIER) or policies.get(DEFAULT_TIER)


def levels_of(policy: DunningPolicy) -> list[DunningLevel]:
    return sorted(policy.levels, key=lambda lv: lv.level)


def update_level(session: Session, level_id: int, *, days: int, channel: str, template: str,
                 attach_statement: bool, min_amount: str, actor: str) -> DunningLevel:
    """An admin's change to one level (audited). Levels stay in order of their days."""
    from decimal import Decimal, InvalidOperation

    from recon.collections.templates import shipped
    from recon.errors import NotFound, ServiceError

    level = session.get(DunningLevel, level_id)
    if level is None:
        raise NotFound("dunning level %(id)s does not exist", code="level_not_found",
                       id=level_id)
    if channel not in ("email", "sms", "preferred"):
        raise ServiceError("channel: %(value)s is not e-mail, SMS or the preferred channel",
                           code="bad_channel", value=channel)
    if template not in shipped("en"):
        raise ServiceError("template: %(value)s is not one of %(choices)s", code="bad_template",
                           value=template, choices=", ".join(shipped("en")))
    try:
        minimum = Decimal(min_amount or "0")
    except InvalidOperation as exc:
        raise ServiceError("minimum amount: %(value)s is not a number", code="bad_amount",
                           value=min_amount) from exc
    if not minimum.is_finite() or minimum < 0:
        raise ServiceError("minimum amount: must be zero or more", code="bad_amount")
    for other in level.policy.levels:
        if other.id != level.id and (other.level < level.level) != (other.days < days):
            raise ServiceError("days: level %(level)s must stay between its neighbours",
                               code="bad_days", level=level.level)
    before = {"days": level.days, "channel": level.channel, "template": level.template,
              "attach_statement": level.attach_statement, "min_amount": level.min_amount}
    level.days, level.channel, level.template = days, channel, template
    level.attach_statement, level.min_amount = attach_statement, str(minimum)
    audit.record(session, actor=actor, action="dunning_level.update", obj=level, before=before,
                 after={"days": days, "channel": channel, "template": template,
                        "attach_statement": attach_statement, "min_amount": str(minimum)})
    return level
