"""Report writers (service layer): a run's report folder with CSV, XLSX, HTML and JSON files.

``write_reports(data, folder, summary)`` writes ``<section>.csv`` for each table, one
``report.xlsx`` with a sheet per table, ``index.html`` (with charts) and ``summary.json``; it
returns the paths written. Text cells are neutralised against spreadsheet formula injection in
CSV and XLSX alike (``safe_cell``); numbers stay numbers. Raises ``OSError`` on a full disk.
Files are written to a temporary name and renamed, so a killed run never leaves half a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from recon.audit import jsonable
from recon.reports.data import ReportData
from recon.reports.export import safe_cell
from recon.reports.html import render_html
from recon.reports.tables import Table, tables

__all__ = ["write_reports"]


def write_reports(data: ReportData, folder: Path, summary: dict[str, Any]) -> list[Path]:
    """Write every report file of one run into ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    sections = tables(data)
    written = [_atomic(folder / f"{t.name}.csv", _csv(t).encode("utf-8-sig")) for t in sections]
    written.append(_atomic(folder / "report.xlsx", _xlsx(sections, summary)))
    html = render_html(data, sections, summary)
    written.append(_atomic(folder / "index.html", html.encode("utf-8")))
    text = json.dumps(jsonable(summary), ensure_ascii=False, indent=1) + "\n"
    written.append(_atomic(folder / "summary.json", text.encode("utf-8")))
    return written


def _atomic(path: Path, content: bytes) -> Path:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
    return path


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | int | dt.date):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return safe_cell(str(value))


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_text(v) for v in row])
    return out.getvalue()


def _xlsx(sections: list[Table], summary: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "summary"
    for key, value in _flat(summary):
        sheet.append([key, _xl(value)])
    for table in sections:
        sheet = book.create_sheet(table.name[:31])
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xl(v) for v in row])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xl(value: Any) -> Any:
    """A cell value: numbers and dates as such, text made inert (never read as a formula)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Decimal | int | float | dt.date):
        return value
    return safe_cell(str(value))


def _flat(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for k, v in value.items():
            out += _flat(v, f"{prefix}{k}.")
        return out
    if isinstance(value, list):
        return [(prefix.rstrip("."), json.dumps(jsonable(value), ensure_ascii=False)[:2000])]
    return [(prefix.rstrip("."), value)]
