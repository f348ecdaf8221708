"""Read integer minor-unit columns as exact ``Decimal`` through a tiny descriptor."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from recon.money import from_minor, to_minor

__all__ = ["MoneyAttr"]


class MoneyAttr:
    """``invoice.amount`` ⇄ ``invoice.amount_minor`` in ``invoice.currency``; never a float.

    SQLAlchemy's ``Numeric`` goes through float on SQLite, so money is stored as ``BigInteger``
    minor units and this descriptor does the exact conversion on the Python side.
    """

    def __init__(self, column: str, currency_attr: str = "currency") -> None:
        self.column = column
        self.currency_attr = currency_attr

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        minor = getattr(obj, self.column)
        if minor is None:
            return None
        return from_minor(minor, getattr(obj, self.currency_attr))

    def __set__(self, obj: Any, value: Decimal | None) -> None:
        minor = None if value is None else to_minor(value, getattr(obj, self.currency_attr))
        setattr(obj, self.column, minor)
