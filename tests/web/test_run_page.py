"""The run detail page reads as a page: steps, counts, files and report links in words."""

from __future__ import annotations

import datetime as dt

from recon.models import ReconRun

SUMMARY = {
    "run_id": 1, "status": "attention", "attention": ["3 receipt(s) unmatched"],
    "files": {"imported": 1, "quarantined": 1, "duplicate": 0, "bugs": 0, "list": [
        {"file": "camt053_day1.xml", "kind": "bank", "outcome": "imported", "lines": 12,
         "detail": "", "bug": False, "moved_to": ""},
        {"file": "broken.csv", "kind": "?", "outcome": "quarantined", "lines": 0,
         "detail": "line 3, field amount: 'x' is not an amount", "bug": False, "moved_to": ""}]},
    "lines_imported": 12, "events": {"pending": 0, "processed": 2, "failed": 0, "errors": []},
    "matching": {"auto_matched": 9, "suggested_new": 3, "errors": [], "detail": "x"},
    "auto_matched": 9, "suggested": 3, "unmatched": 3, "unmatched_by_age": {"0-7": 3},
    "unmatched_amounts": {"EUR": "120.50"}, "unapplied_cash": {}, "payout_differences":
    {"count": 0, "amounts": {}}, "statement_differences": 0,
}  # fmt: skip


def test_run_detail_is_a_page_not_a_dump(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        s.add(ReconRun(run_date=dt.date(2026, 12, 5), status="attention", actor="cron",
                       counts=SUMMARY, finished_at=dt.datetime(2026, 12, 5, 6, tzinfo=dt.UTC)))
    login(client, "vic", "viewer")
    html = client.get("/runs/1").get_data(as_text=True)
    assert "1 file imported" in html and "1 set aside (quarantined)" in html
    assert "12 new bank lines" in html and "9 receipts matched automatically" in html
    assert "3 suggestions wait for a person" in html and "€120.50" in html
    assert "broken.csv" in html and "3 receipt(s) unmatched" in html
    assert "{'" not in html and "&#39;file&#39;" not in html  # no Python dict text


def test_audit_log_reads_in_words_with_links(client, login, session_factory) -> None:
    from recon.allocation.allocations import AllocationSpec, create_match
    from recon.allocation.decisions import confirm_match
    from recon.rules.store import RuleSpec, create_rule
    from tests.recon.factories import make_invoice, make_line

    with session_factory.begin() as s:
        inv = make_invoice(s, "5.00")
        line = make_line(s, "5.00")
        m = create_match(s, receipt=line, allocations=[AllocationSpec(inv.id, inv.amount)],
                         status="suggested", actor="matcher", confidence=0.7)  # fmt: skip
        confirm_match(s, m.id, actor="clara")
        rule = create_rule(s, RuleSpec("fees", "category", text_contains="fee",
                                       category="bank_fee"), actor="clara")  # fmt: skip
        rule_id = rule.id
    login(client, "vic", "viewer")
    html = client.get("/audit").get_data(as_text=True)
    assert "accepted a suggestion" in html
    assert f'href="/rules#rule-{rule_id}"' in html and "created a rule" in html
    assert "category: bank charges" in html  # codes in words
    table = html[html.index('<table class="cards audit">'):]
    assert "{&#34;" not in table and '{"' not in table  # no raw JSON


def test_stored_sentences_read_in_chinese_with_plurals(client, login, session_factory) -> None:
    """The run keeps English sentences (for the CLI and the e-mail); the page says them again
    in the person's language, built from the very summary() of the import reports."""
    from recon.gateway.reports import ImportSummary as GatewaySummary
    from recon.statements.imports import ImportReport

    bank = ImportReport(file_name="day1.xml", file_sha256="0", format="camt", statements=1,
                        lines_new=1,
                        lines_known=0, lines_flagged=2, warnings=["w"])
    gateway = GatewaySummary(file="po.csv", format="stripe_report", created=0, updated=2,
                             unchanged=1, settled=1)
    files = [{"file": "day1.xml", "kind": "bank", "outcome": "imported", "lines": 1,
              "detail": bank.summary(), "bug": False, "moved_to": ""},
             {"file": "po.csv", "kind": "gateway", "outcome": "imported", "lines": 2,
              "detail": gateway.summary(), "bug": False, "moved_to": ""}]
    summary = {**SUMMARY, "attention": ["1 unmatched item(s) at least 3 day(s) old"],
               "files": {**SUMMARY["files"], "list": files}}
    with session_factory.begin() as s:
        s.add(ReconRun(run_date=dt.date(2026, 12, 5), status="attention", actor="cron",
                       counts=summary, finished_at=dt.datetime(2026, 12, 5, 6, tzinfo=dt.UTC)))
    login(client, "vic", "viewer")
    en = client.get("/runs/1").get_data(as_text=True)
    assert "1 receipt not matched (3 days old or more)" in en
    assert "camt: 1 statement, 1 new line, 0 already known, 2 flagged as possible duplicates, " \
           "1 warning" in en
    assert "settlement report: 0 new records, 2 updated, 1 unchanged, 1 invoice settled" in en
    assert "(s)" not in en and "stripe_report" not in en
    client.post("/locale", data={"lang": "zh_Hans"})
    zh = client.get("/runs/1").get_data(as_text=True)
    assert "1 笔收款未匹配 （3 天或更久）" in zh
    assert "camt: 1 份对账单、1 条新流水、0 个已导入过、2 条疑似重复、1 条警告" in zh
    assert "结算报告: 0 条新记录、2 条已更新、1 条未变、1 张发票已结清" in zh
