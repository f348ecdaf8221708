"""What a person narrows the exception queue to (``QueueFilter``) and the SQL conditions it
becomes, applied inside each branch of the queue's UNION (``recon.queue.listing._filtered``).

Kept in one place so the web page, the API and the counts filter by the same rules; an unknown
cause (an edited URL) is refused with ``FilterError`` in the person's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from recon.errors import Codes, ServiceError
from recon.queue.cause_sql import CAUSES
from recon.queue.search_amount import exponent_of, minor_by_exponent, search_amount

__all__ = ["FilterError", "QueueFilter", "conditions"]


class FilterError(ServiceError, ValueError):
    """A queue filter the queue does not know (an edited URL): a ``ValueError`` for the views
    that answer 400, in the person's language like every service error."""


@dataclass(frozen=True)
class QueueFilter:
    """What the person narrowed the queue to; every field optional."""

    cause: str | None = None
    account: str | None = None
    currency: str | None = None
    min_age: int | None = None  # days
    max_age: int | None = None
    text: str | None = None
    today: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self) -> None:
        if self.cause and self.cause not in CAUSES:
            raise FilterError("unknown cause %(cause)s; one of %(choices)s", code="bad_filter",
                              cause=self.cause, choices=Codes.of(CAUSES))


def conditions(q: sa.Subquery, f: QueueFilter) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = []
    if f.cause:
        conds.append(q.c.cause_rank == CAUSES.index(f.cause))
    if f.account:
        conds.append(q.c.account == f.account)
    if f.currency:
        conds.append(q.c.currency == f.currency.upper())
    if f.min_age is not None:
        conds.append(q.c.booked <= f.today - dt.timedelta(days=f.min_age))
    if f.max_age is not None:
        conds.append(q.c.booked >= f.today - dt.timedelta(days=f.max_age))
    if f.text and f.text.strip():
        conds.append(_text_condition(q, f.text.strip()))
    return conds


def _text_condition(q: sa.Subquery, text: str) -> sa.ColumnElement[bool]:
    like = f"%{text.lower()}%"
    ors = [sa.func.lower(q.c.payer).like(like), sa.func.lower(q.c.text).like(like)]
    amount = search_amount(text)
    if amount is not None:
        # minor units differ per currency; compare against each exponent in use (0, 2, 3)
        for exp, minor in minor_by_exponent(amount).items():
            ors.append(sa.and_(q.c.unapplied_minor == minor, exponent_of(q.c.currency) == exp))
    return sa.or_(*ors)
