"""Hostile files found by the hardening campaign (issue #14): each is refused with a located
``ImportFailure`` (or read correctly), never a crash of another type."""

from __future__ import annotations

import pytest

from importers import BadEncoding, BadRecord, HostileInput, ImportFailure, Source, parse_source
from tests.importers import samples

HEADER = b"Date,Label,Amount,Balance\n"


def test_cr_inside_a_quoted_csv_field_is_part_of_the_field() -> None:
    data = HEADER + b'2024-01-02,"Pay\rment",50.00,150.00\r\n'
    parsed = parse_source(Source("cr.csv", data))
    assert parsed.statements[0].lines[0].amount == 50


def test_a_csv_field_over_the_limit_names_the_line() -> None:
    data = HEADER + b'2024-01-02,Payment,50.00,150.00\n2024-01-03,"' + b"x" * (2 << 20) + b'",1,2\n'
    with pytest.raises(BadRecord) as caught:
        parse_source(Source("huge.csv", data))
    assert caught.value.field == "csv" and caught.value.line == 3


@pytest.mark.parametrize(("name", "data", "field"), [
    ("big.csv", HEADER + b"2024-01-02,Payment,99999999999999999999999.00,150.00\n",
     "opening balance"),  # the CSV's opening is derived from the running balance first
    ("exp.xml", samples.CAMT.replace(">50.00</Amt>", ">5E+30</Amt>").encode(),
     "BkToCstmrStmt/Stmt/Ntry/Amt"),  # camt's own amount syntax refuses exponents
    ("big.xml", samples.CAMT.replace(">150.00</Amt>", ">1000000000000000.00</Amt>").encode(),
     "closing balance"),
    ("big.ofx", samples.OFX.replace("<TRNAMT>50.00", "<TRNAMT>99999999999999999999.00").encode(),
     "opening balance"),  # OFX's opening is derived: ledger balance minus the lines
])
def test_amounts_beyond_64_bit_minor_units_are_refused(name, data, field) -> None:
    with pytest.raises(BadRecord) as caught:
        parse_source(Source(name, data))
    assert caught.value.field == field and caught.value.file == name


@pytest.mark.parametrize(("name", "data"), [
    ("nul.csv", HEADER + b"2024-01-02,Pay\x00ment,50.00,150.00\n"),
    ("nul.ofx", samples.OFX.replace("Payer", "Pa\x00yer").encode()),
    ("nul.txt", samples.BAI2.replace("PAYER", "PA\x00YER").encode()),
])
def test_a_nul_character_is_refused_with_its_line(name, data) -> None:
    with pytest.raises(ImportFailure) as caught:
        parse_source(Source(name, data), {"csv": "csv", "sta": "mt940", "ofx": "ofx",
                                          "txt": "bai2"}[name.rsplit(".", 1)[1]])
    line = data[: data.index(b"\x00")].count(b"\n") + 1
    assert isinstance(caught.value, BadEncoding) and caught.value.line == line


ENTITY = '<!DOCTYPE Document [<!ENTITY xxe "x">]>'


@pytest.mark.parametrize("prolog", [
    "<!-- <a> -->" + ENTITY,
    "<?pi <a>?>\n<!-- x -->\n" + ENTITY,
    "<!----><!-- -- <b> -->" + ENTITY,
])
def test_doctype_after_a_comment_is_still_refused(prolog) -> None:
    body = samples.CAMT.replace("<Document", prolog + "<Document", 1).replace("REF1", "A&xxe;B")
    with pytest.raises(HostileInput):
        parse_source(Source("evil.xml", body.encode()), "camt")


def test_doctype_in_utf16_is_refused_from_the_parsed_document() -> None:
    body = samples.CAMT.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    body = body.replace("<Document", ENTITY + "<Document", 1).replace("REF1", "A&xxe;B")
    with pytest.raises(HostileInput):
        parse_source(Source("evil16.xml", body.encode("utf-16")), "camt")


def test_truncated_mt940_is_marked_incomplete() -> None:
    cut = samples.MT940.split(":62F:")[0]
    statement = parse_source(Source("cut.sta", cut.encode()), "mt940").statements[0]
    assert statement.closing_balance is None
    assert statement.incomplete and "62F" in statement.incomplete[0]
    whole = parse_source(Source("whole.sta", samples.MT940.encode()), "mt940").statements[0]
    assert whole.incomplete == ()
