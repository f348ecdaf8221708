"""Speed-critical shape of the imports: rows go to the database in a few bulk statements.

A statement import or an invoice import of a few thousand rows must write each table with a
handful of executemany (or, on PostgreSQL, COPY) batches, never one statement per row: that is
what keeps 100k-row files within seconds (benchmarks/README.md, "Whole-path speed"). Counted at
the database cursor (SQLAlchemy's ``before_cursor_execute``) and at `copy_rows`.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import event, func, select

from importers import Source
from recon.db import bulkwrite
from recon.invoices.imports import import_invoices
from recon.models import AuditEvent, Invoice, StatementLine
from recon.statements import rows as statement_rows
from recon.statements.imports import import_statement

LINES = 2_500


@pytest.fixture
def writes(engine, monkeypatch) -> Counter[str]:
    """Statements that wrote rows, by table (one executemany or one COPY counts once)."""
    counts: Counter[str] = Counter()

    def on_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        if found := re.match(r"\s*INSERT INTO (\w+)", statement):
            counts[found.group(1)] += 1

    event.listen(engine, "before_cursor_execute", on_execute)
    real = bulkwrite.copy_rows

    def counting_copy(conn, table, columns, rows) -> None:
        counts[table.name] += 1
        real(conn, table, columns, rows)

    monkeypatch.setattr(bulkwrite, "copy_rows", counting_copy)
    monkeypatch.setattr(statement_rows, "copy_rows", counting_copy)
    yield counts
    event.remove(engine, "before_cursor_execute", on_execute)


def _camt(lines: int) -> bytes:
    entries = "".join(
        f'<Ntry><Amt Ccy="EUR">{10 + i % 97}.{i % 100:02d}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>2026-03-{1 + i % 28:02d}</Dt></BookgDt>"
        f"<AcctSvcrRef>R{i}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Payer {i % 50}"
        f"</Nm></Dbtr></RltdPties><RmtInf><Ustrd>INV-{i}</Ustrd></RmtInf></TxDtls></NtryDtls>"
        "</Ntry>"
        for i in range(lines)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
        'camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>T</MsgId></GrpHdr><Stmt><Id>S-1</Id>'
        "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{entries}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def test_statement_import_writes_its_lines_in_a_few_batches(session_factory, writes) -> None:
    with session_factory.begin() as session:
        report = import_statement(session, Source("big.xml", _camt(LINES)), actor="tester")
    assert report.lines_new == LINES
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(StatementLine)) == LINES
    assert 1 <= writes["statement_line"] <= 2  # chunks of 5,000 rows: never one per line
    assert writes["audit_event"] <= 2


def test_invoice_import_writes_invoices_and_audit_rows_in_a_few_batches(
    session_factory, writes
) -> None:
    header = "invoice_no,customer_id,customer_name,amount,currency,issue_date,due_date\n"
    body = "".join(
        f"INV-{i},C{i % 40},Customer {i % 40},{100 + i}.50,EUR,2026-01-02,2026-02-01\n"
        for i in range(LINES)
    )
    with session_factory.begin() as session:
        report = import_invoices(session, "inv.csv", (header + body).encode(), actor="tester")
    assert report.created == LINES
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == LINES
        creates = select(func.count()).where(AuditEvent.action == "invoice.create")
        assert session.scalar(creates) == LINES  # one audit row per invoice, still
    assert writes["invoice"] == 1 and writes["audit_event"] <= 2
