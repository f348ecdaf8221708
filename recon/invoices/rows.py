"""Invoice files, layer 1: bytes → validated ``InvoiceRow`` records or ``RowError`` s.

Reads CSV (UTF-8, with or without BOM) and JSON (an array, or ``{"invoices": [...]}``). Every
problem is reported with file, row and field; the whole file is validated before anything is
written (``invoices.import_invoices`` is the next layer). Hostile files are problems like any
other: a NUL character, JSON nested deeper than the parser's recursion, a CSV field over the csv
module's limit, an amount of ``importers.bounds.MAX_AMOUNT`` or more (beyond 64-bit minor units).
The checks of single fields (amount, dates, contact columns) live in ``invoices.fields``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from recon.customers.master import CONTACT_COLUMNS
from recon.invoices.fields import CONTACT, amount_minor, contact_problems, dates
from recon.money import is_iso4217

__all__ = ["REQUIRED", "InvoiceRow", "RowError", "parse_invoice_file"]

REQUIRED = ("invoice_no", "customer_id", "customer_name", "amount", "currency", "issue_date")
OPTIONAL = ("due_date",)
# optional customer columns (email, phone, language, terms): they update the customer master
# (``recon.customers.apply_import_contact``), not the invoice


@dataclass(frozen=True)
class RowError:
    """One bad row: where (file, row, field) and why; ``raw`` is the row as read."""

    file: str
    row: int | None
    field: str | None
    message: str
    raw: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "-"
        return f"{self.file}: {where}: {self.field or '-'}: {self.message}"


@dataclass(frozen=True)
class InvoiceRow:
    row: int
    invoice_no: str
    customer_id: str
    customer_name: str
    amount_minor: int
    currency: str
    issue_date: dt.date
    due_date: dt.date | None
    meta: dict[str, Any]
    raw: Mapping[str, Any]
    contact: Mapping[str, str] = field(default_factory=dict)


def parse_invoice_file(name: str, data: bytes) -> tuple[list[InvoiceRow], list[RowError]]:
    """Validate every row: the good rows, and all errors (file-level ones have row None)."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return [], [RowError(name, None, None, "the file is empty")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        msg = (
            f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} (line {line}); "
            "export the file as UTF-8"
        )
        return [], [RowError(name, line, None, msg)]
    if (at := text.find("\x00")) >= 0:
        return [], [RowError(name, text.count("\n", 0, at) + 1, None, "a NUL character")]
    is_json = name.lower().endswith(".json") or text.lstrip().startswith(("[", "{"))
    try:
        records = list(_json_records(text) if is_json else _csv_records(text))
    except (ValueError, csv.Error) as exc:
        return [], [RowError(name, None, None, str(exc))]
    except RecursionError:
        return [], [RowError(name, None, None, "JSON nested too deeply")]
    return _validate(name, records, check_nul=is_json)  # a CSV's text was checked above


def _csv_records(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows as ``csv.DictReader`` gives them (missing cells None, blank rows skipped), built
    with one ``dict(zip())`` each: the reader's own per-row Python cost more than validating."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValueError(f"missing column(s) {', '.join(missing)} in header {','.join(header)}")
    width = len(header)
    for cells in reader:
        if len(cells) != width:
            if not cells:
                continue  # an empty line
            if len(cells) > width:
                raise ValueError(f"row {reader.line_num}: more cells than header columns")
            cells = cells + [None] * (width - len(cells))
        record = dict(zip(header, cells, strict=True))
        if not (record["invoice_no"] or "").strip() and not "".join(
                v for v in record.values() if v).strip():
            continue  # blank line
        yield reader.line_num, record


def _json_records(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    items = doc.get("invoices") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise ValueError('expected a JSON array of invoices or {"invoices": [...]}')
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"item {index} is not an object")
        yield index, {k: "" if v is None else str(v) for k, v in item.items()}


def _validate(
    name: str, records: list[tuple[int, dict[str, Any]]], *, check_nul: bool = True
) -> tuple[list[InvoiceRow], list[RowError]]:
    rows: list[InvoiceRow] = []
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    for line, record in records:
        problems, row = _checked(line, record, check_nul)
        number = (record.get("invoice_no") or "").strip()
        if number and number in first_seen:
            problems.append(
                (
                    "invoice_no",
                    f"duplicate invoice_no {number!r} (first at row {first_seen[number]})",
                )
            )
        first_seen.setdefault(number, line)
        if problems:
            errors.extend(RowError(name, line, f, m, record) for f, m in problems)
        elif row is not None:
            rows.append(row)
    if not rows and not errors:
        errors.append(RowError(name, None, None, "the file has a header but no invoices"))
    return rows, errors


def _checked(
    line: int, record: Mapping[str, Any], check_nul: bool
) -> tuple[list[tuple[str, str]], InvoiceRow | None]:
    """The row's problems, and the row itself when it has none (each value read once)."""
    problems: list[tuple[str, str]] = [
        (str(k).replace("\x00", ""), "a NUL character") for k, v in record.items()
        if "\x00" in str(k) or "\x00" in str(v)] if check_nul else []  # JSON's \u0000
    if problems:
        return problems, None
    for column in REQUIRED:
        if not (record.get(column) or "").strip():
            problems.append((column, "required value is empty"))
    if problems:
        return problems, None
    if len(record["invoice_no"].strip()) > 64:
        problems.append(("invoice_no", "longer than 64 characters"))
    currency = record["currency"].strip().upper()
    minor = None
    if not is_iso4217(currency):
        problems.append(("currency", f"{record['currency']!r} is not an ISO 4217 currency code"))
    else:
        minor = amount_minor(record["amount"], currency, problems)
    days = dates(record, problems)
    problems.extend(contact_problems(record))
    if problems or minor is None:
        return problems, None
    return problems, _row(line, record, currency, minor, days)


_SKIP_META = frozenset(REQUIRED + OPTIONAL + CONTACT_COLUMNS)


def _row(line: int, record: Mapping[str, Any], currency: str, minor: int,
         days: Mapping[str, dt.date]) -> InvoiceRow:
    plain = record.keys() <= _SKIP_META  # the usual file: no extra columns
    return InvoiceRow(
        row=line,
        invoice_no=record["invoice_no"].strip(),
        customer_id=record["customer_id"].strip(),
        customer_name=record["customer_name"].strip(),
        amount_minor=minor,
        currency=currency,
        issue_date=days["issue_date"],
        due_date=days.get("due_date"),
        meta={} if plain else {k: v for k, v in record.items() if k and k not in _SKIP_META},
        raw=record,
        contact={} if not CONTACT.intersection(record) else {
            k: v for k in CONTACT_COLUMNS if (v := (record.get(k) or "").strip())},
    )
