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

__all__ = ["DEFAULT_TIER", "SHIPPED", "LevelSpec", "ensure_policies", "policies_by_tier",
           "policy_for"]

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
