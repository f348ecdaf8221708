"""Indexes the exception queue reads through (owned by the web queue area; migration 0006).

The queue reads only receipts with money left (partial indexes on the open lines and charges,
so a long cleared history is never scanned) and finds each one's latest open suggestion with
``max(match.id) WHERE statement_line_id = ? AND status = 'suggested'`` (composite indexes
answer it from the index alone), so the queue page stays fast at 10,000+ open items.
Declared here, on the tables of other areas, so the models and the migrations agree without
editing those areas' model modules.
"""

from __future__ import annotations

from sqlalchemy import Index, and_

from recon.models.gateway import GatewayTransaction
from recon.models.match import Match
from recon.models.statement import StatementLine

_OPEN_LINE = and_(
    StatementLine.allocated_minor < StatementLine.amount_minor,
    StatementLine.disposition.is_(None),
)
_OPEN_CHARGE = and_(
    GatewayTransaction.kind == "charge",
    GatewayTransaction.allocated_minor < GatewayTransaction.gross_minor,
)

__all__ = ["QUEUE_INDEXES"]

QUEUE_INDEXES = (
    Index("ix_match_queue_line", Match.statement_line_id, Match.status, Match.id),
    Index("ix_match_queue_charge", Match.gateway_txn_id, Match.status, Match.id),
    # partial: only receipts with money left, so the queue never scans the cleared history
    Index(
        "ix_statement_line_queue_open",
        StatementLine.booking_date,
        sqlite_where=_OPEN_LINE,
        postgresql_where=_OPEN_LINE,
    ),
    Index(
        "ix_gateway_transaction_queue_open",
        GatewayTransaction.occurred_at,
        sqlite_where=_OPEN_CHARGE,
        postgresql_where=_OPEN_CHARGE,
    ),
)
