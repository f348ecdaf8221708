"""The bulk writers' JSON processor writes what SQLAlchemy's own would (recon.db.conversions)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import JSON, Column, Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from recon.db.bulkwrite import insert_rows
from recon.db.conversions import json_processor
from recon.models import AuditEvent

VALUES = [
    [{"feature": "amount", "level": "exact", "weight": 1.0565364579690328, "detail": "ä 深圳 €"}],
    {"nested": {"list": [1, 2.5, None, True, False, "x\"y\\z\n"]}, "nan": float("nan")},
    [], {}, [{"invoice_id": 7, "amount": "12.50"}], {"big": 10**30, "neg": -0.0},
]


def _column() -> Column:
    return Column("v", JSON)


@pytest.mark.parametrize("value", VALUES)
def test_same_text_as_json_dumps_on_sqlite(value: object) -> None:
    dialect = sqlite.dialect()
    col = _column()
    process = col.type.dialect_impl(dialect).bind_processor(dialect)
    fast = json_processor(col, dialect, process, copy=False)
    assert fast is not None
    assert fast(value) == process(value) == json.dumps(value)


def test_scalars_and_null_keep_sqlalchemy_rules() -> None:
    dialect = sqlite.dialect()
    col = _column()
    process = col.type.dialect_impl(dialect).bind_processor(dialect)
    fast = json_processor(col, dialect, process, copy=False)
    assert fast is not None
    for value in (None, JSON.NULL, "text", 3, 2.5, True):
        assert fast(value) == process(value)


def test_postgresql_only_for_copy() -> None:
    dialect = postgresql.dialect()  # psycopg2-style default: its processor stays
    col = _column()
    process = col.type.dialect_impl(dialect).bind_processor(dialect)
    assert json_processor(col, dialect, process, copy=False) is None
    fast = json_processor(col, dialect, lambda v: ("wrapped", v), copy=True)
    assert fast is not None and fast(VALUES[0]) == json.dumps(VALUES[0])
    assert fast(None) == ("wrapped", None)  # COPY writes the driver's null as before


def test_custom_serializer_is_kept() -> None:
    dialect = sqlite.dialect(json_serializer=lambda v: "custom")
    col = _column()
    process = col.type.dialect_impl(dialect).bind_processor(dialect)
    assert json_processor(col, dialect, process, copy=False) is None


def test_insert_rows_stores_the_same_json(engine: Engine) -> None:
    rows = [{"actor": "t", "action": "a", "object_type": "x", "object_id": str(n),
             "before": None, "after": v} for n, v in enumerate(VALUES[:1] + VALUES[2:])]
    with Session(engine) as session, session.begin():
        insert_rows(session, AuditEvent.__table__, rows)
    with engine.connect() as conn:
        got = conn.execute(select(AuditEvent.object_id, AuditEvent.after)
                           .order_by(AuditEvent.id)).all()  # fmt: skip
    assert [(o, a) for o, a in got] == [(r["object_id"], r["after"]) for r in rows]
