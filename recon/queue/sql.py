"""SQL of the exception queue (service layer): one selectable of every receipt with its cause.

``items_subquery()`` is a UNION ALL of bank credit lines and gateway charges with the columns
``kind, id, cause_rank, suggestion_id, confidence, account, currency, unapplied_minor, booked,
payer, text``. ``cause_rank`` indexes ``CAUSES``: one CASE over the line's flags and the text of
the latest open suggestion's ``reasons``/``alternatives`` JSON (substring tests; see
``recon.queue.listing`` for the data contract), so the database filters, groups and counts by
cause. The latest suggestion is found per receipt through the ``(receipt, status, id)`` indexes
of migration 0006. Raises nothing itself.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pycountry
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from recon.models import ACTIVE_STATUSES, BankAccount, GatewayTransaction, Match, StatementLine
from recon.money import is_iso4217, minor_units

__all__ = ["CAUSES", "cause_case", "exponent_of", "items_subquery", "reason_patterns"]

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
    """Substrings that find ``(feature, level)`` in the JSON text: (dict form, list form).

    The dict form names the level only (key order may vary; these levels are unique to their
    feature in ``matching.levels``), the list form ``[feature, level, ...]`` both.
    """
    return (f'"level": "{level}"', f'["{feature}", "{level}"')


class Contains(sa.sql.functions.GenericFunction):
    """Position of a substring (case-sensitive, 0 when absent): cheaper than LIKE '%..%'."""

    name = "queue_contains"
    type = sa.Integer()
    inherit_cache = True


@compiles(Contains)
def _contains_default(element: Contains, compiler: Any, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(Contains, "postgresql")
def _contains_pg(element: Contains, compiler: Any, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def _has_reason(
    reasons: sa.ColumnElement[str],
    as_list: sa.ColumnElement[bool],
    feature: str,
    levels: tuple[str, ...],
) -> sa.ColumnElement[bool]:
    """Only the patterns of the stored form are tested (half the substring searches)."""
    pats = [reason_patterns(feature, level) for level in levels]
    in_dicts = sa.or_(*(Contains(reasons, d) > 0 for d, _ in pats))
    in_lists = sa.or_(*(Contains(reasons, li) > 0 for _, li in pats))
    return sa.or_(sa.and_(as_list, in_lists), sa.and_(sa.not_(as_list), in_dicts))


def cause_case(
    duplicate: sa.ColumnElement[bool] | bool,
    suggestion_id: sa.ColumnElement[int],
    reasons: sa.ColumnElement[str],
    alternatives: sa.ColumnElement[str],
) -> sa.ColumnElement[int]:
    """The cause of an item as its index in ``CAUSES`` (one SQL CASE, evaluated once)."""
    whens: list[tuple[sa.ColumnElement[bool], str]] = []
    if not isinstance(duplicate, bool):
        whens.append((duplicate == sa.true(), "possible_duplicate"))
    whens.append((suggestion_id.is_(None), "unknown_payer"))
    whens.append((sa.func.coalesce(alternatives, "[]").not_in(["[]", "null"]), "ambiguous"))
    as_list = sa.func.substr(reasons, 1, 2) == "[["
    for cause, feature, levels in _REASON_RULES:
        whens.append((_has_reason(reasons, as_list, feature, levels), cause))
    rank = sa.case(
        *((cond, CAUSES.index(name)) for cond, name in whens),
        else_=CAUSES.index("low_confidence"),
    )
    return rank


@lru_cache(maxsize=1)
def _non_two_exponents() -> dict[str, int]:
    codes = (c.alpha_3 for c in pycountry.currencies)
    return {c: minor_units(c) for c in codes if is_iso4217(c) and minor_units(c) != 2}


def exponent_of(currency: sa.ColumnElement[str]) -> sa.ColumnElement[int]:
    """The currency's number of decimals as SQL (2 unless listed), for amount search."""
    table = _non_two_exponents()
    return sa.case(table, value=currency, else_=2) if table else sa.literal(2)


def _latest(column: sa.ColumnElement[int], receipt_id: sa.ColumnElement[int]):
    """The id of the receipt's latest open suggestion (an index lookup per receipt).

    A grouped subquery hash-joined is up to 2x faster on PostgreSQL with fresh statistics, but
    right after a bulk insert (stale statistics) the planner nests it per row and a page takes
    seconds; the per-row index lookup has no such cliff on either backend.
    """
    return (
        sa.select(sa.func.max(Match.id))
        .where(column == receipt_id, Match.status == "suggested")
        .scalar_subquery()
    )


def _columns(kind: str, receipt_id: sa.ColumnElement[int], duplicate: Any) -> tuple[list[Any], Any]:
    sugg = sa.orm.aliased(Match, name=f"{kind}_sugg")
    rank = cause_case(
        duplicate,
        sugg.id,
        sa.cast(sugg.reasons, sa.Text),
        sa.cast(sugg.alternatives, sa.Text),
    )
    return [
        sa.literal(kind).label("kind"),
        receipt_id.label("id"),
        rank.label("cause_rank"),
        sugg.id.label("suggestion_id"),
        sugg.confidence.label("confidence"),
    ], sugg


def _lines(open_only: bool) -> sa.Select:
    sl = StatementLine
    head, sugg = _columns("line", sl.id, sl.possible_duplicate)
    stmt = (
        sa.select(
            *head,
            BankAccount.account_key.label("account"),
            sl.currency.label("currency"),
            (sl.amount_minor - sl.allocated_minor).label("unapplied_minor"),
            sl.booking_date.label("booked"),
            sl.counterparty_name.label("payer"),
            sa.func.coalesce(sl.remittance, sl.bank_ref).label("text"),
        )
        .join(BankAccount, BankAccount.id == sl.bank_account_id)
        .outerjoin(sugg, sugg.id == _latest(Match.statement_line_id, sl.id))
        .where(sl.amount_minor > 0)
    )
    if open_only:  # the terms of the partial index ix_statement_line_queue_open
        stmt = stmt.where(
            sl.allocated_minor < sl.amount_minor,
            sl.disposition.is_(None),
            sl.status == "booked",
            ~_paired_deposit(sl.id),
        )
    return stmt


def _paired_deposit(line_id: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """The line is the bank deposit of a gateway payout (a confirmed payout_deposit match):
    nothing of it is left to clear, whatever its ``allocated_minor`` says (issue #12)."""
    return sa.exists().where(
        Match.statement_line_id == line_id,
        Match.kind == "payout_deposit",
        Match.status.in_(ACTIVE_STATUSES),
    )


def _charges(open_only: bool) -> sa.Select:
    gt = GatewayTransaction
    head, sugg = _columns("charge", gt.id, False)
    stmt = (
        sa.select(
            *head,
            gt.gateway.label("account"),
            gt.currency.label("currency"),
            (gt.gross_minor - gt.allocated_minor).label("unapplied_minor"),
            sa.func.date(gt.occurred_at, type_=sa.Date).label("booked"),
            gt.payer_hint.label("payer"),
            sa.func.coalesce(gt.order_ref, gt.gateway_id).label("text"),
        )
        .outerjoin(sugg, sugg.id == _latest(Match.gateway_txn_id, gt.id))
        .where(gt.kind == "charge", gt.gross_minor > 0)
    )
    if open_only:  # the terms of the partial index ix_gateway_transaction_queue_open
        stmt = stmt.where(gt.allocated_minor < gt.gross_minor, gt.status == "succeeded")
    return stmt


@lru_cache(maxsize=2)
def items_subquery(*, open_only: bool = True) -> sa.Subquery:
    """Every receipt (only those with money left to clear when ``open_only``) as one selectable.

    Built once per process: SQL constructs are immutable, so the queue's queries reuse it.
    """
    return sa.union_all(_lines(open_only), _charges(open_only)).subquery("queue_items")
