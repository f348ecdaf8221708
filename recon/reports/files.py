"""Report writers (service layer): a run's report folder with CSV, XLSX, HTML and JSON files.

``write_reports(data, folder, summary, lang="en")`` writes ``<section>.csv`` for each table
(machine column names, the same in every language), one ``report.xlsx`` with a summary sheet,
a sheet per table and a forecast sheet, ``index.html`` (with charts) and ``summary.json``; it
returns the paths written. The XLSX and HTML are in ``lang`` (``en`` or ``zh_Hans``): sheet
names, headings, column names, our words in cells; numbers stay numbers. Text cells are
neutralised against spreadsheet formula injection in CSV and XLSX alike (``safe_cell``).
Raises ``OSError`` on a full disk.
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
from recon.money import from_minor
from recon.reports.data import ReportData
from recon.reports.export import safe_cell
from recon.reports.html import attention_list, cell_text, render_html
from recon.reports.i18n import Words, words
from recon.reports.present import credit_block, overview
from recon.reports.tables import Phrase, Table, Word, tables

__all__ = ["write_reports"]


def write_reports(data: ReportData, folder: Path, summary: dict[str, Any], *,
                  lang: str = "en") -> list[Path]:
    """Write every report file of one run into ``folder`` (created if needed), for people in
    ``lang``."""
    w = words(lang)
    folder.mkdir(parents=True, exist_ok=True)
    sections = tables(data)
    written = [_atomic(folder / f"{t.name}.csv", _csv(t).encode("utf-8-sig")) for t in sections]
    written.append(_atomic(folder / "report.xlsx", _xlsx(sections, summary, w)))
    html = render_html(data, sections, summary, w.lang)
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


def _xlsx(sections: list[Table], summary: dict[str, Any], w: Words) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = w.gettext("summary")[:31]
    for row in _summary_rows(summary, w):
        sheet.append([_xl(v, w) for v in row])
    for table in sections:
        sheet = book.create_sheet(w.gettext(table.sheet)[:31])
        sheet.append([w.gettext(label) for label in table.labels])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xl(v, w) for v in row])
        sheet.freeze_panes = "A2"
    _forecast_sheet(book, summary, w)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary_rows(summary: dict[str, Any], w: Words) -> list[list[Any]]:
    status = summary.get("status") or ""
    rows: list[list[Any]] = [
        [w("Run #%(run)s", run=summary.get("run_id", "")), w.gettext(status)],
        *([label, value] for label, value, _num in overview(summary, w)),
        *([w("needs a human"), reason] for reason in attention_list(summary, w)),
    ]
    credit = credit_block(summary.get("credit"), w)
    if credit and not credit["error"]:
        rows += [[label, value] for label, value in credit["kpis"]]
        rows += [[label, n] for label, n in credit["tiers"]]
        rows += [[w("Credit alerts"), a] for a in credit["alerts"]]
        rows += [[w("collection rate (回款率)") + f" {m['month']}", m["rate"]]
                 for m in credit["collection"]]
    return rows


def _forecast_sheet(book: Workbook, summary: dict[str, Any], w: Words) -> None:
    fc = (summary.get("credit") or {}).get("forecast") or {}
    if not fc.get("weeks"):
        return
    base = ((summary.get("credit") or {}).get("kpis") or {}).get("base", "")
    sheet = book.create_sheet(w.gettext("forecast")[:31])
    sheet.append([w("week from"), w("expected (%(base)s)", base=base),
                  w("80 %% band, low"), w("80 %% band, high")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for day, *values in zip(fc["weeks"], fc["expected"], fc["low"], fc["high"], strict=True):
        sheet.append([dt.date.fromisoformat(day), *(from_minor(int(v), base) for v in values)])
    sheet.freeze_panes = "A2"


def _xl(value: Any, w: Words) -> Any:
    """A cell value: numbers and dates as such, our words translated, text made inert (never
    read as a formula)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Decimal | int | float | dt.date):
        return value
    if isinstance(value, Word | Phrase):
        return safe_cell(cell_text(value, w))
    return safe_cell(str(value))
