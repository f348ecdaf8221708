"""Credit exports as CSV or XLSX: the limits file for the ERP, the portfolio, the forecast.

``limit_rows`` is what order entry checks (tier, hold, limit, exposure, available, terms);
``forecast_rows`` is the expected-receipts curve per week. ``write_table(columns, rows, fmt,
out)`` writes either format; text cells go through ``recon.reports.export.safe_cell`` (formula
injection), numbers are written as exact decimal text (CSV) or numbers (XLSX). Raises
``ValueError`` for an unknown format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from recon.credit.tiers import reason_text, suggested_terms
from recon.credit.views import portfolio
from recon.forecast.service import Forecast
from recon.money import from_minor
from recon.reports.export import safe_cell

__all__ = ["FORECAST_COLUMNS", "LIMIT_COLUMNS", "forecast_rows", "limit_rows", "write_table"]

LIMIT_COLUMNS = ("customer_id", "name", "tier", "hold", "limit", "exposure", "available",
                 "overdue", "currency", "terms_days", "oldest_overdue_days", "reasons")
FORECAST_COLUMNS = ("week_start", "currency", "expected", "low_80", "high_80")


def limit_rows(session: Session, *, today: dt.date, sort: str = "risk") -> list[dict[str, Any]]:
    """One row per customer with a profile, riskiest first."""
    rows = []
    for r in portfolio(session, sort=sort, today=today):
        cur, limit = r["currency"], r["limit_minor"]
        rows.append({
            "customer_id": r["external_id"], "name": r["name"], "tier": r["tier"] or "",
            "hold": "yes" if r["hold"] else "no",
            "limit": "" if limit is None else from_minor(limit, cur),
            "exposure": from_minor(r["exposure_minor"], cur),
            "available": "" if limit is None else from_minor(limit - r["exposure_minor"], cur),
            "overdue": from_minor(r["overdue_minor"], cur), "currency": cur,
            "terms_days": suggested_terms(r["tier"]),
            "oldest_overdue_days": r["oldest_overdue_days"],
            "reasons": "; ".join(reason_text(x) for x in r["reasons"]),
        })
    return rows


def _estimate(value: float, currency: str) -> Decimal:
    return from_minor(round(float(value)), currency)


def forecast_rows(fc: Forecast) -> list[dict[str, Any]]:
    """Per currency then base: a row per week with the expected amount and its 80 % band."""
    rows = []
    curves = [*fc.by_currency.items(), (f"{fc.base} (base)", fc.base_curve)]
    for label, curve in curves:
        code = label[:3]
        for w, start in enumerate(fc.weeks):
            rows.append({"week_start": start.isoformat(), "currency": label,
                         "expected": _estimate(curve.weekly[w], code),
                         "low_80": _estimate(curve.low[w], code),
                         "high_80": _estimate(curve.high[w], code)})
    return rows


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return value
    return safe_cell("" if value is None else str(value))


def write_table(columns: Sequence[str], rows: Iterable[dict[str, Any]], fmt: str) -> bytes:
    """The rows as a CSV (UTF-8 with BOM, for spreadsheet programs) or XLSX file."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([str(_cell(row[c])) for c in columns])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(list(columns))
        for row in rows:
            sheet.append([_cell(row[c]) for c in columns])
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()
    raise ValueError(f"unknown export format {fmt!r} (csv or xlsx)")

