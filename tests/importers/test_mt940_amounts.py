"""MT940 amounts longer than SWIFT's ``15d`` are refused naming the line; leading zeros are not
significant (mt-940 would otherwise cut a padded ``:61:`` amount)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from importers import ImportFailure, Source, parse_source


def _file(line_amount: str, closing: str, opening: str = "0,00") -> bytes:
    return (":20:STARTUMS\n:25:NL91ABNA0417164300\n:28C:1/1\n"
            f":60F:C260101EUR{opening}\n"
            f":61:2601020102C{line_amount}NTRFNONREF\n:86:test\n"
            f":62F:C260102EUR{closing}\n-\n").encode()


def test_a_line_amount_of_16_characters_is_refused_naming_the_line() -> None:
    with pytest.raises(ImportFailure) as caught:
        parse_source(Source("long.sta", _file("1234567890123,45", "1234567890123,45")))
    found = caught.value.to_dict()
    assert (found["line"], found["field"]) == (5, ":61:")
    assert "'1234567890123,45' is longer than the 15 characters" in found["message"]


def test_a_balance_of_17_significant_characters_is_refused() -> None:
    with pytest.raises(ImportFailure) as caught:
        parse_source(Source("long.sta", _file("1,00", "1,00", opening="12345678901234,567")))
    assert (caught.value.to_dict()["line"], caught.value.to_dict()["field"]) == (4, ":60F:")


def test_leading_zeros_are_dropped_not_cut() -> None:
    parsed = parse_source(Source("zeros.sta", _file("0000000001000,89", "0000000001000,89")))
    statement = parsed.statements[0]
    assert statement.lines[0].amount == Decimal("1000.89")  # mt-940 alone read 1000.8
    assert statement.closing_balance == Decimal("1000.89")
    assert statement.balance_gap() == 0


def test_fifteen_characters_still_import() -> None:
    parsed = parse_source(Source("ok.sta", _file("123456789012,45", "123456789012,45")))
    assert parsed.statements[0].lines[0].amount == Decimal("123456789012.45")
