"""HTML report (service layer): one self-contained page with inline SVG charts, no CDN.

``render_html(data, sections, summary, lang="en")`` fills ``recon/reports/report.html`` (Jinja2,
autoescaped, gettext from ``recon.reports.i18n`` in the report language) with the summary, the
credit section (KPIs, 回款率, aging in the base currency, top overdue, alerts, forecast; words
from ``recon.reports.present``), three charts (unmatched items by age, AR aging per currency,
exceptions by cause) and every table. Numbers and dates are formatted for the language.
``bar_chart`` draws a small horizontal bar chart as SVG text with escaped labels. Raises
``jinja2.TemplateError`` only for a broken template, ``ValueError`` for an unknown language.
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

from recon.money import from_minor
from recon.reports.data import AGE_BUCKETS, ReportData
from recon.reports.i18n import Words, translations, words
from recon.reports.present import attention_words, credit_block, overview
from recon.reports.rows import AGING_BUCKETS
from recon.reports.tables import LABELS, Phrase, Table, Word

__all__ = ["attention_list", "bar_chart", "cell_text", "credit_charts", "render_html"]

TEMPLATES = Path(__file__).resolve().parent.parent / "reports"
_BAR, _GAP, _LABEL_W, _PLOT_W = 22, 6, 170, 320


@cache
def _env(lang: str) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    w = words(lang)
    env.filters["cell"] = lambda value: cell_text(value, w)
    return env


def cell_text(value: Any, w: Words) -> str:
    """A table cell for people: our words translated, numbers and dates per language."""
    if value is None:
        return ""
    if isinstance(value, Word):
        return w.gettext(str(value))
    if isinstance(value, Phrase):
        return "".join(cell_text(part, w) for part in value)
    if isinstance(value, dt.date):
        return w.date(value)
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return w.decimal(value)
    if isinstance(value, float):
        return w.number(value, 3)
    return str(value)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | Decimal],
              w: Words | None = None) -> Markup:
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
            f'<text x="{_LABEL_W + width + 4}" y="{y + 15}">'
            f'{escape(cell_text(value, w or words("en")))}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def _charts(data: ReportData, w: Words) -> list[Markup]:
    by_age = data.unmatched_by_bucket()
    charts = [bar_chart(w("Unmatched items by age (days)"), AGE_BUCKETS,
                        [by_age[b] for b in AGE_BUCKETS], w)]
    buckets = [w(LABELS[b]) for b in AGING_BUCKETS]
    for currency in sorted({a.currency for a in data.aging}):
        totals = [
            sum((a.buckets[i] for a in data.aging if a.currency == currency), Decimal(0))
            for i in range(len(AGING_BUCKETS))
        ]
        charts.append(bar_chart(w("AR aging, %(currency)s (days past due)", currency=currency),
                                buckets, totals, w))
    if data.exceptions:
        charts.append(bar_chart(w("Exceptions by cause (items)"),
                                [w.gettext(g.label) for g in data.exceptions],
                                [g.count for g in data.exceptions], w))
    return charts


def credit_charts(credit: dict[str, Any] | None, w: Words) -> list[Markup]:
    """回款率 by month (per cent) and the expected receipts per week (the run's credit entry)."""
    if not credit or credit.get("error"):
        return []
    months = (credit.get("kpis") or {}).get("collection_by_month") or []
    base = (credit.get("kpis") or {}).get("base", "")
    charts = []
    if months:
        charts.append(bar_chart(
            w("Collection rate (回款率) by month, %%"), [m["month"] for m in months],
            [Decimal(str(round((m.get("rate") or 0) * 100, 1))) for m in months], w))
    fc = credit.get("forecast") or {}
    if fc.get("weeks") and base:
        charts.append(bar_chart(
            w("Expected receipts per week, %(base)s", base=base),
            [w.date(d) for d in fc["weeks"]],
            [from_minor(int(v), base) for v in fc["expected"]], w))
    return charts


def attention_list(summary: dict[str, Any], w: Words) -> list[str]:
    """Why the run needs a human, in the language (the stored English when the summary has
    no structured reasons, as in runs recorded before they existed)."""
    items = summary.get("attention_items")
    if items is None:
        return list(summary.get("attention") or [])
    return [attention_words(item, w) for item in items]


def render_html(data: ReportData, sections: list[Table], summary: dict[str, Any],
                lang: str = "en") -> str:
    """The report page for one run in ``lang`` (``en`` or ``zh_Hans``)."""
    w = words(lang)
    return _env(w.lang).get_template("report.html").render(
        data=data, sections=sections, summary=summary, charts=_charts(data, w), w=w,
        html_lang="zh-Hans" if w.lang == "zh_Hans" else "en",
        overview=overview(summary, w), attention=attention_list(summary, w),
        credit=credit_block(summary.get("credit"), w),
        credit_charts=credit_charts(summary.get("credit"), w),
    )
