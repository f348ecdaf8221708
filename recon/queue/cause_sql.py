"""The cause of a queue item as SQL (service layer): its rank in ``CAUSES``, decided by the
database from columns so it filters, groups and counts by cause without reading any JSON.

Apart from the queue's UNION (``recon.queue.sql``) because the cause is one rule used in every
branch of it and, as a condition, by the listing's cause filter (``cause_hint``). The cause
itself is decided when a proposal is stored (``recon.matchrun.causes`` -> ``Match.cause``);
here it is only read. Raises nothing.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from recon.models import ACTIVE_STATUSES, MONEY_BACK_CAUSES, QUEUE_CAUSES, Match

__all__ = ["CAUSES", "applied_cause", "cause_case", "cause_hint", "money_back_rank"]

# In display (and grouping) order: what a person should look at first comes first.
CAUSES = QUEUE_CAUSES
_RANK = {cause: rank for rank, cause in enumerate(CAUSES)}


def cause_case(
    duplicate: sa.ColumnElement[bool] | bool,
    suggestion_id: sa.ColumnElement[int],
    stored: sa.ColumnElement[str],
    applied: sa.ColumnElement[str],
) -> sa.ColumnElement[int]:
    """The cause of an item as its index in ``CAUSES``: a flagged line is a possible duplicate;
    else the cause stored on its open proposal (``recon.matchrun.causes``); without one, the
    cause of the confirmed match that left money over (an overpayment's rest), else no
    candidate. Columns only: no JSON is searched."""
    whens: list[tuple[sa.ColumnElement[bool], Any]] = []
    if not isinstance(duplicate, bool):
        whens.append((duplicate == sa.true(), _RANK["possible_duplicate"]))
    whens.append((suggestion_id.is_(None),
                  sa.case(_RANK, value=applied, else_=_RANK["no_candidate"])))
    return sa.case(*whens, else_=sa.case(_RANK, value=stored, else_=_RANK["low_confidence"]))


# Causes only a stored match can give: an item has one of them only if one of its suggested or
# confirmed matches carries it (``cause_case``), which the database checks once, not per row.
# The money-back causes come from their own table (``money_back_rank``), never from a match.
_STORED_ONLY = frozenset(CAUSES) - {"possible_duplicate", "no_candidate", "low_confidence",
                                    *MONEY_BACK_CAUSES}


def cause_hint(kind: str, receipt_id: sa.ColumnElement[int],
               cause: str) -> sa.ColumnElement[bool] | None:
    """A condition every item of ``cause`` meets that the database answers from one set of
    receipt ids (so a cause filter skips most receipts before ``cause_case`` looks at them);
    ``None`` for the causes a receipt can have without such a match."""
    if cause not in _STORED_ONLY:
        return None
    column = Match.statement_line_id if kind == "line" else Match.gateway_txn_id
    return receipt_id.in_(sa.select(column).where(
        Match.cause == cause, Match.status.in_((*ACTIVE_STATUSES, "suggested"))))


def applied_cause(column: sa.ColumnElement[int],
                  receipt_id: sa.ColumnElement[int]) -> sa.ScalarSelect[Any]:
    """The stored cause of the receipt's latest confirmed match (NULL for hand matches)."""
    return (
        sa.select(Match.cause)
        .where(column == receipt_id, Match.status.in_(ACTIVE_STATUSES))
        .order_by(Match.id.desc()).limit(1)
        .scalar_subquery()
    )


def money_back_rank(cause: sa.ColumnElement[str]) -> sa.ColumnElement[int]:
    """The rank of an open ``MoneyBackItem``'s cause (the queue's money-back branches)."""
    return sa.case({c: _RANK[c] for c in MONEY_BACK_CAUSES}, value=cause,
                   else_=_RANK["low_confidence"])
