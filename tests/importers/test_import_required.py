"""Spec-driven tests: drop each required field of each format and expect a ``BadRecord``
naming that field and its line."""

from __future__ import annotations

import pytest

from importers import BadRecord, ImportFailure, Source, parse_source
from tests.importers import samples

CASES = [
    # (format, sample, text to remove, field named in the error)
    ("camt", samples.CAMT, '<Amt Ccy="EUR">50.00</Amt>', "Ntry/Amt"),
    ("camt", samples.CAMT, "<CdtDbtInd>CRDT</CdtDbtInd><Sts>", "Ntry/CdtDbtInd"),
    ("camt", samples.CAMT, "<BookgDt><Dt>2024-01-02</Dt></BookgDt>", "Ntry/BookgDt"),
    ("ofx", samples.OFX, "<TRNAMT>50.00", "STMTTRN/TRNAMT"),
    ("ofx", samples.OFX, "<DTPOSTED>20240102000000[+8:CST]", "STMTTRN/DTPOSTED"),
    ("bai2", samples.BAI2, "02,RECEIVER,SENDER,1,240102", "02.as-of date"),
    ("bai2", samples.BAI2, "16,195,5000", "16.amount"),
    ("csv", samples.CSV, "2024-01-02", "Date"),
    ("csv", samples.CSV, "50.00", "Amount"),
]
REPLACEMENTS = {
    "02,RECEIVER,SENDER,1,240102": "02,RECEIVER,SENDER,1,",
    "16,195,5000": "16,195,X",
    "<CdtDbtInd>CRDT</CdtDbtInd><Sts>": "<Sts>",
}


def _import(fmt: str, text: str):
    name = {"csv": "s.csv", "bai2": "s.bai2", "camt": "s.xml", "ofx": "s.ofx"}[fmt]
    return parse_source(Source(name, text.encode()), fmt="csv:generic" if fmt == "csv" else fmt)


@pytest.mark.parametrize("fmt", ["camt", "ofx", "mt940", "bai2", "csv"])
def test_complete_sample_imports(fmt: str) -> None:
    parsed = _import(fmt, getattr(samples, fmt.upper())) if fmt != "mt940" else parse_source(
        Source("s.sta", samples.MT940.encode()), fmt="mt940")
    statement = parsed.statements[0]
    assert [str(line.amount) for line in statement.booked_lines] in (["50.00"], ["50"])
    assert statement.balance_gap() in (0, None)


@pytest.mark.parametrize(("fmt", "sample", "drop", "field"), CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_missing_required_field_is_named(fmt: str, sample: str, drop: str, field: str) -> None:
    broken = sample.replace(drop, REPLACEMENTS.get(drop, ""), 1)
    assert broken != sample
    with pytest.raises(BadRecord) as caught:
        _import(fmt, broken)
    error = caught.value
    assert field in (error.field or ""), str(error)
    assert error.line is not None and error.file.startswith("s.")
    assert error.file in str(error) and str(error.line) in str(error)


def test_mt940_bad_statement_line_is_refused() -> None:
    broken = samples.MT940.replace(":61:2312290102C50,00", ":61:23122901024C5X,00")
    with pytest.raises(ImportFailure) as caught:
        parse_source(Source("s.sta", broken.encode()), fmt="mt940")
    assert caught.value.file == "s.sta"


def test_mt940_entry_date_year_is_inferred_across_year_end() -> None:
    line = parse_source(Source("s.sta", samples.MT940.encode())).statements[0].lines[0]
    assert str(line.value_date) == "2023-12-29"
    assert str(line.booking_date) == "2024-01-02"


def test_mt940_german_86_subfields() -> None:
    line = parse_source(Source("s.sta", samples.MT940.encode())).statements[0].lines[0]
    assert line.end_to_end_id == "E2E1"
    assert line.remittance == "Inv05 paid"
    assert line.counterparty_name == "PAYER GMBH"
    assert line.bank_ref == "B1"


def test_mt940_german_86_account_and_name_in_their_own_fields() -> None:
    # ?30 bank code, ?31 the payer's account (IBAN), ?32 + ?33 the name (27 characters each)
    text = samples.MT940.replace("?32PAYER GMBH", "?30COBADEFFXXX?31DE89370400440532013000"
                                 "?32ALPEN MASCHINENBAU HANDELS?33GESELLSCHAFT MBH")
    line = parse_source(Source("s.sta", text.encode())).statements[0].lines[0]
    assert line.counterparty_account == "DE89370400440532013000"
    assert line.counterparty_name == "ALPEN MASCHINENBAU HANDELSGESELLSCHAFT MBH"


def test_mt940_blank_that_ends_a_sub_field_line_is_kept() -> None:
    # one sub-field per line, 27 characters each: the blank at the end of ?32 is part of the name
    text = samples.MT940.replace("?32PAYER GMBH", "\n?32SILVER OAK MANUFACTURING 4 \n?33S.A.")
    line = parse_source(Source("s.sta", text.encode())).statements[0].lines[0]
    assert line.counterparty_name == "SILVER OAK MANUFACTURING 4 S.A."


def test_mt940_the_party_an_agent_pays_for_is_kept() -> None:
    # German SEPA ABWA+ (abweichender Auftraggeber) and Dutch /ULTD/: the ultimate debtor
    german = samples.MT940.replace("?32", "?22ABWA+ACME GMBH?32")
    line = parse_source(Source("s.sta", german.encode())).statements[0].lines[0]
    assert ("Ultimate", "ACME GMBH") in line.other_refs
    from importers.mt940_details import parse_details

    dutch = "/TRTP/SEPA OVERBOEKING/NAME/PAYPAL EUROPE/ULTD/ACME GMBH/ID1/REMI/USTD//INV 5/"
    assert parse_details(dutch).ultimate == "ACME GMBH"


def test_ofx_keeps_the_bank_local_date() -> None:
    line = parse_source(Source("s.ofx", samples.OFX.encode())).statements[0].lines[0]
    assert str(line.booking_date) == "2024-01-02"  # ofxparse alone says 2024-01-01 16:00 UTC


def test_bai2_signs_by_type_code() -> None:
    debit = samples.BAI2.replace("16,195,", "16,495,").replace("015,15000", "015,5000")
    statement = parse_source(Source("s.bai2", debit.encode())).statements[0]
    assert str(statement.lines[0].amount) == "-50.00"
    assert statement.lines[0].bank_ref == "BANKREF1"


def test_csv_both_credit_and_debit_filled_is_an_error() -> None:
    text = "Date,Label,Debit,Credit\n2024-01-02,x,10.00,5.00\n"
    with pytest.raises(BadRecord) as caught:
        parse_source(Source("s.csv", text.encode()))
    assert caught.value.line == 2 and "Credit/Debit" in caught.value.field


def test_csv_every_bad_line_is_reported_at_once() -> None:
    text = "Date,Label,Amount\n2024-01-02,x,abc\n2024-01-03,y,1.00\n2024-13-01,z,2.00\n"
    with pytest.raises(BadRecord) as caught:
        parse_source(Source("s.csv", text.encode()))
    assert [e.line for e in caught.value.errors] == [2, 4]
