"""Indexes the exception queue reads through (owned by the web queue area; migration 0006).

The queue finds each receipt's latest open suggestion with ``max(match.id) WHERE
statement_line_id = ? AND status = 'suggested'`` (and the same for gateway charges): these
composite indexes answer it from the index alone, one lookup per receipt, so the queue page
stays fast at 10,000+ open items. Declared here, on the tables of other areas, so the models
and the migrations agree without editing those areas' model modules.
"""

from __future__ import annotations

from sqlalchemy import Index

from recon.models.match import Match

__all__ = ["QUEUE_INDEXES"]

QUEUE_INDEXES = (
    Index("ix_match_queue_line", Match.statement_line_id, Match.status, Match.id),
    Index("ix_match_queue_charge", Match.gateway_txn_id, Match.status, Match.id),
)
