"""Hostile and broken input: refused safely, with file, line/path and field named."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from importers import (
    BadEncoding,
    BadRecord,
    HostileInput,
    ImportFailure,
    Limits,
    Source,
    TooLarge,
    UnknownFormat,
    parse_source,
)
from importers.camt import CamtImporter
from importers.mt940 import Mt940Importer
from tests.importers import samples

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>&xxe;</Id></Stmt></BkToCstmrStmt></Document>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>&lol3;</Id></Stmt></BkToCstmrStmt></Document>"""


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_xml_entities_are_refused(payload: bytes) -> None:
    with pytest.raises(HostileInput) as caught:
        parse_source(Source("evil.xml", payload))
    assert caught.value.line == 2 and caught.value.field == "DOCTYPE"


def test_zip_bomb_is_refused_before_inflating() -> None:
    bomb = _zip({"statement.xml": b"<" + b"\0" * 5_000_000})
    with pytest.raises(HostileInput, match="zip bomb"):
        CamtImporter(Limits(max_ratio=100)).parse(Source("bomb.zip", bomb))


def test_zip_member_over_the_size_limit_is_refused() -> None:
    data = _zip({"a.xml": samples.CAMT.encode() * 50})
    with pytest.raises(TooLarge):
        CamtImporter(Limits(max_member_bytes=1000)).parse(Source("big.zip", data))


def test_zip_path_traversal_is_refused() -> None:
    data = _zip({"../../etc/evil.xml": samples.CAMT.encode()})
    with pytest.raises(HostileInput) as caught:
        parse_source(Source("evil.zip", data))
    assert caught.value.value == "../../etc/evil.xml"


def test_zip_with_too_many_members_is_refused() -> None:
    data = _zip({f"s{i}.xml": samples.CAMT.encode() for i in range(5)})
    with pytest.raises(HostileInput, match="over the limit"):
        CamtImporter(Limits(max_members=3)).parse(Source("many.zip", data))


def test_zipped_camt_imports_every_member() -> None:
    data = _zip({"a.xml": samples.CAMT.encode(), "b.xml": samples.CAMT.encode()})
    parsed = parse_source(Source("two.zip", data))
    assert len(parsed.statements) == 2


@pytest.mark.parametrize("data", [os.urandom(4096), b"", b"hello, world\n", b"\x89PNG\r\n\x1a\n"],
                         ids=["random", "empty", "text", "png"])
def test_non_statement_is_unknown_with_what_was_tried(data: bytes) -> None:
    with pytest.raises(UnknownFormat) as caught:
        parse_source(Source("junk.bin", data))
    assert "not a bank statement format I know" in str(caught.value)
    assert {"ofx", "camt", "mt940", "bai2"} <= set(caught.value.tried)


def test_truncated_camt_names_the_line() -> None:
    cut = samples.CAMT.encode()[: len(samples.CAMT) // 2]
    with pytest.raises(BadRecord) as caught:
        parse_source(Source("cut.xml", cut))
    assert caught.value.field == "xml" and caught.value.line


@pytest.mark.parametrize(("name", "text"), [("cut.ofx", samples.OFX), ("cut.bai2", samples.BAI2)])
def test_truncated_file_is_refused(name: str, text: str) -> None:
    cut = text[: text.rfind("\n", 0, len(text) - 2)]
    with pytest.raises(BadRecord) as caught:
        parse_source(Source(name, cut.encode()))
    assert caught.value.file == name


def test_wrong_encoding_is_refused_when_configured() -> None:
    data = samples.MT940.replace("GUTSCHRIFT", "Átutalás").encode("cp852")
    with pytest.raises(BadEncoding):
        Mt940Importer(encoding="utf-8").parse(Source("hu.sta", data))
    line = Mt940Importer().parse(Source("hu.sta", data)).statements[0].lines[0]
    assert line.remittance == "Inv05 paid"


def test_mixed_encoding_in_a_bom_file_is_refused() -> None:
    data = b"\xef\xbb\xbf" + samples.CSV.encode() + "2024-01-03,Caf\xe9,1.00,151.00\n".encode(
        "latin-1")
    with pytest.raises(BadEncoding) as caught:
        parse_source(Source("mixed.csv", data), fmt="csv:generic")
    assert caught.value.line == 3


def test_oversized_file_is_refused_without_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as handle:
        handle.truncate(1 << 30)  # a sparse 1 GiB file: refused from its size alone
    with pytest.raises(TooLarge) as caught:
        Source.from_path(huge)
    assert caught.value.value == 1 << 30


def test_oversized_upload_is_refused() -> None:
    with pytest.raises(TooLarge):
        parse_source(Source("big.csv", samples.CSV.encode()), limits=Limits(max_bytes=10))


@pytest.mark.parametrize(("cell", "message"), [
    ("1899-12-31", "date out of range"),
    ("2024-02-30", "not a date"),
])
def test_bad_dates_are_refused(cell: str, message: str) -> None:
    text = samples.CSV.replace("2024-01-02", cell)
    with pytest.raises(BadRecord, match=message) as caught:
        parse_source(Source("d.csv", text.encode()))
    assert caught.value.field == "Date" and caught.value.line == 2


def test_amount_with_too_many_decimals_is_refused() -> None:
    text = samples.CSV.replace("50.00", "50.0000001")
    with pytest.raises(BadRecord, match="decimals") as caught:
        parse_source(Source("d.csv", text.encode()))
    assert caught.value.field == "Amount"


def test_balance_that_does_not_add_up_is_a_warning() -> None:
    text = samples.CAMT.replace(">150.00<", ">151.00<")
    statement = parse_source(Source("w.xml", text.encode())).statements[0]
    assert statement.balance_gap() == 1
    assert any("do not add up" in w for w in statement.warnings)


def test_empty_statement_with_balances_is_still_a_statement() -> None:
    start = samples.CAMT.index("<Ntry>")
    text = samples.CAMT[:start] + samples.CAMT[samples.CAMT.index("</Ntry>") + 7 :]
    statement = parse_source(Source("e.xml", text.encode())).statements[0]
    assert statement.lines == () and statement.closing_balance is not None


def test_every_failure_is_an_import_failure_with_a_readable_str() -> None:
    error = BadRecord("amount is missing", file="f.csv", line=3, field="Amount", value="x")
    assert isinstance(error, ImportFailure)
    assert str(error) == "f.csv:3: Amount: amount is missing (value 'x')"
