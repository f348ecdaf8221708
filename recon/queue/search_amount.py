"""An amount typed into a search box, read with bounds (helper of every queue search).

A search box takes any text; when the text reads as an amount, the queue and the invoice search
of a receipt page also compare it with stored minor units (the queue at each currency's exponent,
``exponent_of`` in SQL). ``Decimal`` accepts exponents up to
999,999,999, and scaling ``1e400000`` into minor units builds an integer of 400,000 digits:
seconds of CPU per request, a denial of service open to any viewer. So this helper never hands
exponents to ``Decimal``: an amount is a plain decimal number (optional sign, ``,`` as thousands
separator) of at most ``MAX_DIGITS`` integer digits and ``MAX_DECIMALS`` decimals, which keeps
every minor-unit value within a 64-bit column. Anything else is just text. Raises nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import sqlalchemy as sa

from recon.money import iso_codes, minor_units

__all__ = ["MAX_DECIMALS", "MAX_DIGITS", "exponent_of", "minor_by_exponent", "search_amount"]

MAX_DIGITS = 15
"""Integer digits: 10**15 in a currency of 3 decimals is 10**18 minor units, under 2**63."""
MAX_DECIMALS = 3
"""The most decimals any currency has (ISO 4217: BHD, KWD, ...)."""

_AMOUNT = re.compile(rf"[+-]?(?:\d{{1,{MAX_DIGITS}}}(?:\.\d{{0,{MAX_DECIMALS}}})?"
                     rf"|\.\d{{1,{MAX_DECIMALS}}})")


def search_amount(text: str | None) -> Decimal | None:
    """The amount ``text`` spells (``"1,234.50"`` -> 1234.50), or ``None`` when it is not a
    plain, bounded decimal number."""
    raw = (text or "").strip().replace(",", "")
    if len(raw) > MAX_DIGITS + MAX_DECIMALS + 2 or not _AMOUNT.fullmatch(raw):
        return None
    return Decimal(raw)


def minor_by_exponent(amount: Decimal, exponents: tuple[int, ...] = (0, 2, 3)) -> dict[int, int]:
    """``{exponent: minor units}`` for each currency exponent the amount is whole in."""
    out = {}
    for exp in exponents:
        scaled = amount.scaleb(exp)
        if scaled == scaled.to_integral_value():
            out[exp] = int(scaled)
    return out


@lru_cache(maxsize=1)
def _non_two_exponents() -> dict[str, int]:
    return {c: minor_units(c) for c in iso_codes() if minor_units(c) != 2}


def exponent_of(currency: sa.ColumnElement[str]) -> sa.ColumnElement[int]:
    """The currency's number of decimals as SQL (2 unless listed): the exponent a stored amount
    is compared at (``minor_by_exponent``)."""
    table = _non_two_exponents()
    return sa.case(table, value=currency, else_=2) if table else sa.literal(2)
