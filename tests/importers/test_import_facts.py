"""The facts of ``fixtures/bank/expected.json`` hold for every file (outcome, counts, balances,
first booked line)."""

from __future__ import annotations

import json

import pytest

from importers import ImportFailure, Source, parse_source
from tests.conftest import FIXTURES

FACTS = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def test_every_fixture_has_facts() -> None:
    files = {str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/*")}
    assert files == set(FACTS)


@pytest.mark.parametrize("name", sorted(FACTS))
def test_facts(name: str) -> None:
    fact = FACTS[name]
    source = Source.from_path(FIXTURES / name)
    if fact["outcome"] == "refuse":
        with pytest.raises(ImportFailure) as caught:
            parse_source(source)
        assert caught.value.file.endswith(name.split("/")[-1])
        assert caught.value.message
        return
    parsed = parse_source(source)
    assert parsed.format.split(":")[0] == fact["format"]
    assert parsed.kind == fact["kind"]
    first_statement = parsed.statements[0]
    booked = [line for s in parsed.statements for line in s.booked_lines]
    got = {
        "statements": len(parsed.statements),
        "transactions": len(booked),
        "currency": first_statement.currency,
        "opening": str(first_statement.opening_balance),
        "closing": str(first_statement.closing_balance),
    }
    for key, value in got.items():
        if key in fact:
            wanted = str(fact[key]) if key in ("opening", "closing") else fact[key]
            assert value == wanted, key
    if "first" in fact:
        line = booked[0]
        seen = {"amount": str(line.amount), "date": str(line.booking_date),
                "value_date": str(line.value_date), "ref": line.bank_ref}
        assert {k: seen[k] for k in fact["first"]} == fact["first"]
