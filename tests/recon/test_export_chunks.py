"""The chunked CSV writer neutralises exactly the cells the cell-by-cell rule does."""

from __future__ import annotations

import csv
import io
import random

from recon.reports import export
from recon.reports.export import _NUMERIC, COLUMNS, safe_cell, write_csv_records


def _reference(records: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(
            ["" if v is None else str(v) if c in _NUMERIC else safe_cell("" if v is None else str(v))
             for c, v in zip(COLUMNS, record, strict=True)]
        )  # fmt: skip
    return out.getvalue()


def _record(rng: random.Random, i: int) -> tuple:
    def text() -> str | None:
        roll = rng.random()
        if roll < 0.02:
            return rng.choice(["=1+1", "+31 20", "-x", "@SUM(A1)", "\tx", "\rx"])
        if roll < 0.03:
            return rng.choice(["", "a\x00=b", "\x00", "x\x00@", None, "a,b", 'q"uote'])
        return f"R{rng.randrange(10_000)}"

    return tuple(
        i if c == "match_id" else "-1.00" if c == "amount" else "0.5000" if c == "confidence"
        else text()
        for c in COLUMNS
    )  # fmt: skip


def test_chunks_match_the_cell_by_cell_rule(monkeypatch) -> None:
    monkeypatch.setattr(export, "_CHUNK", 7)  # many chunks, hits at their edges
    rng = random.Random(5)
    for size in (0, 1, 6, 7, 8, 300):
        records = [_record(rng, i) for i in range(size)]
        out = io.StringIO()
        assert write_csv_records(iter(records), out) == size
        assert out.getvalue() == _reference(records)


def test_a_formula_in_the_first_and_last_cell_of_a_chunk(monkeypatch) -> None:
    monkeypatch.setattr(export, "_CHUNK", 2)
    plain = tuple("1" if c in _NUMERIC else "x" for c in COLUMNS)
    first = ("=a", *plain[1:])
    last = (*plain[:-1], "@z")
    records = [first, plain, plain, last, last, first]
    out = io.StringIO()
    write_csv_records(records, out)
    assert out.getvalue() == _reference(records)
    assert out.getvalue().count("'") == 4
