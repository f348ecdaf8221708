"""The largest amount a statement may carry (layer 2, applied by the registry to every
importer's result).

Amounts are exact ``Decimal`` and every format can spell a number too large for the ledger's
64-bit minor-unit columns (``99999999999999999999999.00`` in a CSV, ``1E+30`` in a camt
``Amt``). Each importer reads numbers its own way, so the bound is checked once here, on the
normalised statements, instead of in six parsers: a balance or line amount of ``MAX_AMOUNT`` or
more (or not finite) is a :class:`~importers.errors.BadRecords` naming the file, line and field,
before anything is stored. ``MAX_AMOUNT`` (10**15) in a currency of 3 decimals is 10**18 minor
units, under 2**63; no bank statement moves a quadrillion.
"""

from __future__ import annotations

from decimal import Decimal

from importers.errors import BadRecord, BadRecords
from importers.model import ParsedFile, ParsedStatement

__all__ = ["MAX_AMOUNT", "check_amounts"]

MAX_AMOUNT = Decimal(10) ** 15
_BALANCES = ("opening_balance", "closing_balance", "available_balance")
_MAX_REPORTED = 20


def _too_large(value: Decimal | None) -> bool:
    return value is not None and (not value.is_finite() or abs(value) >= MAX_AMOUNT)


def check_amounts(parsed: ParsedFile) -> ParsedFile:
    """``parsed`` unchanged, or ``BadRecords`` for every amount out of range (first 20)."""
    errors: list[BadRecord] = []
    for statement in parsed.statements:
        errors += _statement(parsed.filename, statement)
        if len(errors) >= _MAX_REPORTED:
            break
    if errors:
        raise BadRecords(errors[:_MAX_REPORTED])
    return parsed


def _statement(file: str, statement: ParsedStatement) -> list[BadRecord]:
    out = [_error(file, None, name, getattr(statement, name)) for name in _BALANCES
           if _too_large(getattr(statement, name))]
    for line in statement.lines:
        if _too_large(line.amount):
            out.append(_error(file, line.source_line, "amount", line.amount))
        if _too_large(line.running_balance):
            out.append(_error(file, line.source_line, "running balance", line.running_balance))
        if len(out) >= _MAX_REPORTED:
            break
    return out


def _error(file: str, line: int | None, field: str, value: Decimal | None) -> BadRecord:
    return BadRecord(f"amount out of range (at most {MAX_AMOUNT - 1:,} is accepted)",
                     file=file, line=line, field=field.replace("_", " "), value=value)
