"""Statement amounts in minor units (helper of ``statements``: ``Decimal`` in, ``int`` out).

A bank amount with non-zero digits beyond its currency's minor unit is bad input: it is
refused with a ``StatementImportError`` naming file, line and field. The one exception is
an investment account's cash (OFX ``INVSTMTRS``), priced to 4 decimals by design: there
the amount is posted rounded half-even to the minor unit, a warning names the line, and
the caller keeps the exact file value (``StatementLine.extra["exact_amount"]``, ``raw``).
"""

from __future__ import annotations

from decimal import Decimal

from recon.money import MoneyError, minor_units, quantize
from recon.statements.checks import StatementImportError

__all__ = ["Converter"]


class Converter:
    """Converts the amounts of one statement; collects rounding warnings when allowed."""

    __slots__ = ("_scale", "file", "investment", "warnings")

    def __init__(self, file: str, *, investment: bool) -> None:
        self.file, self.investment = file, investment
        self.warnings: list[str] = []
        self._scale: dict[str, int] = {}

    def minor(self, value: Decimal | None, currency: str, what: str,
              line: int | None = None) -> int | None:
        """``value`` in minor units of ``currency``; None stays None."""
        if value is None:
            return None
        units = self._units(currency, what, line)
        if not value.is_finite():
            raise StatementImportError(f"{what} {value} is not a finite number",
                                       file=self.file, line=line, field=what)
        scaled = value.scaleb(units)
        whole = int(scaled)
        if whole == scaled:
            return whole
        if not self.investment:
            raise StatementImportError(
                f"{what} {value} has more decimals than {currency} allows ({units})",
                file=self.file, line=line, field=what)
        posted = quantize(value, currency)
        where = f"line {line}: " if line else ""
        self.warnings.append(f"{where}{what} {value} has more precision than {currency}; "
                             f"posted as {posted}, exact value kept")
        return int(posted.scaleb(units))

    def _units(self, currency: str, what: str, line: int | None) -> int:
        units = self._scale.get(currency)
        if units is None:
            try:
                units = self._scale[currency] = minor_units(currency)
            except MoneyError as exc:
                raise StatementImportError(str(exc), file=self.file, line=line,
                                           field=what) from exc
        return units

    def is_rounded(self, value: Decimal, minor: int, currency: str) -> bool:
        """True when ``minor`` is not exactly ``value`` (an investment line was rounded)."""
        return value.scaleb(self._units(currency, "amount", None)) != minor
