"""SQL of the exception queue (service layer): one selectable of every receipt with its cause.

``items_subquery()`` is a UNION ALL of bank credit lines and gateway charges with the columns
``kind, id, account, currency, exp, unapplied_minor, booked, payer, text, cause, cause_rank,
suggestion_id, confidence``. The cause is a CASE over the line's flags and the text of the
latest open suggestion's ``reasons``/``alternatives`` JSON (see ``recon.services.queue`` for the
data contract), so the database filters, groups and counts by it. Raises nothing itself.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry
import sqlalchemy as sa

from recon.models import GatewayTransaction, Match, StatementLine
from recon.money import is_iso4217, minor_units

__all__ = ["CAUSES", "cause_case", "items_subquery", "reason_patterns"]

# In display (and grouping) order: what a person should look at first comes first.
CAUSES = (
    "possible_duplicate",
    "unknown_payer",
    "ambiguous",
    "fee_gap",
    "amount_mismatch",
    "low_confidence",
)

# (cause, feature, levels): the first rule whose (feature, level) appears in the reasons wins.
_REASON_RULES = (
    ("fee_gap", "amount", ("fee", "fx")),
    ("amount_mismatch", "amount", ("partial", "over", "far")),
    ("unknown_payer", "payer", ("weak", "different", "missing", "rejected")),
)


def reason_patterns(feature: str, level: str) -> tuple[str, str]:
    """LIKE patterns that find ``(feature, level)`` in the JSON text, dict or list form."""
    return (
        f'%"feature": "{feature}", "level": "{level}"%',
        f'%["{feature}", "{level}"%',
    )


def _has_reason(reasons: sa.ColumnElement[str], feature: str, levels: tuple[str, ...]):
    pats = [p for level in levels for p in reason_patterns(feature, level)]
    return sa.or_(*(reasons.like(p) for p in pats))


def cause_case(
    duplicate: sa.ColumnElement[bool] | bool,
    suggestion_id: sa.ColumnElement[int],
    reasons: sa.ColumnElement[str],
    alternatives: sa.ColumnElement[str],
) -> tuple[sa.ColumnElement[str], sa.ColumnElement[int]]:
    """The cause of an item and its rank in ``CAUSES`` as two SQL expressions."""
    whens: list[tuple[sa.ColumnElement[bool], str]] = []
    if not isinstance(duplicate, bool):
        whens.append((duplicate == sa.true(), "possible_duplicate"))
    whens.append((suggestion_id.is_(None), "unknown_payer"))
    whens.append((sa.func.coalesce(alternatives, "[]").not_in(["[]", "null"]), "ambiguous"))
    for cause, feature, levels in _REASON_RULES:
        whens.append((_has_reason(reasons, feature, levels), cause))
    cause = sa.case(*whens, else_="low_confidence")
    rank = sa.case(
        *((cond, CAUSES.index(name)) for cond, name in whens),
        else_=CAUSES.index("low_confidence"),
    )
    return cause, rank


@lru_cache(maxsize=1)
def _non_two_exponents() -> dict[str, int]:
    codes = (c.alpha_3 for c in pycountry.currencies)
    return {c: minor_units(c) for c in codes if is_iso4217(c) and minor_units(c) != 2}


def _exp(currency: sa.ColumnElement[str]) -> sa.ColumnElement[int]:
    table = _non_two_exponents()
    return sa.case(table, value=currency, else_=2) if table else sa.literal(2)


def _latest_suggestion(column: sa.ColumnElement[int], name: str) -> sa.Subquery:
    latest = (
        sa.select(column.label("receipt_id"), sa.func.max(Match.id).label("match_id"))
        .where(Match.status == "suggested", column.is_not(None))
        .group_by(column)
        .subquery(f"{name}_latest")
    )
    return (
        sa.select(
            latest.c.receipt_id,
            Match.id.label("suggestion_id"),
            Match.confidence,
            sa.cast(Match.reasons, sa.Text).label("reasons"),
            sa.cast(Match.alternatives, sa.Text).label("alternatives"),
        )
        .join(Match, Match.id == latest.c.match_id)
        .subquery(f"{name}_sugg")
    )


def _lines(open_only: bool) -> sa.Select:
    sl = StatementLine
    sugg = _latest_suggestion(Match.statement_line_id, "line")
    cause, rank = cause_case(
        sl.possible_duplicate, sugg.c.suggestion_id, sugg.c.reasons, sugg.c.alternatives
    )
    from recon.models import BankAccount

    stmt = (
        sa.select(
            sa.literal("line").label("kind"),
            sl.id.label("id"),
            BankAccount.account_key.label("account"),
            sl.currency.label("currency"),
            _exp(sl.currency).label("exp"),
            (sl.amount_minor - sl.allocated_minor).label("unapplied_minor"),
            sl.booking_date.label("booked"),
            sl.counterparty_name.label("payer"),
            sa.func.coalesce(sl.remittance, sl.bank_ref).label("text"),
            cause.label("cause"),
            rank.label("cause_rank"),
            sugg.c.suggestion_id,
            sugg.c.confidence,
        )
        .join(BankAccount, BankAccount.id == sl.bank_account_id)
        .outerjoin(sugg, sugg.c.receipt_id == sl.id)
        .where(sl.amount_minor > 0)
    )
    if open_only:
        stmt = stmt.where(
            sl.status == "booked",
            sl.allocated_minor < sl.amount_minor,
            sl.disposition.is_(None),
        )
    return stmt


def _charges(open_only: bool) -> sa.Select:
    gt = GatewayTransaction
    sugg = _latest_suggestion(Match.gateway_txn_id, "charge")
    cause, rank = cause_case(False, sugg.c.suggestion_id, sugg.c.reasons, sugg.c.alternatives)
    stmt = (
        sa.select(
            sa.literal("charge").label("kind"),
            gt.id.label("id"),
            gt.gateway.label("account"),
            gt.currency.label("currency"),
            _exp(gt.currency).label("exp"),
            (gt.gross_minor - gt.allocated_minor).label("unapplied_minor"),
            sa.func.date(gt.occurred_at, type_=sa.Date).label("booked"),
            gt.payer_hint.label("payer"),
            sa.func.coalesce(gt.order_ref, gt.gateway_id).label("text"),
            cause.label("cause"),
            rank.label("cause_rank"),
            sugg.c.suggestion_id,
            sugg.c.confidence,
        )
        .outerjoin(sugg, sugg.c.receipt_id == gt.id)
        .where(gt.kind == "charge", gt.gross_minor > 0)
    )
    if open_only:
        stmt = stmt.where(gt.status == "succeeded", gt.allocated_minor < gt.gross_minor)
    return stmt


def items_subquery(*, open_only: bool = True) -> sa.Subquery:
    """Every receipt (only those with money left to clear when ``open_only``) as one selectable."""
    return sa.union_all(_lines(open_only), _charges(open_only)).subquery("queue_items")
