"""HTML report (service layer): one self-contained page with inline SVG charts, no CDN.

``render_html(data, sections, summary)`` fills ``recon/reports/report.html`` (Jinja2,
autoescaped) with the summary, three charts (unmatched items by age, AR aging per currency,
exceptions by cause) and every table. ``bar_chart`` draws a small horizontal bar chart as SVG
text with escaped labels. Raises ``jinja2.TemplateError`` only for a broken template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from recon.reports.data import AGE_BUCKETS, ReportData
from recon.reports.rows import AGING_BUCKETS
from recon.reports.tables import Table

__all__ = ["bar_chart", "render_html"]

TEMPLATES = Path(__file__).resolve().parent.parent / "reports"
_BAR, _GAP, _LABEL_W, _PLOT_W = 22, 6, 170, 320


@cache
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["cell"] = _cell
    return env


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | Decimal]) -> Markup:
    """A horizontal bar chart as inline SVG (labels escaped; zero bars drawn as a hairline)."""
    top = max((float(v) for v in values), default=0.0) or 1.0
    height = 30 + len(labels) * (_BAR + _GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_LABEL_W + _PLOT_W + 90}" '
        f'height="{height}" aria-label="{escape(title)}">',
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 26 + i * (_BAR + _GAP)
        width = max(1, round(float(value) / top * _PLOT_W))
        parts += [
            f'<text x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(str(label))}</text>',
            f'<rect x="{_LABEL_W}" y="{y}" width="{width}" height="{_BAR}" fill="#3b6ea5"/>',
            f'<text x="{_LABEL_W + width + 4}" y="{y + 15}">{escape(_cell(value))}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def _charts(data: ReportData) -> list[Markup]:
    by_age = data.unmatched_by_bucket()
    charts = [
        bar_chart("Unmatched items by age (days)", AGE_BUCKETS, [by_age[b] for b in AGE_BUCKETS])
    ]
    for currency in sorted({a.currency for a in data.aging}):
        totals = [
            sum((a.buckets[i] for a in data.aging if a.currency == currency), Decimal(0))
            for i in range(len(AGING_BUCKETS))
        ]
        charts.append(bar_chart(f"AR aging, {currency} (days past due)", AGING_BUCKETS, totals))
    if data.exceptions:
        charts.append(
            bar_chart(
                "Exceptions by cause (items)",
                [g.label for g in data.exceptions],
                [g.count for g in data.exceptions],
            )
        )
    return charts


def render_html(data: ReportData, sections: list[Table], summary: dict[str, Any]) -> str:
    """The report page for one run."""
    return (
        _env()
        .get_template("report.html")
        .render(
            data=data,
            sections=sections,
            summary=summary,
            charts=_charts(data),
            numeric=(Decimal, int, float),
        )
    )
