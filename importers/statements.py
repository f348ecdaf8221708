"""Checks every importer applies to a finished statement (layer 4: records -> statement).

Zero-amount booked lines are information, not money movements; a statement whose
opening balance plus booked lines does not reach its closing balance, or whose lines
are in another currency, is kept and carries a warning (real files often fail these).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from importers.model import ParsedLine, ParsedStatement, Status


def as_info_if_zero(line: ParsedLine) -> ParsedLine:
    """A booked line of amount 0 moves no money: mark it as information."""
    if line.status is Status.BOOKED and line.amount == 0:
        return replace(line, status=Status.INFO)
    return line


def finish_statement(statement: ParsedStatement) -> ParsedStatement:
    """Apply the shared line rules and add balance/currency warnings."""
    lines = tuple(as_info_if_zero(line) for line in statement.lines)
    statement = replace(statement, lines=lines)
    notes = list(statement.warnings)
    gap = statement.balance_gap()
    if gap:
        moved = sum((line.amount for line in statement.booked_lines), Decimal(0))
        notes.append(
            f"balances do not add up: opening {statement.opening_balance} + lines {moved} "
            f"!= closing {statement.closing_balance} (difference {gap})"
        )
    others = sorted({line.currency for line in lines if line.currency} - {statement.currency})
    if others and statement.currency:
        notes.append(f"lines in {', '.join(others)} in a {statement.currency} statement")
    return replace(statement, warnings=tuple(dict.fromkeys(notes)))


def derived_opening(closing: Decimal | None, lines: tuple[ParsedLine, ...]) -> Decimal | None:
    """Opening balance as closing minus booked lines (OFX and CSV give no opening)."""
    if closing is None:
        return None
    return closing - sum((ln.amount for ln in lines if ln.status is Status.BOOKED), Decimal(0))
