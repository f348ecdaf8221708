"""SQL of the exception queue (service layer): one selectable of every receipt with its cause.

``items_subquery()`` is a UNION ALL of bank credit lines and gateway charges with the columns
``kind, id, cause_rank, suggestion_id, confidence, account, currency, unapplied_minor, booked,
payer, text``. ``cause_rank`` indexes ``CAUSES`` (= ``recon.models.QUEUE_CAUSES``): one CASE
(``recon.queue.cause_sql``) over the line's duplicate flag, the presence of an open suggestion
and the cause stored on it (``Match.cause``), so the database filters, groups and counts by
cause. The latest suggestion is found per receipt through the ``(receipt, status, id)`` indexes
of migration 0006. Raises nothing itself.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from recon.models import (
    ACTIVE_STATUSES,
    SETTLED_CHARGE_STATUSES,
    BankAccount,
    GatewayTransaction,
    Match,
    MoneyBackItem,
    StatementLine,
)
from recon.queue.cause_sql import applied_cause, cause_case, money_back_rank

__all__ = ["branches", "items_subquery"]


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


def _columns(kind: str, receipt_id: sa.ColumnElement[int], duplicate: Any,
             lateral: bool) -> tuple[list[Any], Any, sa.ColumnElement[bool]]:  # fmt: skip
    """The item's head columns, the suggestion to outer-join and the join's condition.

    ``lateral`` (PostgreSQL): the latest open suggestion as a ``LATERAL`` subquery of one row,
    one backward index scan per receipt that also reads its cause and confidence (measured
    10-15 ms against 22 ms for 9,000 lines), where the id lookup then a join by id made the
    planner hash the whole match table. SQLite has no ``LATERAL``."""
    column = Match.statement_line_id if kind == "line" else Match.gateway_txn_id
    if lateral:
        sugg: Any = (sa.select(Match.id, Match.cause, Match.confidence)
                     .where(column == receipt_id, Match.status == "suggested")
                     .order_by(Match.id.desc()).limit(1).lateral(f"{kind}_sugg"))
        sid, scause, sconf, on = sugg.c.id, sugg.c.cause, sugg.c.confidence, sa.true()
    else:
        sugg = sa.orm.aliased(Match, name=f"{kind}_sugg")
        sid, scause, sconf = sugg.id, sugg.cause, sugg.confidence
        on = sugg.id == _latest(column, receipt_id)
    rank = cause_case(duplicate, sid, scause, applied_cause(column, receipt_id))
    return [
        sa.literal(kind).label("kind"),
        receipt_id.label("id"),
        rank.label("cause_rank"),
        sid.label("suggestion_id"),
        sconf.label("confidence"),
    ], sugg, on


def _lines(open_only: bool, lateral: bool = False) -> sa.Select:
    sl = StatementLine
    head, sugg, on = _columns("line", sl.id, sl.possible_duplicate, lateral)
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
        .outerjoin(sugg, on)
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


def _charges(open_only: bool, lateral: bool = False) -> sa.Select:
    gt = GatewayTransaction
    head, sugg, on = _columns("charge", gt.id, False, lateral)
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
        .outerjoin(sugg, on)
        .where(gt.kind == "charge", gt.gross_minor > 0)
    )
    if open_only:  # the terms of the partial index ix_gateway_transaction_queue_open
        stmt = stmt.where(gt.allocated_minor < gt.gross_minor,
                          gt.status.in_(SETTLED_CHARGE_STATUSES))
    return stmt


def _money_back(kind: str) -> sa.Select:
    """Open ``MoneyBackItem``s (``recon.money_back``) as queue rows of their receipt: money that
    went back after it paid (or a return whose credit is unknown) needs a person although
    nothing of the receipt is unapplied, so their unapplied amount is 0 (cash figures stay
    right) and the text says what happened."""
    mb = MoneyBackItem
    rank = money_back_rank(mb.cause)
    head = [sa.literal(kind).label("kind")]
    tail = [rank.label("cause_rank"), sa.cast(sa.null(), sa.Integer).label("suggestion_id"),
            sa.cast(sa.null(), sa.Float).label("confidence")]
    zero = sa.cast(sa.literal(0), sa.BigInteger).label("unapplied_minor")
    if kind == "line":
        sl = StatementLine
        return (sa.select(*head, sl.id.label("id"), *tail,
                          BankAccount.account_key.label("account"), sl.currency.label("currency"),
                          zero, sl.booking_date.label("booked"),
                          sl.counterparty_name.label("payer"),
                          sa.func.coalesce(mb.detail, sl.remittance).label("text"))
                .join(sl, sl.id == mb.statement_line_id)
                .join(BankAccount, BankAccount.id == sl.bank_account_id)
                .where(mb.status == "open"))
    gt = GatewayTransaction
    return (sa.select(*head, gt.id.label("id"), *tail, gt.gateway.label("account"),
                      gt.currency.label("currency"), zero,
                      sa.func.date(gt.occurred_at, type_=sa.Date).label("booked"),
                      gt.payer_hint.label("payer"),
                      sa.func.coalesce(mb.detail, gt.order_ref).label("text"))
            .join(gt, gt.id == mb.gateway_txn_id)
            .where(mb.status == "open"))


@lru_cache(maxsize=4)
def branches(*, open_only: bool = True,
             lateral: bool = False) -> tuple[tuple[str, sa.Subquery], ...]:
    """The parts of ``items_subquery`` (bank lines, gateway charges, the money-back items of
    each), each as ``(kind, selectable)`` with the same columns: a filter applied to each before
    the UNION lets the database skip a receipt before it looks up its suggestion (neither
    SQLite nor PostgreSQL always pushes a condition on the UNION's result down into them).
    ``lateral`` (PostgreSQL only): each receipt's suggestion through ``LATERAL`` (``_columns``)."""
    return (("line", _lines(open_only, lateral).subquery("queue_lines")),
            ("charge", _charges(open_only, lateral).subquery("queue_charges")),
            ("line", _money_back("line").subquery("queue_line_money_back")),
            ("charge", _money_back("charge").subquery("queue_charge_money_back")))


@lru_cache(maxsize=2)
def items_subquery(*, open_only: bool = True) -> sa.Subquery:
    """Every receipt (only those with money left to clear when ``open_only``) as one selectable,
    plus the open money-back items (``_money_back``) whichever ``open_only``.

    Built once per process: SQL constructs are immutable, so the queue's queries reuse it.
    """
    return sa.union_all(_lines(open_only), _charges(open_only), _money_back("line"),
                        _money_back("charge")).subquery("queue_items")
