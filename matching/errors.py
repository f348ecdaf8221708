"""Errors of the matching package (leaf layer).

`MatchingError` is the root; callers at the edge catch it to tell bad input from bugs.
The engine raises only for input it cannot interpret (a non-Decimal amount, an unknown
currency code shape, an empty id); odd but valid data is scored, never rejected.
"""

from __future__ import annotations


class MatchingError(ValueError):
    """Root of every error raised by `matching`."""

    def __init__(self, message: str, *, item: object = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.item = item
        self.field = field

    def __str__(self) -> str:
        where = f"{self.item!r}" if self.item is not None else "-"
        return f"{where}: {self.field or '-'}: {self.message}"


class InvalidInput(MatchingError):
    """An input record breaks the contract of the dataclasses (e.g. float money)."""


class InvalidSettings(MatchingError):
    """A `MatchSettings` value is out of range (thresholds, tolerances, bounds)."""
