"""Exact money: minor units per currency, no floats, over-precision refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recon.money import (
    Money,
    MoneyError,
    from_minor,
    is_iso4217,
    minor_units,
    parse_amount,
    to_minor,
)


@pytest.mark.parametrize(
    ("code", "places"),
    [("JPY", 0), ("EUR", 2), ("USD", 2), ("CNY", 2), ("KWD", 3), ("BHD", 3), ("CLF", 4)],
)
def test_minor_units_follow_iso4217(code: str, places: int) -> None:
    assert minor_units(code) == places


@pytest.mark.parametrize("code", ["usd", "EURO", "XYZ", "", "€"])
def test_unknown_codes_are_refused(code: str) -> None:
    assert not is_iso4217(code)
    with pytest.raises(MoneyError):
        minor_units(code)


def test_to_minor_refuses_more_decimals_than_the_currency_has() -> None:
    assert to_minor(Decimal("12.50"), "USD") == 1250
    assert to_minor(Decimal("12.500"), "USD") == 1250  # trailing zeros are fine
    with pytest.raises(MoneyError, match="more decimals"):
        to_minor(Decimal("12.505"), "USD")
    with pytest.raises(MoneyError):
        to_minor(Decimal("1.5"), "JPY")
    with pytest.raises(MoneyError, match="Decimal"):
        to_minor(12.5, "USD")  # type: ignore[arg-type]


def test_twelve_digit_amount_in_three_decimal_currency_is_exact() -> None:
    amount = Decimal("123456789012.345")
    assert from_minor(to_minor(amount, "KWD"), "KWD") == amount
    assert str(from_minor(to_minor(amount, "KWD"), "KWD")) == "123456789012.345"


def test_parse_amount_handles_decimal_comma() -> None:
    assert parse_amount("1.234,56", "EUR", decimal_comma=True) == Decimal("1234.56")
    with pytest.raises(MoneyError):
        parse_amount("abc", "EUR")


def test_money_refuses_mixed_currencies() -> None:
    assert Money(Decimal("1.10"), "EUR") + Money(Decimal("2.20"), "EUR") == Money(
        Decimal("3.30"), "EUR"
    )
    with pytest.raises(MoneyError):
        Money(Decimal("1"), "EUR") + Money(Decimal("1"), "USD")


@given(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.sampled_from(["JPY", "USD", "KWD", "CLF"]),
)
def test_minor_roundtrip_is_exact(minor: int, currency: str) -> None:
    assert to_minor(from_minor(minor, currency), currency) == minor


@given(
    st.integers(min_value=-(10**17), max_value=10**17),
    st.sampled_from(["JPY", "USD", "KWD", "CLF", "DEM"]),
)
def test_minor_text_is_the_decimal_text(minor: int, currency: str) -> None:
    from recon.money import minor_text

    assert minor_text(minor, currency) == str(from_minor(minor, currency))


def test_statement_currencies_include_withdrawn_codes_and_xxx() -> None:
    from recon.money import is_statement_currency

    assert is_statement_currency("DEM") and is_statement_currency("XXX")
    assert not is_iso4217("DEM") and not is_iso4217("XXX")  # invoices stay strict
    assert minor_units("DEM") == 2 and minor_units("ITL") == 0
    assert not is_statement_currency("XAU") and not is_statement_currency("ABC")
