"""Raw columns converted once per distinct text give what SQLAlchemy's types give
(recon.db.conversions), on the test backend's own driver."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from recon.db.conversions import converter, raw
from recon.models import Invoice, Match
from tests.recon.factories import make_invoice, make_line


def test_converted_raw_values_equal_typed_ones(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        make_invoice(session, meta={"po_number": "PO-1"}, due_date=None)
        make_invoice(session, meta={}, issue_date=dt.date(2025, 12, 31))
        make_invoice(session, meta={})
    cols = (Invoice.issue_date, Invoice.due_date, Invoice.meta, Invoice.created_at)
    with engine.connect() as conn:
        typed = conn.execute(select(*cols).order_by(Invoice.id)).all()
        raws = conn.execute(select(*(raw(c) for c in cols)).order_by(Invoice.id)).all()
        convert = [converter(c, conn.dialect) for c in cols]
    got = [tuple(f(v) for f, v in zip(convert, row, strict=True)) for row in raws]
    assert got == [tuple(row) for row in typed]
    assert [type(v) for v in got[0]] == [type(v) for v in typed[0]]
    if engine.dialect.name == "sqlite":  # text from the driver: one object per distinct text
        assert got[1][2] is got[2][2] and got[0][0] is got[2][0]


def test_then_is_applied_once_per_text_and_none_stays(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        line = make_line(session)
        session.add(Match(kind="receipt_invoice", status="suggested", confidence=0.5,
                          currency="EUR", created_by="t", statement_line_id=line.id,
                          matched_at=None))  # fmt: skip
    calls: list[object] = []

    def iso(value: dt.datetime) -> str:
        calls.append(value)
        return value.isoformat()

    with engine.connect() as conn:
        convert = converter(Match.matched_at, conn.dialect, iso)
        assert convert(None) is None and calls == []
        stamp = dt.datetime(2026, 12, 6, 9, 15, 56, 803821, tzinfo=dt.UTC)
        conn.execute(Match.__table__.update().values(matched_at=stamp))
        value = conn.execute(select(raw(Match.matched_at))).scalar_one()
        typed = conn.execute(select(Match.matched_at)).scalar_one()
    assert convert(value) == convert(value) == typed.isoformat()
    assert len(calls) == (1 if isinstance(value, str) else 2)
