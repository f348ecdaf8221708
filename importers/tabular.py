"""Rows of a bank CSV/XLSX export -> statements, driven by a :class:`Profile` (layers 3-4).

Shared rules live here once for every bank: find the header row by column names (never a
fixed offset), stop at totals/footer rows, strip padding, TABs and placeholders, read
amounts by the profile's convention ("both credit and debit filled" is an error naming
the line), infer years for ``MM/DD`` dates from the title, split statements by
currency, and derive opening/closing balances from a running balance that chains.
Raises :class:`~importers.errors.BadRecords` listing the first bad lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from importers.errors import BadRecord, BadRecords, EmptyStatement
from importers.model import ParsedLine, ParsedStatement, Status
from importers.profiles import Profile, norm
from importers.statements import finish_statement
from importers.tabular_amount import read_amount
from importers.tabular_balance import apply_running_balance
from importers.values import Where, check_date, currency_code, parse_amount

PLACEHOLDERS = {"", "-", "--", "/", "—"}
_SYMBOLS = re.compile(r"^[¥￥$€£]|\(CN\)$|^[A-Z]{3}\s*(?=[-+\d])")
MAX_ERRORS = 20
Row = Sequence[str]


def cell(value: object) -> str:
    """A cell as clean text: padding, TABs and NBSPs stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).strip().strip("\t\u00a0 ").strip()


def find_header(rows: Sequence[Row], profile: Profile, limit: int = 60) -> int | None:
    """Index of the header row, or of the first data row for header-less layouts."""
    if not profile.header:
        for index, row in enumerate(rows[:limit]):
            if any(cell(c) for c in row):
                joined = ",".join(cell(c) for c in row)
                return index - 1 if re.match(profile.detect, joined) else None
        return None
    wanted = {norm(h) for h in profile.header}
    forbidden = {norm(h) for h in profile.forbid}
    for index, row in enumerate(rows[:limit]):
        names = {norm(cell(c)) for c in row}
        if wanted <= names:
            return None if names & forbidden else index
    return None


class Table:
    """Reads data rows under a header with one profile."""

    def __init__(self, profile: Profile, file: str, rows: Sequence[Row], header_at: int) -> None:
        self.profile, self.file, self.rows = profile, file, rows
        self.header_at = header_at
        names = profile.columns if not profile.header else [cell(c) for c in rows[header_at]]
        self.index = {norm(n): i for i, n in reversed(list(enumerate(names)))}
        self.preamble = "\n".join("\t".join(cell(c) for c in r) for r in rows[: header_at + 1])
        self.year_month = self._year_month()
        self.errors: list[BadRecord] = []
        self._columns: dict[tuple[str, ...], list[tuple[str, int]]] = {}
        self._dates: dict[str, tuple[datetime, str]] = {}

    def _year_month(self) -> tuple[int, int] | None:
        if not self.profile.year_from:
            return None
        match = re.search(self.profile.year_from, self.preamble)
        return (int(match[1]), int(match[2])) if match else None

    def column(self, row: Row, names: tuple[str, ...]) -> tuple[str, str | None]:
        """(column name, value) of the first of ``names`` present with a value.

        ``row`` is a cleaned row from :meth:`data_rows` (every cell through ``cell`` once).
        """
        found = self._columns.get(names)
        if found is None:  # resolve names to positions once per table, not per row
            found = self._columns[names] = [(n, self.index[norm(n)]) for n in names
                                            if norm(n) in self.index]
        for name, at in found:
            if at < len(row) and (value := row[at]) not in PLACEHOLDERS:
                return name, value
        return (names[0] if names else "-"), None

    def data_rows(self) -> list[tuple[int, Row]]:
        """(line number, row) of every data row, footer and totals excluded."""
        out = []
        stops = tuple(self.profile.stop)
        for offset, row in enumerate(self.rows[self.header_at + 1 :], start=self.header_at + 2):
            row = [cell(c) for c in row]  # cleaned once; ``cell`` of a clean cell is itself
            if row and stops and row[0].startswith(stops):
                break
            if any(row):
                out.append((offset, row))
        return out

    def lines(self) -> list[ParsedLine]:
        """Every data row as a line; bad rows collected and raised together."""
        result = []
        for number, row in self.data_rows():
            try:
                line = self.line(number, row)
            except BadRecord as exc:
                if len(self.errors) < MAX_ERRORS:
                    self.errors.append(exc)
                continue
            if line is not None:
                result.append(line)
        if self.errors:
            raise BadRecords(self.errors)
        return result

    def line(self, number: int, row: Row) -> ParsedLine | None:
        where = Where(self.file, number)
        status = self.status(row, where)
        if status is None:
            return None
        amount, cell_currency = self.amount(row, where)
        currency = cell_currency or self.currency(row, where)
        name, balance_text = self.column(row, self.profile.balance)
        return ParsedLine(
            booking_date=self.date(row, self.profile.date, where, required=True),
            value_date=self.date(row, self.profile.value_date, where, required=False),
            amount=-amount if self.profile.invert else amount,
            currency=currency, status=status,
            bank_ref=self.column(row, self.profile.ref)[1],
            counterparty_name=self.column(row, self.profile.counterparty)[1],
            counterparty_account=self.column(row, self.profile.counterparty_account)[1],
            remittance=" ".join(v for n in self.profile.text
                                if (v := self.column(row, (n,))[1])) or None,
            running_balance=self.optional_amount(balance_text, where.at(name)),
            raw=",".join(row), source_line=number,
        )

    def status(self, row: Row, where: Where) -> Status | None:
        _, value = self.column(row, self.profile.status)
        mapped = self.profile.status_map.get(value or "", "booked")
        return None if mapped == "skip" else Status(mapped)

    def date(self, row: Row, names: tuple[str, ...], where: Where, required: bool) -> date | None:
        name, value = self.column(row, names)
        if value is None:
            if required:
                raise where.at(name).error("date is missing")
            return None
        if (known := self._dates.get(value)) is not None:  # exports repeat their dates
            return check_date(self._with_year(*known), where.at(name), value)
        for fmt in self.profile.date_formats:
            try:
                parsed = datetime.strptime(value, fmt)
            except ValueError:
                continue
            self._dates[value] = (parsed, fmt)
            return check_date(self._with_year(parsed, fmt), where.at(name), value)
        raise where.at(name).error(
            "not a date (expected " + " or ".join(self.profile.date_formats) + ")", value)

    def _with_year(self, parsed: datetime, fmt: str) -> date:
        if "%Y" in fmt or "%y" in fmt or self.year_month is None:
            return parsed.date()
        year, month = self.year_month
        return date(year if parsed.month <= month else year - 1, parsed.month, parsed.day)

    def currency(self, row: Row, where: Where) -> str | None:
        name, value = self.column(row, self.profile.currency)
        if value is None:
            return self.meta_currency() or self.profile.default_currency
        return currency_code(value, where.at(name))

    def meta_currency(self) -> str | None:
        pattern = self.profile.meta.get("currency")
        match = re.search(pattern, self.preamble, re.MULTILINE) if pattern else None
        return match[1] if match else None

    def number(self, text: str, where: Where) -> Decimal:
        cleaned = _SYMBOLS.sub("", text.replace(" ", "")).strip()
        return parse_amount(cleaned, where, decimal_comma=self.profile.decimal_comma)

    def optional_amount(self, text: str | None, where: Where) -> Decimal | None:
        if text is None:
            return None
        try:
            return self.number(text, where)
        except BadRecord:
            return None  # masked balances like "xx,yyyy.zz"

    def amount(self, row: Row, where: Where) -> tuple[Decimal, str | None]:
        return read_amount(self, row, where)


def build_statements(table: Table, lines: list[ParsedLine]) -> list[ParsedStatement]:
    """One statement per currency (first appearance order), with derived balances."""
    if not lines:
        raise EmptyStatement("no data rows under the header", file=table.file,
                             line=table.header_at + 1)
    groups: dict[str | None, list[ParsedLine]] = {}
    for line in lines:
        groups.setdefault(line.currency, []).append(line)
    account = _meta(table, "account")
    statements = []
    for currency, members in groups.items():
        statement = ParsedStatement(account_id=account, currency=currency, lines=tuple(members),
                                    period_start=min(ln.booking_date for ln in members),
                                    period_end=max(ln.booking_date for ln in members))
        statement = apply_running_balance(statement, table.profile.amount["mode"] == "split")
        statements.append(finish_statement(_meta_balances(table, statement, len(groups))))
    return statements


def _meta(table: Table, key: str) -> str | None:
    pattern = table.profile.meta.get(key)
    if not pattern:
        return None
    footer = table.rows[-5:]
    text = table.preamble + "\n" + "\n".join("\t".join(cell(c) for c in r) for r in footer)
    match = re.search(pattern, text, re.MULTILINE)
    return match[1].strip() if match else None


def _meta_balances(table: Table, statement: ParsedStatement, groups: int) -> ParsedStatement:
    from dataclasses import replace

    values = {}
    for key in ("opening", "closing"):
        raw = _meta(table, key)
        if raw is not None and groups == 1:
            values[f"{key}_balance"] = table.number(raw, Where(table.file, None, key))
    return replace(statement, **values) if values else statement
