"""Rule storage (service layer, never commits): create, switch on or off, list.

A rule needs at least one text condition (payer contains / text contains; an amount range and a
currency may narrow it) and exactly one outcome: a customer, a category (other income, bank
charges, transfer) or a clearing account. Every change writes an audit event. Raises
``InvariantError`` for a rule that cannot work and ``NotFound`` for an unknown rule or customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon import audit
from recon.errors import Codes, InvariantError, NotFound
from recon.models import RULE_CATEGORIES, RULE_OUTCOMES, Customer, Rule
from recon.money import to_minor

__all__ = ["RuleSpec", "create_rule", "list_rules", "set_active", "snapshot"]


@dataclass(frozen=True)
class RuleSpec:
    name: str
    outcome: str  # one of RULE_OUTCOMES
    payer_contains: str | None = None
    text_contains: str | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    currency: str | None = None
    customer_id: int | None = None
    category: str | None = None
    clearing_account: str | None = None


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text[:120] or None


def _check(session: Session, spec: RuleSpec) -> None:
    if spec.outcome not in RULE_OUTCOMES:
        raise InvariantError("a rule leads to one of %(choices)s", code="bad_outcome",
                             choices=Codes(RULE_OUTCOMES))
    if not (_clean(spec.payer_contains) or _clean(spec.text_contains)):
        raise InvariantError("a rule needs a payer or a text to look for", code="condition_missing")
    if spec.outcome == "customer" and (
        spec.customer_id is None or session.get(Customer, spec.customer_id) is None
    ):
        raise NotFound("the rule's customer does not exist", code="customer_not_found")
    if spec.outcome == "category" and spec.category not in RULE_CATEGORIES:
        raise InvariantError("a category is one of %(choices)s", code="bad_category",
                             choices=Codes(RULE_CATEGORIES))
    if spec.outcome == "clearing" and not _clean(spec.clearing_account):
        raise InvariantError("name the clearing account", code="clearing_missing")
    low, high = spec.min_amount, spec.max_amount
    if low is not None and high is not None and low > high:
        raise InvariantError("the lowest amount is above the highest", code="bad_range")
    if (low is not None or high is not None) and not spec.currency:
        raise InvariantError("an amount range needs a currency", code="currency_missing")


def create_rule(session: Session, spec: RuleSpec, *, actor: str) -> Rule:
    """Store a new active rule (audited)."""
    _check(session, spec)
    cur = spec.currency.upper() if spec.currency else None
    rule = Rule(
        name=(spec.name or "").strip()[:120] or _default_name(spec),
        payer_contains=_clean(spec.payer_contains), text_contains=_clean(spec.text_contains),
        min_minor=to_minor(spec.min_amount, cur) if spec.min_amount is not None and cur else None,
        max_minor=to_minor(spec.max_amount, cur) if spec.max_amount is not None and cur else None,
        currency=cur, outcome=spec.outcome,
        customer_id=spec.customer_id if spec.outcome == "customer" else None,
        category=spec.category if spec.outcome == "category" else None,
        clearing_account=_clean(spec.clearing_account) if spec.outcome == "clearing" else None,
        active=True, hits=0, created_by=actor,
    )  # fmt: skip
    session.add(rule)
    audit.record(session, actor=actor, action="rule.create", obj=rule, after=snapshot(rule))
    return rule


def _default_name(spec: RuleSpec) -> str:
    return " / ".join(x for x in (_clean(spec.payer_contains), _clean(spec.text_contains)) if x)


def set_active(session: Session, rule_id: int, active: bool, *, actor: str) -> Rule:
    rule = session.get(Rule, rule_id, with_for_update=True)
    if rule is None:
        raise NotFound("rule %(id)s does not exist", code="rule_not_found", id=rule_id)
    before = snapshot(rule)
    rule.active = active
    audit.record(session, actor=actor, action="rule.enable" if active else "rule.disable",
                 obj=rule, before=before, after=snapshot(rule))  # fmt: skip
    return rule


def list_rules(session: Session) -> list[Rule]:
    return list(session.scalars(sa.select(Rule).order_by(Rule.active.desc(), Rule.id)))


def snapshot(rule: Rule) -> dict[str, object]:
    return {
        "name": rule.name, "payer_contains": rule.payer_contains,
        "text_contains": rule.text_contains, "min_minor": rule.min_minor,
        "max_minor": rule.max_minor, "currency": rule.currency, "outcome": rule.outcome,
        "customer_id": rule.customer_id, "category": rule.category,
        "clearing_account": rule.clearing_account, "active": rule.active,
    }  # fmt: skip
