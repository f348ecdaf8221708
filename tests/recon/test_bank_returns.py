"""Bank returns reopen what they undo: a camt/MT940/BAI2 debit that takes back a credit is linked
to that credit on import, the credit's money goes back through ``take_back`` (the invoice it
paid reopens, audited, with a "refunded after payment" queue item), a return whose credit is
not found waits in the queue, and importing the same return again changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from importers import Source
from recon import money_back
from recon.allocation import allocations, reversals
from recon.models import AuditEvent, BankReturn, Invoice, MoneyBackItem, StatementLine
from recon.queue.listing import QueueFilter, queue_item, queue_page
from recon.statements.imports import import_statement
from tests.conftest import FIXTURES
from tests.recon.factories import make_invoice

IBAN = "NL91ABNA0417164300"
TODAY = dt.date(2026, 2, 1)


def _entry(amount: str, ind: str, day: str, e2e: str, *, name: str = "ACME LTD",
           reversal: bool = False, reason: str | None = None, ref: str = "") -> str:
    party = "Dbtr" if ind == "CRDT" else "Cdtr"
    rtr = f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>" if reason else ""
    return f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd>
      {'<RvslInd>true</RvslInd>' if reversal else ''}<Sts>BOOK</Sts>
      <BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ref or e2e + ind}</AcctSvcrRef>
      <NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>
      <RltdPties><{party}><Nm>{name}</Nm></{party}></RltdPties>{rtr}
      <RmtInf><Ustrd>INV-RT-1</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""


def _camt(stmt_id: str, *entries: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>{stmt_id}</MsgId><CreDtTm>2026-01-31T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{stmt_id}</Id><CreDtTm>2026-01-31T10:00:00</CreDtTm>
<Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>{''.join(entries)}</Stmt>
</BkToCstmrStmt></Document>""".encode()


def _import(session_factory, name: str, data: bytes):
    with session_factory.begin() as s:
        return import_statement(s, Source(name, data), actor="tester")


def _paid_credit(session_factory, session, e2e: str = "E2E-1") -> tuple[int, int]:
    """A 100.00 credit that paid INV-RT-1 in full: (line id, invoice id)."""
    invoice = make_invoice(session, "100.00", invoice_no="INV-RT-1")
    session.commit()
    _import(session_factory, "jan.xml", _camt("S1", _entry("100.00", "CRDT", "2026-01-10", e2e)))
    with session_factory.begin() as s:
        line = s.scalars(select(StatementLine).where(StatementLine.amount_minor > 0)).one()
        allocations.create_match(s, receipt=line, status="manual", actor="clerk",
                                 allocations=[allocations.AllocationSpec(invoice.id, Decimal(100))])
        return line.id, invoice.id


def _invoice(session, invoice_id: int) -> tuple:
    session.expire_all()
    inv = session.get(Invoice, invoice_id)
    state = (inv.paid_minor, inv.refunded_minor, inv.status)
    session.rollback()
    return state


RETURN = _entry("100.00", "DBIT", "2026-01-20", "E2E-1", reversal=True, reason="AC06",
                ref="RET-1")


def test_a_returned_credit_reopens_the_invoice_it_paid(session_factory, session):
    credit_id, invoice_id = _paid_credit(session_factory, session)
    assert _invoice(session, invoice_id) == (10000, 0, "paid")
    report = _import(session_factory, "feb.xml", _camt("S2", RETURN))
    assert report.returns and "by reference" in report.returns[0]
    assert _invoice(session, invoice_id) == (0, 10000, "open")
    link = session.scalars(select(BankReturn)).one()
    assert (link.original_line_id, link.reason, link.linked_by) == (credit_id, "AC06", "reference")
    item = session.scalars(select(MoneyBackItem)).one()
    assert (item.cause, item.status, item.amount_minor) == ("refunded_after_payment", "open",
                                                            10000)
    assert queue_item(session, "line", credit_id, today=TODAY).cause == "refunded_after_payment"
    page = queue_page(session, QueueFilter(cause="refunded_after_payment", today=TODAY))
    assert [(i.kind, i.id) for i in page.items] == [("line", credit_id)]
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"statements.return_linked", "money_back.raised", "match.undo"} <= actions
    session.rollback()


def test_importing_the_return_again_reopens_nothing_twice(session_factory, session):
    _, invoice_id = _paid_credit(session_factory, session)
    _import(session_factory, "feb.xml", _camt("S2", RETURN))
    _import(session_factory, "feb.xml", _camt("S2", RETURN))  # the very same bytes
    other = _entry("5.00", "CRDT", "2026-01-21", "E2E-9", name="SOMEONE")
    _import(session_factory, "feb2.xml", _camt("S3", RETURN, other))  # re-sent within another
    assert _invoice(session, invoice_id) == (0, 10000, "open")
    assert session.scalar(select(func.count()).select_from(BankReturn)) == 1
    assert session.scalar(select(func.count()).select_from(MoneyBackItem)) == 1
    session.rollback()


def test_a_return_without_its_credit_waits_in_the_queue_until_the_credit_arrives(
    session_factory, session
):
    invoice = make_invoice(session, "100.00", invoice_no="INV-RT-1")
    session.commit()
    report = _import(session_factory, "feb.xml", _camt("S2", RETURN))
    assert "left in the queue" in report.returns[0]
    ret = session.scalars(select(StatementLine).where(StatementLine.amount_minor < 0)).one()
    item = queue_item(session, "line", ret.id, today=TODAY)
    assert item.cause == "unidentified_return" and "AC06" in item.text
    session.rollback()
    # the credit comes in a later file (an earlier period): the return finds it then
    _import(session_factory, "jan.xml", _camt("S1", _entry("100.00", "CRDT", "2026-01-10",
                                                           "E2E-1")))
    link = session.scalars(select(BankReturn)).one()
    assert link.linked_by == "reference"
    waiting = session.scalars(select(MoneyBackItem).filter_by(cause="unidentified_return")).one()
    assert (waiting.status, waiting.resolution) == ("closed", "linked")
    credit = session.get(StatementLine, link.original_line_id)
    assert credit.allocated_minor == credit.amount_minor  # taken back: not unapplied cash
    assert session.get(Invoice, invoice.id).status == "open"
    session.rollback()


def test_without_a_reference_the_amount_and_payer_link_and_another_payer_does_not(
    session_factory, session
):
    _, invoice_id = _paid_credit(session_factory, session, e2e="E2E-7")
    stranger = _entry("100.00", "DBIT", "2026-01-20", "OTHER-REF", name="NOT ACME",
                      reversal=True)
    _import(session_factory, "feb.xml", _camt("S2", stranger))
    assert _invoice(session, invoice_id) == (10000, 0, "paid")  # another payer: not linked
    same = _entry("100.00", "DBIT", "2026-01-22", "OTHER-REF-2", name="Acme Ltd",
                  reversal=True)
    _import(session_factory, "feb2.xml", _camt("S3", same))
    assert _invoice(session, invoice_id) == (0, 10000, "open")
    linked = session.scalars(select(BankReturn).where(BankReturn.original_line_id.is_not(None)))
    assert [r.linked_by for r in linked] == ["amount"]
    session.rollback()


def test_a_person_closes_the_item_with_a_note_and_more_money_back_reopens_it(
    session_factory, session
):
    credit_id, _ = _paid_credit(session_factory, session)
    _import(session_factory, "feb.xml", _camt("S2", RETURN))
    item_id = session.scalars(select(MoneyBackItem.id)).one()
    session.rollback()
    with session_factory.begin() as s, pytest.raises(Exception, match="note"):
        money_back.close(s, item_id, resolution="reinvoiced", note=" ", actor="clerk")
    with session_factory.begin() as s:
        money_back.close(s, item_id, resolution="reinvoiced", note="INV-RT-2", actor="clerk")
    page = queue_page(session, QueueFilter(cause="refunded_after_payment", today=TODAY))
    assert page.items == ()
    assert queue_item(session, "line", credit_id, today=TODAY).cause != "refunded_after_payment"
    session.rollback()
    with session_factory.begin() as s:  # the money came back, then went back again
        credit = s.get(StatementLine, credit_id)
        reversals.take_back(s, credit, 0, actor="t")
        reversals.take_back(s, credit, 4000, actor="t")
    item = session.get(MoneyBackItem, item_id)
    assert (item.status, item.resolution, item.amount_minor) == ("open", None, 4000)
    session.rollback()


@pytest.mark.parametrize(("path", "returns", "linked"), [
    ("camt/oca_test-camt053", 2, 0),  # DBIT reversals (AC06) of collections not in the file
    ("mt940/mt940lib_betterplace-sepa_mt9401.sta", 2, 1),  # RC stornos; one credit is there
    ("bai2/moov_sample4-continuations-newline-delimited.txt", 1, 0),  # 557 ACH return R02
    ("mt940/oca10_test-ing.940", 1, 0),  # a D with /RTRN/MS03 (a collection sent back)
    ("camt/oca_test-camt053.zip", 2, 0),  # the same reversals in both zipped statements
])
def test_real_files_with_returns(session_factory, session, path, returns, linked):
    fixture = FIXTURES / path
    with session_factory.begin() as s:
        report = import_statement(s, Source.from_path(fixture), actor="tester")
    assert len(report.returns) == returns, report.returns
    rows = session.scalars(select(BankReturn)).all()
    assert len(rows) == returns
    assert sum(r.original_line_id is not None for r in rows) == linked
    open_items = session.scalars(select(MoneyBackItem).filter_by(
        cause="unidentified_return", status="open")).all()
    assert len(open_items) == returns - linked
    session.rollback()


@pytest.mark.postgres
def test_a_return_racing_a_match_on_its_credit_on_postgresql(pg_engine):
    """A person matches the credit while the return is imported: whichever commits first, the
    invoice ends unpaid, the credit counts as gone back once, and nothing is left half done."""
    import threading
    import time

    from recon.db import make_session_factory
    from recon.errors import ServiceError

    factory = make_session_factory(pg_engine)
    outcomes: list[str] = []
    for n in range(6):
        e2e = f"E2E-R{n}"
        with factory.begin() as s:
            invoice = make_invoice(s, "100.00", invoice_no=f"INV-R{n}")
        _import(factory, f"jan{n}.xml", _camt(f"J{n}", _entry("100.00", "CRDT", "2026-01-10",
                                                                e2e, name=f"PAYER {n}")))
        with factory() as s:
            credit_id = s.scalars(select(StatementLine.id).where(
                StatementLine.end_to_end_id == e2e)).one()
        barrier, errors = threading.Barrier(2), []

        def match(invoice_id=invoice.id, credit_id=credit_id, n=n, barrier=barrier,
                  errors=errors) -> None:
            barrier.wait()
            time.sleep(0.06 * n)  # from "at once" to "while the return is being imported"
            try:
                with factory.begin() as s:
                    line = s.get(StatementLine, credit_id)
                    allocations.create_match(s, receipt=line, status="manual", actor="clerk",
                                             allocations=[allocations.AllocationSpec(
                                                 invoice_id, Decimal(100))])
                outcomes.append("matched first")
            except ServiceError:
                outcomes.append("returned first")  # nothing is left to match
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        def give_back(n=n, e2e=e2e, barrier=barrier, errors=errors) -> None:
            barrier.wait()
            try:
                _import(factory, f"ret{n}.xml", _camt(f"R{n}", _entry(
                    "100.00", "DBIT", "2026-01-20", e2e, reversal=True, reason="MD06",
                    name=f"PAYER {n}", ref=f"RET{n}")))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=match), threading.Thread(target=give_back)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        with factory() as s:
            inv, credit = s.get(Invoice, invoice.id), s.get(StatementLine, credit_id)
            assert inv.paid_minor == 0 and inv.status == "open"
            assert credit.allocated_minor == credit.amount_minor
            assert reversals.taken_back(s, credit) == 10000
            assert s.scalar(select(func.count()).select_from(BankReturn).where(
                BankReturn.original_line_id == credit_id)) == 1
            reopened = s.scalar(select(Invoice.refunded_minor).where(Invoice.id == invoice.id))
            assert reopened == (10000 if outcomes[-1] == "matched first" else 0)


def test_a_gateway_refund_after_payment_raises_the_same_queue_item(session_factory, session):
    from recon.models import GatewayTransaction
    from tests.recon.test_money_back import _events, _send

    make_invoice(session, "100.00", "USD", invoice_no="INV-77")
    session.commit()
    events = _events(77, "won", refund=2500)
    _send(session_factory, *events["charge"], "g1")
    _send(session_factory, *events["refund"], "g2")
    _send(session_factory, *events["refund"], "g2-again")  # told twice: one item, same amount
    charge = session.scalars(select(GatewayTransaction).filter_by(gateway_id="ch_77")).one()
    item = session.scalars(select(MoneyBackItem)).one()
    assert (item.receipt_key, item.cause, item.amount_minor) == (
        f"charge-{charge.id}", "refunded_after_payment", 2500)
    assert queue_item(session, "charge", charge.id, today=TODAY).cause == "refunded_after_payment"
    session.rollback()
