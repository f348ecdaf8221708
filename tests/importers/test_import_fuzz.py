"""Fuzz targets for each importer's parse entry (issue #14): hypothesis mutates a valid
statement of each format (bytes replaced, inserted, cut, spliced with hostile tokens: NUL,
huge exponents and digit runs, DOCTYPEs, deep nesting, stray quotes and CRs) and asserts that
``parse_source`` either returns statements or raises the importers' own ``ImportFailure``:
any other exception is a finding.

A bounded budget in CI (``IMPORTER_FUZZ_EXAMPLES`` per format, 150 by default); the longer run
is ``IMPORTER_FUZZ_EXAMPLES=20000 pytest tests/importers/test_import_fuzz.py`` (docs/DEVELOPING.md).
"""

from __future__ import annotations

import contextlib
import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from importers import ImportFailure, Source, parse_source
from tests.importers import samples

EXAMPLES = int(os.environ.get("IMPORTER_FUZZ_EXAMPLES", "150"))

TOKENS = [b"\x00", b"\r", b"\n", b'"', b"1e400000", b"9" * 40, b"-", b",", b".", b":61:",
          b":62F:", b"<!-- <a> -->", b"<!DOCTYPE d [<!ENTITY e 'x'>]>", b"&e;", b"<a>" * 300,
          b"\xff\xfe", b"\xef\xbb\xbf", b"]]>", b"<![CDATA[", b"NaN", b"Infinity", b"</OFX>",
          b"16,", b"99/", b"1E+30", b"\\", b"\t"]


def _xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    for row in samples.CSV.strip().splitlines():
        sheet.append(row.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SEEDS = {
    "ofx": ("s.ofx", samples.OFX.encode()),
    "camt": ("s.xml", samples.CAMT.encode()),
    "mt940": ("s.sta", samples.MT940.encode()),
    "bai2": ("s.bai", samples.BAI2.encode()),
    "csv:generic": ("s.csv", samples.CSV.encode()),
    "xlsx:generic": ("s.xlsx", _xlsx()),
}


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["replace", "insert", "delete", "token", "cut"]))
        if action == "replace" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif action == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif action == "cut":
            del data[at:]
    return bytes(data)


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_parse_entry_raises_only_import_failures(fmt: str) -> None:
    name, seed = SEEDS[fmt]
    parse_source(Source(name, seed), fmt)  # the seed itself parses

    @given(data=st.one_of(mutated(seed), st.binary(max_size=256)))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(data: bytes) -> None:
        with contextlib.suppress(ImportFailure):  # anything else fails the test
            parse_source(Source(name, data), fmt)

    fuzz()
