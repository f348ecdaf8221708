"""Every importable bank fixture goes through the statement service, and again adds nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from importers import Source, parse_source
from recon.models import Statement, StatementLine
from recon.services.statements import StatementImportError, import_statement
from tests.conftest import FIXTURES

FACTS = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
IMPORTABLE = sorted(name for name, fact in FACTS.items() if fact["outcome"] == "import")
# Files the importers read but the money rules refuse to post, each for a reason it has:
REFUSED_BY_MONEY_RULES = {
    "camt/iso20022_gcamp6.xml": "'XXX' is not a currency",  # anonymised currency code
    "ofx/ofxparse_fidelity-savings.ofx": "more decimals than USD",  # -197.1063 USD
    "mt940/mt940lib_cmxl-mt940.sta": "'DEM' is not a currency",  # Deutsche Mark, withdrawn
}


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
    if name in REFUSED_BY_MONEY_RULES:
        with pytest.raises(StatementImportError, match=REFUSED_BY_MONEY_RULES[name]) as caught:
            _import(session_factory, name)
        assert caught.value.file.endswith(name.split("/")[-1]) and caught.value.field
        assert session.scalar(select(func.count()).select_from(Statement)) == 0
        return
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
