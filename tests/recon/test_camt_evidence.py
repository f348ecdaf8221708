"""What a camt entry says beside its text reaches the matcher: invoice numbers filed as
referred documents (Strd/RfrdDocInf/Nb) with nothing in Ustrd, and the ultimate debtor an agent
pays for (UltmtDbtr)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from importers import Source
from recon.matchrun.service import run_matching
from recon.models import Match, StatementLine
from recon.statements.imports import import_statement
from tests.recon.factories import make_customer, make_invoice

_ULTIMATE = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>S2</MsgId><CreDtTm>2026-01-31T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S2</Id><CreDtTm>2026-01-31T10:00:00</CreDtTm>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-01-20</Dt></BookgDt><AcctSvcrRef>B-2</AcctSvcrRef><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>PAYPAL EUROPE S.A R.L.</Nm></Dbtr><UltmtDbtr><Nm>ACME GMBH</Nm></UltmtDbtr>
</RltdPties><RmtInf><Ustrd>PP.1234.PP PAYMENT</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"""

_CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>S1</MsgId><CreDtTm>2026-01-31T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2026-01-31T10:00:00</CreDtTm>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">700.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-01-20</Dt></BookgDt><AcctSvcrRef>B-1</AcctSvcrRef><NtryDtls><TxDtls>
<RltdPties><Dbtr><Pty><Nm>CLEARING HOUSE PAYMENTS</Nm></Pty></Dbtr></RltdPties>
<RmtInf><Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>INV-2026-0417</Nb>
</RfrdDocInf></Strd><Strd><RfrdDocInf><Nb>INV-2026-0533</Nb></RfrdDocInf></Strd></RmtInf>
</TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"""


def _import_and_match(session_factory, xml: str) -> tuple[StatementLine, Match, list]:
    """Import the one-line camt file, run matching, return the line and its match."""
    with session_factory.begin() as s:
        import_statement(s, Source("s.xml", xml.encode()), actor="tester")
    with session_factory.begin() as s:
        run_matching(s, actor="tester")
    with session_factory() as s:
        line = s.scalars(select(StatementLine)).one()
        (match,) = s.scalars(select(Match).where(Match.statement_line_id == line.id)).all()
        return line, match, [(a.invoice_id, a.amount) for a in match.allocations]


def test_referred_document_numbers_name_the_invoices(session, session_factory):
    acme = make_customer(session, name="Acme GmbH")
    first = make_invoice(session, "300.00", customer=acme, invoice_no="INV-2026-0417")
    second = make_invoice(session, "400.00", customer=acme, invoice_no="INV-2026-0533")
    for amount in ("300.00", "400.00", "700.00"):  # look-alikes: the amount alone decides nothing
        make_invoice(session, amount, customer=make_customer(session, name="Zeta AG"))
    session.commit()
    line, match, allocated = _import_and_match(session_factory, _CAMT)
    assert not (line.remittance or "").strip("- ")
    assert dict(allocated) == {first.id: Decimal("300.00"), second.id: Decimal("400.00")}
    assert match.status == "auto"


def test_the_ultimate_debtor_an_agent_pays_for_is_the_customer(session, session_factory):
    acme = make_invoice(session, "250.00", customer=make_customer(session, name="Acme GmbH"))
    make_invoice(session, "250.00", customer=make_customer(session, name="Zeta AG"))
    session.commit()
    line, match, allocated = _import_and_match(session_factory, _ULTIMATE)
    assert line.counterparty_name == "PAYPAL EUROPE S.A R.L."
    assert allocated == [(acme.id, Decimal("250.00"))]
    assert any(r["feature"] == "payer" and r["level"] == "named in text" for r in match.reasons)
