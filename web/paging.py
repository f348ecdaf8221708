"""Offset pagination for list pages: ``paginate(session, stmt, page)`` → ``Page``.

Pages are 1-based; a page number past the end gives an empty page (never an error). The total
is counted with the same filters so the pager can say "page 2 of 7".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import request
from sqlalchemy.orm import Session

__all__ = ["PER_PAGE", "Page", "page_arg", "page_url", "paginate"]

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_arg() -> int:
    """The ``page`` query argument (1 when missing or not a positive integer)."""
    value = request.args.get("page", type=int) or 1
    return max(1, min(value, 1_000_000))


def paginate(session: Session, stmt: sa.Select[Any], page: int, per_page: int = PER_PAGE) -> Page:
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(rows.scalars()) if len(stmt.column_descriptions) == 1 else list(rows)
    return Page(items, page, per_page, int(total or 0))


def page_url(number: int) -> str:
    """This page's URL with ``page=number`` and the other query arguments kept."""
    from flask import url_for

    args = {**request.args.to_dict(), "page": number}
    return url_for(request.endpoint or "pages.dashboard", **(request.view_args or {}), **args)
