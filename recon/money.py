"""Exact money: ISO 4217 codes, minor units, and conversions between ``Decimal`` and integers.

Money is persisted as an integer count of the currency's minor units plus the ISO 4217 code, and
read back as an exact ``Decimal``; nothing here ever touches a float. Codes and minor units come
from ISO 4217's own list as shipped by the maintained ``iso4217`` package (HUF 2, IQD 3, VND 0,
CLF 4) -- the one table for every package. Babel's CLDR digits are display conventions that
change between releases (HUF is 0 under babel 2.19) and are used for display only, with one
exception: codes ISO lists without minor units (``XXX``) or no longer lists at all (``DEM`` in an
old MT940 archive) carry no ISO figure, so statements in them use CLDR's digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from iso4217 import Currency

__all__ = [
    "Money",
    "MoneyError",
    "from_minor",
    "is_iso4217",
    "is_statement_currency",
    "iso_codes",
    "iso_minor_units",
    "minor_text",
    "minor_units",
    "parse_amount",
    "quantize",
    "to_minor",
]

# Codes that ISO 4217 lists but that no bank statement or invoice may carry money in.
_NOT_MONEY = frozenset(
    {"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XDR", "XBA", "XBB", "XBC", "XBD"}
)


class MoneyError(ValueError):
    """An amount or currency that cannot be held exactly (unknown code, too many decimals)."""


@lru_cache(maxsize=512)
def is_iso4217(code: str) -> bool:
    """True for an active ISO 4217 currency code that can carry money (``"EUR"``, not ``"eur"``)."""
    if len(code) != 3 or not code.isascii() or not code.isupper() or code in _NOT_MONEY:
        return False
    return iso_minor_units(code) is not None


def iso_codes() -> tuple[str, ...]:
    """Every active ISO 4217 code that carries money."""
    return tuple(c.code for c in Currency if is_iso4217(c.code))


@lru_cache(maxsize=512)
def iso_minor_units(code: str) -> int | None:
    """ISO 4217's minor units of an active code (``None`` for unknown codes and for codes such as
    ``XAU`` that ISO lists without minor units). The only exponent table of the project."""
    try:
        return Currency(code.upper()).exponent
    except ValueError:
        return None


@lru_cache(maxsize=512)
def is_statement_currency(code: str) -> bool:
    """True for any code a bank statement may really carry: an active ISO 4217 currency, a
    withdrawn one (``DEM`` in an old MT940 archive) or ``XXX`` (no currency; anonymised files).

    Invoices are held to the stricter ``is_iso4217``: nobody issues a new invoice in marks.
    """
    if is_iso4217(code):
        return True
    return len(code) == 3 and code.isascii() and code.isupper() and code in _cldr_codes()


@lru_cache(maxsize=1)
def _cldr_codes() -> frozenset[str]:
    from babel.numbers import list_currencies  # CLDR's tables: only for a code ISO lacks

    return frozenset(list_currencies()) - (_NOT_MONEY - {"XXX"})


@lru_cache(maxsize=512)
def minor_units(currency: str) -> int:
    """Number of decimal places of ``currency`` (JPY 0, USD 2, KWD 3); raises on unknown codes."""
    if not is_statement_currency(currency):
        raise MoneyError(f"unknown currency code {currency!r} (not ISO 4217)")
    iso = iso_minor_units(currency)
    if iso is not None:
        return iso
    from babel.numbers import get_currency_precision  # XXX, DEM: see the module docstring

    return int(get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half-even to the currency's minor unit (only for computed values)."""
    exp = Decimal(1).scaleb(-minor_units(currency))
    return amount.quantize(exp, rounding=ROUND_HALF_EVEN)


def to_minor(amount: Decimal, currency: str) -> int:
    """Exact integer of minor units; raises ``MoneyError`` if ``amount`` has more decimals.

    ``Decimal("12.50")`` in USD is 1250; ``Decimal("12.505")`` in USD raises rather than rounds,
    because a bank amount with a digit too many is an error to report, not to hide.
    """
    if not isinstance(amount, Decimal):
        raise MoneyError(f"amount must be a Decimal, got {type(amount).__name__}")
    if not amount.is_finite():
        raise MoneyError(f"amount {amount} is not a finite number")
    scaled = amount.scaleb(minor_units(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(
            f"amount {amount} has more decimals than {currency} allows ({minor_units(currency)})"
        )
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """The exact ``Decimal`` of ``minor`` units, with the currency's number of decimals."""
    places = minor_units(currency)
    return Decimal(int(minor)).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def minor_text(minor: int, currency: str) -> str:
    """``str(from_minor(minor, currency))`` by integer arithmetic (exports write one per row:
    no Decimal built). Plain digits, a ``-`` and the currency's decimals, never an exponent."""
    places = minor_units(currency)
    if not places:
        return str(int(minor))
    units, cents = divmod(abs(int(minor)), 10**places)
    return f"{'-' if minor < 0 else ''}{units}.{cents:0{places}d}"


def parse_amount(text: str, currency: str, *, decimal_comma: bool = False) -> Decimal:
    """Parse a decimal string (optionally with a decimal comma) exactly, checking precision."""
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if decimal_comma:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise MoneyError(f"{text!r} is not a number") from exc
    to_minor(value, currency)  # precision check
    return from_minor(to_minor(value, currency), currency)


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency; arithmetic only between the same currency."""

    amount: Decimal
    currency: str

    @classmethod
    def of_minor(cls, minor: int, currency: str) -> Money:
        return cls(from_minor(minor, currency), currency)

    @property
    def minor(self) -> int:
        return to_minor(self.amount, self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
