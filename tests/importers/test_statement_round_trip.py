"""Every statement format the whole-path benchmark writes reads back as the receipts it holds.

The benchmark's writers lay out generated receipts the way banks do (camt.053 RltdPties, OFX
NAME/MEMO/BANKACCTTO, German MT940 ?20-?33 one sub-field per line, a Chinese GB18030 CSV);
the importer must give back each payer name, payer account, text and amount, or the matcher
loses that evidence (the German ?31 account once came back glued to the front of the name, and
a blank ending a 27-character sub-field was lost with the line end: "...4S.A.").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.gen_matching import generate
from benchmarks.statement_files import WRITERS
from importers import Source, parse_source


def _read(tmp_path: Path, fmt: str, family: str):
    ds = generate(300, 5, family)
    name, write = WRITERS[fmt]
    write(ds, tmp_path / name)
    parsed = parse_source(Source(name, (tmp_path / name).read_bytes()))
    lines = {ln.bank_ref: ln for st in parsed.statements for ln in st.lines}
    return ds, lines


def _expected(fmt: str, rec) -> tuple[str, str, str]:
    if fmt == "ofx":  # NAME holds 32 characters and is read as the start of the text
        name = rec.payer_name[:32]
        return name, rec.payer_account, " ".join(p for p in (name, rec.remittance) if p)
    if fmt == "mt940":  # ?32 + ?33 hold 54 characters of the name
        return rec.payer_name[:54], rec.payer_account, rec.remittance
    if fmt == "camt":  # an empty text is written as "-" (Ustrd may not be empty)
        return rec.payer_name, rec.payer_account, rec.remittance or "-"
    return rec.payer_name, rec.payer_account, rec.remittance


@pytest.mark.parametrize(("fmt", "family"), [("camt", "EUR"), ("camt", "CNY"), ("ofx", "EUR"),
                                             ("ofx", "CNY"), ("mt940", "EUR"), ("csv", "CNY")])
def test_each_receipt_comes_back_with_its_payer_account_text_and_amount(tmp_path, fmt, family):
    ds, lines = _read(tmp_path, fmt, family)
    assert len(lines) == len(ds.receipts)
    for rec in ds.receipts:
        line = lines[rec.id]
        name, account, text = _expected(fmt, rec)
        got = (line.counterparty_name or "", line.counterparty_account or "",
               " ".join((line.remittance or "").split()))
        want = (name.strip(), account, " ".join(text.split()))
        assert got == want, rec.id
        assert line.amount == rec.amount
