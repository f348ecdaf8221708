"""Exact money conversion for gateway amounts (leaf layer).

Gateways speak two dialects: integer minor units (Stripe API, WeChat fen) and decimal strings in
major units (Alipay notifications, Stripe reports, Alipay/WeChat bills).  Both become a `Decimal`
quantized to the currency's exponent; nothing goes through float.  Raises `ValueError` on text
that is not an amount or on precision the currency cannot hold.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# Stripe's zero-decimal and three-decimal lists (GATEWAYS.md 1.7); everything else has 2.
ZERO_DECIMAL = frozenset({
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
    "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
})
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})

_STRIP = " \t\r\n`¥￥,"  # padding, backticks, yen/yuan signs, thousands separators


def exponent(currency: str) -> int:
    """Number of minor-unit digits of an ISO 4217 code (case-insensitive)."""
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
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
