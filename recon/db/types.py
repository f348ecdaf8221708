"""Column aliases declared once for every model (STYLE §10) and the declarative ``Base``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, overload

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, mapped_column

__all__ = [
    "Base",
    "created_at",
    "currency_code",
    "intpk",
    "json_dict",
    "minor",
    "utcnow",
]

# Deterministic constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Timezone-aware now in UTC (the only clock the models use)."""
    return dt.datetime.now(dt.UTC)


@overload
def as_utc(value: dt.datetime) -> dt.datetime: ...
@overload
def as_utc(value: None) -> None: ...
def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp as aware UTC: SQLite hands back naive datetimes (which are UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
minor = Annotated[int, mapped_column(BigInteger)]
currency_code = Annotated[str, mapped_column(String(3))]
created_at = Annotated[
    dt.datetime,
    mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now()),
]
json_dict = Annotated[dict[str, Any], mapped_column(JSON, default=dict)]


class Base(DeclarativeBase):
    """Declarative base with the naming convention and the shared type map."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        dt.datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[Any]: JSON,
        Any: JSON,
    }
