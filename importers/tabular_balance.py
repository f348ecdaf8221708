"""Running balances of bank exports -> opening/closing (layer 4 helper of tabular).

Rows come oldest-first or newest-first, so the running balance is tried both ways: when
``balance[n] = balance[n-1] + amount[n]`` holds over every booked row, the opening is the
oldest balance minus its amount and the closing the newest balance. For split
credit/debit columns whose signs the bank got backwards, the reversed reading is tried
too. When nothing chains, no balances are claimed and a warning says so.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from importers.model import ParsedStatement, Status


def _chains(amounts: list[Decimal], balances: list[Decimal]) -> bool:
    return all(balances[i] == balances[i - 1] + amounts[i] for i in range(1, len(amounts)))


def _fit(amounts: list[Decimal], balances: list[Decimal]):
    if _chains(amounts, balances):
        return balances[0] - amounts[0], balances[-1]
    if _chains(amounts[::-1], balances[::-1]):
        return balances[-1] - amounts[-1], balances[0]
    return None


def apply_running_balance(statement: ParsedStatement, may_swap: bool) -> ParsedStatement:
    """Set opening/closing from a chaining running balance, else warn."""
    booked = [ln for ln in statement.lines if ln.status is Status.BOOKED]
    balances = [ln.running_balance for ln in booked]
    if not booked or any(b is None for b in balances):
        return statement
    amounts = [ln.amount for ln in booked]
    fit = _fit(amounts, balances)
    if fit is None and may_swap and (fit := _fit([-a for a in amounts], balances)):
        lines = tuple(replace(ln, amount=-ln.amount) for ln in statement.lines)
        statement = replace(statement, lines=lines, warnings=(
            *statement.warnings,
            "debit/credit columns read the other way round: only that fits the running balance",
        ))
    if fit is None:
        return replace(statement, warnings=(
            *statement.warnings, "running balance does not chain: no opening/closing derived"))
    return replace(statement, opening_balance=fit[0], closing_balance=fit[1])
