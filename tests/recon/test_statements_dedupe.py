"""Dedupe that errs neither way, one transaction per file, checks by setting."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from importers import BadRecord, Source
from recon.models import AuditEvent, StatementImport, StatementLine
from recon.statements.imports import StatementImportError, import_statement
from tests.importers import samples

HEADER = "Date,Label,Amount,Balance,Partner Name\n"
ROWS = {
    1: "2024-01-01,Rent,-500.00,500.00,Landlord\n",
    2: "2024-01-02,Coffee,-3.00,497.00,Cafe\n2024-01-02,Coffee,-3.00,494.00,Cafe\n",
    3: "2024-01-03,Salary,1000.00,1494.00,Employer\n",
    4: "2024-01-04,Coffee,-3.00,1491.00,Cafe\n",
}


def _csv(*days: int) -> bytes:
    return (HEADER + "".join(ROWS[d] for d in days)).encode()


def _run(factory: sessionmaker[Session], name: str, data: bytes, **options):
    options.setdefault("account", "DE-1")
    options.setdefault("currency", "EUR")
    with factory.begin() as session:
        return import_statement(session, Source(name, data), actor="tester", **options)


def _count(session: Session, model=StatementLine, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_identical_payments_on_one_day_both_import(session_factory, session) -> None:
    report = _run(session_factory, "a.csv", _csv(2))
    assert report.lines_new == 2
    assert _count(session) == 2


def test_identical_payments_without_running_balance_both_import(session_factory) -> None:
    data = (b"Date,Label,Amount\n2024-01-02,Coffee,-3.00\n2024-01-02,Coffee,-3.00\n")
    assert _run(session_factory, "b.csv", data).lines_new == 2
    assert _run(session_factory, "b.csv", data).lines_new == 0


def test_reimport_imports_nothing(session_factory, session) -> None:
    first = _run(session_factory, "a.csv", _csv(1, 2, 3))
    again = _run(session_factory, "a.csv", _csv(1, 2, 3))
    assert (first.lines_new, again.lines_new, again.lines_known) == (4, 0, 4)
    assert _count(session) == 4 and _count(session, StatementImport) == 2


def test_overlapping_reexport_adds_only_the_new_days(session_factory, session) -> None:
    _run(session_factory, "jan1-3.csv", _csv(1, 2, 3))
    report = _run(session_factory, "jan2-4.csv", _csv(2, 3, 4))
    assert (report.lines_new, report.lines_known, report.lines_flagged) == (1, 3, 0)
    assert _count(session) == 5


def test_an_extra_identical_line_is_imported_and_flagged(session_factory, session) -> None:
    data = b"Date,Label,Amount\n2024-01-02,Coffee,-3.00\n"
    _run(session_factory, "one.csv", data)
    report = _run(session_factory, "two.csv", data + b"2024-01-02,Coffee,-3.00\n")
    assert (report.lines_new, report.lines_flagged) == (1, 1)
    assert _count(session, StatementLine, StatementLine.possible_duplicate.is_(True)) == 1


def test_a_reused_bank_id_is_imported_and_flagged(session_factory, session) -> None:
    _run(session_factory, "s.xml", samples.CAMT.encode(), account=None)
    other = samples.CAMT.replace("<Dt>2024-01-02</Dt></BookgDt>", "<Dt>2024-01-05</Dt></BookgDt>")
    report = _run(session_factory, "t.xml", other.encode(), account=None)
    assert (report.lines_new, report.lines_flagged) == (1, 1)
    assert _count(session) == 2


def test_pending_line_does_not_hide_the_booked_one(session_factory, session) -> None:
    pending = samples.CAMT.replace("<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>")
    assert _run(session_factory, "p.xml", pending.encode(), account=None).lines_new == 0
    assert _run(session_factory, "b.xml", samples.CAMT.encode(), account=None).lines_new == 1
    assert _count(session, StatementLine, StatementLine.status == "pending") == 1


def test_bad_file_writes_nothing(session_factory, session) -> None:
    with pytest.raises(BadRecord):
        _run(session_factory, "bad.csv", _csv(1, 2) + b"2024-01-09,Oops,abc,1.00,X\n")
    assert _count(session) == 0 and _count(session, StatementImport) == 0
    assert _count(session, AuditEvent) == 0


def test_strict_balance_check_refuses_and_writes_nothing(session_factory, session) -> None:
    broken = samples.CAMT.replace(">150.00<", ">151.00<").encode()
    with pytest.raises(StatementImportError, match="off by 100 minor units"):
        _run(session_factory, "s.xml", broken, account=None, strict=True)
    assert _count(session, StatementImport) == 0
    report = _run(session_factory, "s.xml", broken, account=None)
    assert report.lines_new == 1 and any("off by 100" in w for w in report.warnings)


def test_opening_must_continue_the_previous_closing(session_factory) -> None:
    _run(session_factory, "jan.xml", samples.CAMT.encode(), account=None)
    later = (samples.CAMT.replace("2024-01-02", "2024-02-02").replace("2024-01-01", "2024-02-01")
             .replace("REF1", "REF2").replace(">100.00<", ">99.00<").replace(">150.00<",
                                                                               ">149.00<"))
    report = _run(session_factory, "feb.xml", later.encode(), account=None)
    assert any("does not continue the previous closing 150.00" in w for w in report.warnings)


def test_account_must_agree_with_the_file(session_factory) -> None:
    with pytest.raises(StatementImportError, match="--account says"):
        _run(session_factory, "s.xml", samples.CAMT.encode(), account="OTHER")


def test_import_is_audited(session_factory, session) -> None:
    report = _run(session_factory, "a.csv", _csv(1))
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "statements.import"))
    assert event.actor == "tester" and event.after["lines_new"] == report.lines_new == 1
    stored = session.get(StatementImport, report.import_id)
    assert stored.file_sha256 == report.file_sha256 and stored.format == "csv:generic"
