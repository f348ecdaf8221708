"""Amount conventions of bank exports (layer 3 helper of :mod:`importers.tabular`).

``signed``: one signed column, optionally overridden by a D/C column. ``split``: separate
credit and debit columns, read as magnitudes (their signs are unreliable).
``direction``: an unsigned amount and a column saying in/out (收/支, 借 Dr/贷 Cr).
``prefix``: an unsigned amount whose direction is the description's first word
(BoCom credit: 退货/消费/还款). Amount and currency may share a cell (``CNY 49.85``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from importers.profiles import norm
from importers.values import Where

if TYPE_CHECKING:
    from importers.tabular import Row, Table

_CELL_CURRENCY = re.compile(r"^([A-Z]{3})\s*([-+]?[\d,.]+)$")


def read_amount(table: Table, row: Row, where: Where) -> tuple[Decimal, str | None]:
    """The signed amount of ``row`` and a currency found in the amount cell, if any."""
    spec = table.profile.amount
    mode = spec["mode"]
    if mode == "split":
        return _split(table, row, where, spec), None
    name, text = table.column(row, tuple(spec.get("column", ())) if isinstance(
        spec.get("column"), list) else (spec["column"],))
    if text is None:
        raise where.at(name).error("amount is missing")
    currency = None
    if match := _CELL_CURRENCY.match(text.replace(" ", "")):
        currency, text = match[1], match[2]
    value = table.number(text, where.at(name))
    if mode == "signed":
        return _override(table, row, where, spec, value), currency
    return abs(value) * _sign(table, row, where, spec, mode), currency


def _split(table: Table, row: Row, where: Where, spec: dict) -> Decimal:
    credit_name, credit = table.column(row, (spec["credit"],))
    debit_name, debit = table.column(row, (spec["debit"],))
    credit_value = abs(table.number(credit, where.at(credit_name))) if credit else Decimal(0)
    debit_value = abs(table.number(debit, where.at(debit_name))) if debit else Decimal(0)
    if credit_value and debit_value:
        raise where.at(f"{credit_name}/{debit_name}").error(
            "both credit and debit are filled", f"{credit} / {debit}")
    if credit is None and debit is None:
        raise where.at(f"{credit_name}/{debit_name}").error("amount is missing")
    return credit_value - debit_value


def _override(table: Table, row: Row, where: Where, spec: dict, value: Decimal) -> Decimal:
    if "direction" not in spec:
        return value
    name, marker = table.column(row, (spec["direction"],))
    if marker is None:
        return value
    return abs(value) * _lookup(spec["map"], marker, where.at(name))


def _sign(table: Table, row: Row, where: Where, spec: dict, mode: str) -> int:
    name, marker = table.column(row, (spec["direction"],))
    if marker is None and "default" in spec:
        return int(spec["default"])  # WeChat writes "/" for neutral moves
    if marker is None:
        raise where.at(name).error("direction is missing")
    if mode == "direction":
        return _lookup(spec["map"], marker, where.at(name))
    for prefix, sign in spec["map"].items():
        if marker.startswith(prefix):
            return int(sign)
    raise where.at(name).error("description starts with no known direction word", marker)


def _lookup(mapping: dict, marker: str, where: Where) -> int:
    table = {norm(k): int(v) for k, v in mapping.items()}
    if norm(marker) not in table:
        raise where.error("direction value not understood", marker)
    return table[norm(marker)]
