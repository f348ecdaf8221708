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


def _record(rng: random.Random, i: int, rare: float) -> tuple:
    def text() -> str | None:
        roll = rng.random()
        if roll < rare / 2:
            return rng.choice(["=1+1", "+31 20", "-x", "@SUM(A1)", "\tx", "\rx"])
        if roll < rare:
            return rng.choice(
                [
                    "",
                    "a\x00=b",
                    "\x00",
                    "x\x00@",
                    None,
                    "a,b",
                    'q"uote',
                    "None",
                    " =x",
                    "a\tb",
                    "a\nb",
                    "a\rb",
                    "%s",
                    "x=",
                    7,
                ]
            )
        return f"R{rng.randrange(10_000)}"

    def number() -> object:
        return (
            rng.choice(["1.00"] * 300 + ["-1.00", None, 2.5, 3])
            if rng.random() < rare * 20
            else "1.00"
        )

    return tuple(
        i if c == "match_id" else number() if c == "amount" else "0.5000" if c == "confidence"
        else text()
        for c in COLUMNS
    )  # fmt: skip


def test_chunks_match_the_cell_by_cell_rule(monkeypatch) -> None:
    monkeypatch.setattr(export, "_CHUNK", 7)  # many chunks, hits at their edges
    rng = random.Random(5)
    for size, rare in ((0, 0.05), (1, 0.05), (6, 0.05), (7, 0.05), (8, 0.05), (300, 0.05),
                       (300, 0.002)):  # fmt: skip
        records = [_record(rng, i, rare) for i in range(size)]
        out = io.StringIO()
        assert write_csv_records(iter(records), out) == size
        assert out.getvalue() == _reference(records)
        lists = io.StringIO()  # lists: the csv module formats them
        assert write_csv_records([list(r) for r in records], lists) == size
        assert lists.getvalue() == out.getvalue()


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


def test_write_csv_of_dicts_writes_what_the_records_give() -> None:
    rng = random.Random(9)
    records = [_record(rng, i, 0.05) for i in range(50)]
    by_dict, by_tuple = io.StringIO(), io.StringIO()
    assert export.write_csv([dict(zip(COLUMNS, r, strict=True)) for r in records], by_dict) == 50
    write_csv_records(records, by_tuple)
    assert by_dict.getvalue() == by_tuple.getvalue() == _reference(records)
