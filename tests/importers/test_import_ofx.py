"""OFX: ofxparse path and fast path agree; local dates; what ofxparse alone gets wrong."""

from __future__ import annotations

import io
from pathlib import Path

import ofxparse
import pytest

from importers import Source
from importers.ofx import OfxImporter
from importers.ofx_sgml import read, to_sgml
from tests.conftest import FIXTURES

OFX_FILES = sorted((FIXTURES / "ofx").iterdir())


def _outcome(importer: OfxImporter, path: Path):
    try:
        return importer.parse(Source.from_path(path)).statements
    except Exception as exc:  # compare refusals too
        return (type(exc).__name__, getattr(exc, "line", None), getattr(exc, "field", None))


@pytest.mark.parametrize("path", OFX_FILES, ids=lambda p: p.name)
def test_fast_path_equals_ofxparse_path(path: Path) -> None:
    assert _outcome(OfxImporter(fast_path_over=-1), path) == _outcome(OfxImporter(), path)


@pytest.mark.parametrize("name", [
    "ofxparse_chase_cc.qfx", "ofxparse_ofx-v102-empty-tags.ofx",
    "ofxparse_fail_nice-empty_balance.ofx", "asgrim_ofxdata-selfclose.ofx",
])
def test_files_ofxparse_fails_on_import_with_us(name: str) -> None:
    data = (FIXTURES / "ofx" / name).read_bytes()
    with pytest.raises(Exception):  # noqa: B017 - ofxparse raises assorted types
        ofxparse.OfxParser.parse(io.BytesIO(data))
    assert OfxImporter().parse(Source(name, data)).statements


def test_utf8_under_a_cp1252_header_decodes_as_utf8() -> None:
    statement = OfxImporter().parse(Source.from_path(FIXTURES / "ofx/asgrim_ofxdata-bb.ofx"))
    assert "DOC CRÉDITO EM CONTA" in statement.statements[0].lines[0].remittance


def test_dates_are_not_shifted_to_utc() -> None:
    parsed = OfxImporter().parse(Source.from_path(FIXTURES / "ofx/ofxtools_br_nubank_cc.ofx"))
    assert str(parsed.statements[0].lines[0].booking_date) == "2024-03-23"


def test_pre_processing_closes_every_leaf() -> None:
    document = read((FIXTURES / "ofx/ofxparse_bank_medium.ofx").read_bytes(), "m.ofx")
    text = to_sgml(document.root)
    assert text.count("<TRNAMT>") == text.count("</TRNAMT>") == 3
    assert "[-5:EST]" not in text
