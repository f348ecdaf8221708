"""'Run matching now': a background job with its progress page; busy while a run holds the lock."""

from __future__ import annotations

import time

from sqlalchemy import select

from recon.models import Match
from recon.run.lock import run_lock
from tests.recon.factories import make_customer, make_invoice, make_line


def test_run_now_matches_in_the_background_and_reports(app, client, login, session_factory) -> None:
    with session_factory.begin() as s:
        acme = make_customer(s, name="Acme Seven GmbH")
        make_invoice(s, "250.00", customer=acme, invoice_no="INV-25001")
        make_line(s, "250.00", counterparty_name="Acme Seven GmbH", remittance="INV-25001")
    login(client, "clara", "clerk")
    started = client.post("/matching/run")
    assert started.status_code == 302 and "/matching/" in started.headers["Location"]
    status = started.headers["Location"]
    for _ in range(120):
        html = client.get(status, headers={"HX-Request": "true"}).get_data(as_text=True)
        if "Matching finished." in html or "error" in html:
            break
        assert 'hx-trigger="every 1s"' in html  # still running: the fragment polls itself
        time.sleep(0.5)
    assert "Matching finished." in html and "1 receipt matched automatically" in html
    with session_factory() as s:
        assert s.scalar(select(Match.status)) == "auto"


def test_run_now_while_a_run_holds_the_lock(app, client, login) -> None:
    login(client, "clara", "clerk")
    with run_lock(app.extensions["recon.engine"]):
        page = client.post("/matching/run", follow_redirects=True).get_data(as_text=True)
    assert "Matching is already running" in page


def test_viewer_may_not_start_matching(client, login) -> None:
    login(client, "vic", "viewer")
    assert client.post("/matching/run").status_code == 403
