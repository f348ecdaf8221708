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
    from recon.allocation.allocations import AllocationSpec, confirm_match, create_match
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
