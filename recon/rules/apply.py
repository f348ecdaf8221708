"""Applying the active rules (service layer, never commits): the matcher run and the daily run
call ``apply_rules`` once after matching.

A rule only touches a bank credit nothing else has claimed: booked, nothing applied yet, no
disposition, not flagged as a possible duplicate, no open suggestion and no confirmed match. So
the matcher's own evidence always wins, and a person's work is never overwritten. Outcomes go
through the money services: a category or a clearing account books the whole credit as an
adjustment (``recon.allocation.adjustments``: other income, bank charges, or a transfer naming
the clearing account); a customer rule proposes that customer's oldest open invoice of the
same amount as a *suggestion* for a person to confirm (a rule names the customer, not the
invoice). Rules run oldest first; the first that fits a credit takes it. Each hit counts on the
rule and is audited. Raises nothing of its own; a refused credit is skipped and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon import audit
from recon.allocation import adjustments, allocations
from recon.allocation.allocations import AllocationSpec
from recon.db.types import utcnow
from recon.errors import ServiceError
from recon.models import ACTIVE_STATUSES, OPEN_INVOICE_STATUSES, Invoice, Match, Rule, StatementLine

__all__ = ["RULE_CONFIDENCE", "RuleReport", "apply_rules", "matching_lines"]

# A customer rule's suggestion: below any auto threshold, it waits for a person.
RULE_CONFIDENCE = 0.5
_NO_LIMIT = Decimal("1e18")  # categories are never write-offs, so no approval limit applies


@dataclass
class RuleReport:
    hits: int = 0
    booked: int = 0  # credits booked to a category or clearing account
    suggested: int = 0  # customer suggestions made
    errors: list[str] = field(default_factory=list)


def matching_lines(rule: Rule) -> sa.Select:
    """The unclaimed bank credits ``rule`` fits, oldest first."""
    sl = StatementLine
    claimed = sa.exists().where(
        Match.statement_line_id == sl.id, Match.status.in_(("suggested", *ACTIVE_STATUSES))
    )
    stmt = sa.select(sl).where(
        sl.amount_minor > 0, sl.allocated_minor == 0, sl.disposition.is_(None),
        sl.status == "booked", sl.possible_duplicate.is_(False), ~claimed,
    )  # fmt: skip
    if rule.payer_contains:
        stmt = stmt.where(
            sa.func.lower(sl.counterparty_name).contains(
                rule.payer_contains.lower(), autoescape=True
            )
        )
    if rule.text_contains:
        stmt = stmt.where(
            sa.func.lower(sl.remittance).contains(rule.text_contains.lower(), autoescape=True)
        )
    if rule.currency:
        stmt = stmt.where(sl.currency == rule.currency)
    if rule.min_minor is not None:
        stmt = stmt.where(sl.amount_minor >= rule.min_minor)
    if rule.max_minor is not None:
        stmt = stmt.where(sl.amount_minor <= rule.max_minor)
    return stmt.order_by(sl.booking_date, sl.id)


def apply_rules(session: Session, *, actor: str) -> RuleReport:
    """Every active rule over the unclaimed credits; see the module docstring."""
    report = RuleReport()
    rules = session.scalars(sa.select(Rule).where(Rule.active.is_(True)).order_by(Rule.id)).all()
    for rule in rules:
        for line in session.scalars(matching_lines(rule)).all():
            try:
                with session.begin_nested():
                    done = _apply(session, rule, line, actor)
            except ServiceError as exc:
                report.errors.append(f"rule {rule.id} on line {line.id}: {exc}")
                continue
            if done:
                _hit(session, rule, line, actor, report, done)
    return report


def _apply(session: Session, rule: Rule, line: StatementLine, actor: str) -> str | None:
    reason = f"rule {rule.id}: {rule.name}"
    if rule.outcome == "customer":
        invoice = _invoice_for(session, rule.customer_id, line)
        if invoice is None:
            return None
        allocations.create_match(
            session, receipt=line, allocations=[AllocationSpec(invoice.id, line.unapplied)],
            status="suggested", actor=actor, confidence=RULE_CONFIDENCE,
            reasons=[{"feature": "rule", "level": "customer", "weight": None, "detail": reason}],
        )  # fmt: skip
        return "suggested"
    kind = rule.category if rule.outcome == "category" else "own_transfer"
    if rule.outcome == "clearing":
        reason = f"clearing account {rule.clearing_account} ({reason})"
    adjustments.add_adjustment(session, kind=kind or "other_income", amount=line.unapplied,
                               actor=actor, limit=_NO_LIMIT, statement_line_id=line.id,
                               reason=reason)  # fmt: skip
    return "booked"


def _invoice_for(session: Session, customer_id: int | None, line: StatementLine) -> Invoice | None:
    open_minor = Invoice.amount_minor - Invoice.paid_minor - Invoice.adjusted_minor
    return session.scalars(
        sa.select(Invoice)
        .where(Invoice.customer_id == customer_id, Invoice.status.in_(OPEN_INVOICE_STATUSES),
               Invoice.currency == line.currency, open_minor == line.unapplied_minor)
        .order_by(Invoice.due_date, Invoice.id)
        .limit(1)
    ).first()  # fmt: skip


def _hit(session: Session, rule: Rule, line: StatementLine, actor: str, report: RuleReport,
         done: str) -> None:  # fmt: skip
    rule.hits += 1
    rule.last_hit_at = utcnow()
    report.hits += 1
    report.booked += done == "booked"
    report.suggested += done == "suggested"
    audit.record(session, actor=actor, action="rule.hit", obj=rule,
                 after={"statement_line": line.id, "outcome": done, "hits": rule.hits})  # fmt: skip
