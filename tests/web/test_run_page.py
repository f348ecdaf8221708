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
