"""The daily report in English and Simplified Chinese: nothing English left, same numbers."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook

from recon.reports.data import build_report
from recon.reports.files import write_reports
from recon.reports.i18n import CATALOG, words
from recon.run.summary import summary_text
from tests.recon.test_reports import AS_OF, _books

PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}|%%|[%()#:;,.<>]")
FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|xlsx|html)")
DECIMAL = re.compile(r"-?\d[\d,]*\.\d+")


def _catalog() -> dict[str, str]:
    with (CATALOG / "zh_Hans/LC_MESSAGES/messages.po").open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh) if m.id}


def _summary() -> dict:
    """A run summary as the daily run stores it, with every section of the credit entry."""
    weeks = [(AS_OF + dt.timedelta(days=1 + 7 * k)).isoformat() for k in range(13)]
    return {
        "run_id": 7, "run_date": AS_OF.isoformat(), "status": "attention",
        "started_at": "2026-03-01T06:00:00", "finished_at": "2026-03-01T06:01:00",
        "files": {"imported": 2, "quarantined": 1, "duplicate": 0, "bugs": 1,
                  "list": [{"outcome": "quarantined", "file": "bad.xml", "detail": "x"}]},
        "lines_imported": 12, "events": {"processed": 3, "failed": 0},
        "matching": {"auto_matched": 4}, "auto_matched": 4, "suggested": 2, "unmatched": 2,
        "unmatched_by_age": {"0-7": 1, "8-30": 1}, "provenance": {"auto": 4, "manual": 1},
        "unmatched_amounts": {"EUR": Decimal("300.00")},
        "unapplied_cash": {"EUR": Decimal("50.00"), "CNY": Decimal("1234.50")},
        "payout_differences": {"count": 1, "amounts": {"EUR": Decimal("-1.25")}},
        "attention": ["1 file(s) quarantined"],
        "attention_items": [{"code": "quarantined", "count": 1, "bugs": 1},
                            {"code": "payout_differences", "count": 1},
                            {"code": "old_unmatched", "count": 2, "days": 30}],
        "report_dir": "/tmp/r",
        "credit": {
            "tiers": {"A": 3, "C": 1, "D": 1}, "on_hold": 1,
            "alerts": [{"kind": "over_limit", "customer_id": 1, "external_id": "C9",
                        "name": "上海远航", "exposure_minor": 123456, "limit_minor": 100000},
                       {"kind": "tier_drop", "customer_id": 2, "external_id": "C8",
                        "name": "北京星河", "from": "B", "to": "C",
                        "reasons": [{"measure": "late_share_6m", "value": 0.38},
                                    {"measure": "broken_promises_6m", "value": 2}]}],
            "kpis": {"base": "EUR", "receivables": "98765.43", "dso": 41.3,
                     "dso_countback": 38.9, "cei": 77.5, "avg_days_delinquent": 9.2,
                     "missing_rates": [], "rate_days": {"CNY": "2026-02-27"},
                     "collection_by_month": [{"month": "2026-02", "due_minor": 5000000,
                                              "collected_minor": 4100000, "rate": 0.82}],
                     "aging": [{"bucket": "current", "by_currency": {"EUR": 700000},
                                "base_minor": 700000},
                               {"bucket": "90+", "by_currency": {"CNY": 1000000},
                                "base_minor": 128000}],
                     "top_overdue": [{"customer_id": 2, "external_id": "C8", "name": "北京星河",
                                      "overdue_minor": 250075, "oldest_days": 95}]},
            "forecast": {"weeks": weeks, "expected": [100000 + k for k in range(13)],
                         "low": [80000] * 13, "high": [130000] * 13, "later": 55500,
                         "open_invoices": 9, "band_factor": 1.07, "band_origins": 12},
        },
    }


@pytest.fixture
def both(session, tmp_path):
    _books(session)
    data = build_report(session, AS_OF)
    for lang in ("en", "zh_Hans"):
        write_reports(data, tmp_path / lang, _summary(), lang=lang)
    return tmp_path / "en", tmp_path / "zh_Hans"


def _visible(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return FILE_NAME.sub(" ", re.sub(r"<[^>]+>", " ", html))


def _leftovers(text: str) -> list[str]:
    """English catalog messages (or their fragments between placeholders) found in ``text``."""
    found = []
    for msgid, zh in _catalog().items():
        for part in PLACEHOLDER.split(msgid):
            part = part.strip()
            if len(re.sub(r"[^A-Za-z]", "", part)) < 2 or part in zh:
                continue  # acronyms the Chinese keeps (DSO, CEI) are not leftovers
            if re.search(rf"(?<![A-Za-z]){re.escape(part)}(?![A-Za-z])", text):
                found.append(part)
    return found


def test_catalog_translates_every_message():
    assert [m for m, zh in _catalog().items() if not zh] == []


def test_chinese_report_has_no_english_left_and_the_english_one_has_it_all(both):
    en, zh = ((d / "index.html").read_text(encoding="utf-8") for d in both)
    assert 'lang="zh-Hans"' in zh and "对账报告" in zh and "回款率" in zh
    assert zh.count("<svg") == en.count("<svg") >= 4  # the credit charts too
    for label in ("DSO", "CEI", "80% 区间", "信用预警", "应收账款账龄", "逾期金额最高的客户",
                  "未来 13 周回款预测", "超出信用额度", "6 个月内 38 % 逾期付款"):
        assert label in zh, label
    assert _leftovers(_visible(zh)) == []
    assert "over its credit limit" in en and "38 % paid late in 6 months" in en
    assert "Collection rate (回款率)" in en and "Cash-collection forecast" in en


def test_numbers_are_the_same_in_both_languages(both):
    en, zh = ((d / "index.html").read_text(encoding="utf-8") for d in both)
    assert Counter(DECIMAL.findall(_visible(en))) == Counter(DECIMAL.findall(_visible(zh)))
    assert "€1,234.56" in en and "€1,234.56" in zh  # the over-limit exposure, per locale
    assert "Mar 1, 2026" in en and "2026年3月1日" in zh
    books = [load_workbook(d / "report.xlsx") for d in both]
    assert len(books[0].sheetnames) == len(books[1].sheetnames) >= 7
    for s_en, s_zh in zip(*(b.worksheets for b in books), strict=True):
        cells = [[c.value for row in s.iter_rows() for c in row
                  if isinstance(c.value, int | float | dt.datetime)] for s in (s_en, s_zh)]
        assert cells[0] == cells[1], s_en.title


def test_chinese_workbook_sheets_and_headers(both):
    book = load_workbook(both[1] / "report.xlsx")
    assert book.sheetnames == ["摘要", "银行对账", "网关结算", "未匹配", "账龄", "异常", "回款预测"]
    text = " ".join(str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row
                    if isinstance(c.value, str))
    assert "期初余额" in text and "按月回款率" not in text and "回款率" in text
    assert _leftovers(FILE_NAME.sub(" ", text)) == []


def test_summary_text_and_mail_subject_in_chinese():
    text = summary_text({**_summary(), "report_language": "zh_Hans"})
    assert "对账运行 2026-03-01" in text and "需要人工处理" in text and "预警" in text
    assert _leftovers(text) == []
    english = summary_text(_summary())
    assert "NEEDS A HUMAN: 1 file(s) quarantined, 1 of them by a bug" in english
    assert summary_text(_summary(), "zh_Hans") == text


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="report language 'fr'"):
        words("fr")


def test_the_run_reports_in_the_settings_language_and_lang_overrides(cli, settings, session):
    from recon.access import settings_store

    first = cli("run", "--date", "2026-11-20", "--lang", "zh_Hans")
    page = (settings.reports_dir / "2026-11-20" / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh-Hans"' in page and "对账运行 2026-11-20" in first.stderr
    settings_store.save(session, {"report_language": "zh_Hans"}, actor="root", defaults=settings)
    session.commit()
    cli("run", "--date", "2026-11-21")
    page = (settings.reports_dir / "2026-11-21" / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh-Hans"' in page and "摘要" in load_workbook(
        settings.reports_dir / "2026-11-21" / "report.xlsx").sheetnames
    english = cli("run", "--date", "2026-11-22", "--lang", "en")
    page = (settings.reports_dir / "2026-11-22" / "index.html").read_text(encoding="utf-8")
    assert 'lang="en"' in page and "recon run 2026-11-22" in english.stderr
    assert cli("run", "--date", "2026-11-23", "--lang", "fr").exit_code == 2  # click refuses
