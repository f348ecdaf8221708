"""Every importable bank fixture goes through the statement service, and again adds nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from importers import Source, parse_source
from recon.models import Statement, StatementLine
from recon.statements.imports import import_statement
from tests.conftest import FIXTURES

FACTS = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
IMPORTABLE = sorted(name for name, fact in FACTS.items() if fact["outcome"] == "import")
# Files the money rules once refused; they must post with their expected.json facts:
ODD_MONEY = (
    "camt/iso20022_gcamp6.xml",  # anonymised currency code XXX
    "mt940/mt940lib_cmxl-mt940.sta",  # Deutsche Mark (withdrawn ISO 4217 code)
    "ofx/ofxparse_fidelity-savings.ofx",  # investment cash priced to 4 decimals
)


def _import(factory: sessionmaker[Session], name: str):
    source = Source.from_path(FIXTURES / name)
    parsed = parse_source(source)
    account = None if all(s.account_id for s in parsed.statements) else "TEST-ACCOUNT"
    with factory.begin() as session:
        return import_statement(session, source, actor="test", account=account,
                                currency="EUR"), parsed


@pytest.mark.parametrize("name", IMPORTABLE)
def test_fixture_imports_once(session_factory: sessionmaker[Session], session: Session,
                              name: str) -> None:
    report, parsed = _import(session_factory, name)
    assert report.lines_new == FACTS[name]["transactions"] == parsed.line_count
    assert report.lines_known == 0 and report.lines_flagged == 0
    assert report.statements == len(parsed.statements)
    booked = select(func.count()).select_from(StatementLine).where(
        StatementLine.status == "booked")
    assert session.scalar(booked) == report.lines_new
    again, _ = _import(session_factory, name)
    assert (again.lines_new, again.statements, again.lines_flagged) == (0, 0, 0)
    assert again.lines_known == report.lines_new
    assert session.scalar(booked) == report.lines_new


@pytest.mark.parametrize("name", ODD_MONEY)
def test_odd_money_fixture_posts_its_facts(session_factory: sessionmaker[Session],
                                           session: Session, name: str) -> None:
    fact = FACTS[name]
    report, _ = _import(session_factory, name)
    assert (report.statements, report.lines_new) == (fact["statements"], fact["transactions"])
    first = session.scalars(select(Statement).order_by(Statement.id)).first()
    assert first.currency == fact["currency"]
    for key in ("opening", "closing"):
        if key in fact:
            assert str(getattr(first, key)) == fact[key]
    line = session.scalars(select(StatementLine).where(StatementLine.statement_id == first.id)
                           .order_by(StatementLine.id)).first()
    assert line.amount == Decimal(fact["first"]["amount"])
    assert line.booking_date.isoformat() == fact["first"]["date"]
    assert line.bank_ref == fact["first"].get("ref")
