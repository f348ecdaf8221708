"""Sub-minor precision: refused for bank lines, rounded and kept for investment cash."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from importers import Source
from recon.models import StatementImport, StatementLine
from recon.statements.imports import StatementImportError, import_statement
from tests.conftest import FIXTURES
from tests.importers import samples

FIDELITY = FIXTURES / "ofx/ofxparse_fidelity-savings.ofx"


def _run(factory: sessionmaker[Session], name: str, data: bytes, **options):
    with factory.begin() as session:
        return import_statement(session, Source(name, data), actor="tester", **options)


def _lines(session: Session) -> dict[str, StatementLine]:
    return {ln.bank_ref: ln for ln in session.scalars(select(StatementLine))}


def test_investment_cash_is_posted_rounded_with_the_exact_value_kept(session_factory,
                                                                     session) -> None:
    report = _run(session_factory, FIDELITY.name, FIDELITY.read_bytes())
    assert report.lines_new == 4
    rounded = [w for w in report.warnings if "more precision than USD" in w]
    assert len(rounded) == 3
    assert any("amount -197.1220 has more precision than USD; posted as -197.12, exact value "
               "kept" in w and "line " in w for w in rounded)
    lines = _lines(session)
    line = lines["X0000000000000000000004"]
    assert (line.amount_minor, line.extra["exact_amount"]) == (-19712, "-197.1220")
    assert "<TRNAMT>-00000000000197.1220" in line.raw  # the file's own text
    assert lines["X0000000000000000000002"].extra["exact_amount"] == "115.8331"
    assert lines["X0000000000000000000003"].amount_minor == -19711  # -197.1063
    assert "exact_amount" not in lines["X0000000000000000000001"].extra  # -1500.0000


def test_investment_rounding_is_half_even(session_factory, session) -> None:
    data = FIDELITY.read_bytes().replace(b"-197.1220", b"-197.1250")
    report = _run(session_factory, "half.ofx", data)
    assert any("posted as -197.12," in w for w in report.warnings)
    assert _lines(session)["X0000000000000000000004"].amount_minor == -19712


def test_investment_reimport_adds_nothing(session_factory) -> None:
    _run(session_factory, FIDELITY.name, FIDELITY.read_bytes())
    again = _run(session_factory, "re-export.ofx", FIDELITY.read_bytes() + b"\n")
    assert (again.lines_new, again.lines_known, again.lines_flagged) == (0, 4, 0)


@pytest.mark.parametrize(("name", "data", "line"), [
    ("bank.ofx", samples.OFX.replace("<TRNAMT>50.00", "<TRNAMT>50.0012").replace(
        "150.00", "150.0012"), 12),
    ("bank.csv", "Date,Label,Amount\n2024-01-02,Coffee,-3.00\n2024-01-02,Tea,-3.005\n", 3),
])
def test_sub_minor_digits_on_a_bank_line_are_refused(session_factory, session, name, data,
                                                     line) -> None:
    with pytest.raises(StatementImportError, match="more decimals than") as caught:
        _run(session_factory, name, data.encode(), account="622" if name.endswith("ofx") else "ACC-1",
             currency="CNY")
    assert (caught.value.file, caught.value.line, caught.value.field) == (name, line, "amount")
    assert session.scalar(select(func.count()).select_from(StatementImport)) == 0
    assert session.scalar(select(func.count()).select_from(StatementLine)) == 0
