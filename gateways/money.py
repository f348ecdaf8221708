"""Exact money conversion for gateway amounts (leaf layer).

Gateways speak two dialects: integer minor units (Stripe API, WeChat fen) and decimal strings in
major units (Alipay notifications, Stripe reports, Alipay/WeChat bills).  Both become a `Decimal`
quantized to the currency's ISO 4217 exponent (the project's one table, the ``iso4217``
package); nothing goes through float.  Stripe's integer amounts follow Stripe's own wire
convention instead (its zero- and three-decimal lists; ISK is sent with two decimals), so
`from_stripe_minor` reads them with that convention and returns the ISO amount.  Raises
`ValueError` on text that is not an amount or on precision the currency cannot hold.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from iso4217 import Currency

# Stripe's wire convention (GATEWAYS.md 1.7, docs.stripe.com/currencies): its zero-decimal and
# three-decimal lists; every other currency travels with 2 decimals.
STRIPE_ZERO_DECIMAL = frozenset({
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
    "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
})
STRIPE_THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})

_STRIP = " \t\r\n`¥￥,"  # padding, backticks, yen/yuan signs, thousands separators


@lru_cache(maxsize=256)
def exponent(currency: str) -> int:
    """ISO 4217 minor-unit digits of a code (case-insensitive); 2 when ISO gives none."""
    try:
        places = Currency(currency.upper()).exponent
    except ValueError:
        raise ValueError(f"unknown currency {currency!r} (not ISO 4217)") from None
    return 2 if places is None else places


def stripe_exponent(currency: str) -> int:
    """Digits of Stripe's integer amounts in ``currency`` (Stripe's convention, not ISO's)."""
    code = currency.upper()
    if code in STRIPE_ZERO_DECIMAL:
        return 0
    if code in STRIPE_THREE_DECIMAL:
        return 3
    return 2


def quantum(currency: str) -> Decimal:
    """The smallest unit of `currency` as a Decimal (``Decimal("0.01")`` for USD)."""
    return Decimal(1).scaleb(-exponent(currency))


def from_minor(amount: int, currency: str) -> Decimal:
    """Integer minor units (``1000`` USD) to a major-unit Decimal (``10.00``); JPY stays as-is."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"minor-unit amount must be an integer, got {type(amount).__name__}")
    return Decimal(amount).scaleb(-exponent(currency)).quantize(quantum(currency))


def from_stripe_minor(amount: int, currency: str) -> Decimal:
    """A Stripe integer amount (``1000`` USD, ``500`` JPY, ``100000`` ISK) to the ISO-quantized
    Decimal (``10.00``, ``500``, ``1000``); raises if it does not fit the ISO precision."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"minor-unit amount must be an integer, got {type(amount).__name__}")
    value = Decimal(amount).scaleb(-stripe_exponent(currency))
    exact = value.quantize(quantum(currency))
    if exact != value:
        raise ValueError(f"{amount} has more precision than {currency.upper()} allows")
    return exact


def parse_major(text: str, currency: str) -> Decimal:
    """Parse a major-unit amount string (``"1,234.50"``, ``"¥28.16"``, ``"`0.32000"``) exactly.

    Trailing zeros beyond the currency's precision are fine (WeChat fees have five decimals);
    a non-zero digit past it raises `ValueError` rather than being rounded away.
    """
    cleaned = text.strip(_STRIP).replace(",", "")
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    try:
        exact = value.quantize(quantum(currency))
    except InvalidOperation:  # more digits than the context holds: not a real amount
        raise ValueError(f"not an amount: {text!r}") from None
    if exact != value:
        raise ValueError(f"{text!r} has more precision than {currency.upper()} allows")
    return exact
