"""Real-browser end-to-end test of the exception queue: Playwright driving Debian's Chromium.

The app runs on a werkzeug server in a background thread against this test's database (a file
SQLite database, or the PostgreSQL schema of the run). A clerk logs in and works the queue —
accepts a suggestion with the keyboard, matches a receipt by hand across two invoices with a bank
fee, writes off above the limit — an approver approves the write-off and undoes the match, and
the language is switched to Chinese. Screenshots go to ``test-output/screenshots/``.

Skipped when ``/usr/bin/chromium`` is absent, except in CI (``CI=true``) where that fails.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from recon.allocation.allocations import AllocationSpec, create_match
from recon.config import AppSettings
from recon.models import Adjustment, Invoice, Match, StatementLine
from tests.conftest import IN_CI
from tests.recon.factories import make_customer, make_invoice, make_line
from tests.web.conftest import PASSWORD, ensure_user
from web import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture
def server(settings: AppSettings) -> Iterator[str]:
    app = create_app({"RECON_SETTINGS": settings})  # CSRF on, as in production
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    app.extensions["recon.engine"].dispose()


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("/usr/bin/chromium is missing in CI (apt-get install chromium)")
        pytest.skip("real-browser tests need /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def world(session_factory):
    """Users, invoices and receipts for the scenario; returns their ids."""
    ensure_user(session_factory, "clara", "clerk")
    ensure_user(session_factory, "boris", "approver")
    with session_factory.begin() as s:
        acme = make_customer(s, name="Acme Seven GmbH")
        inv_a = make_invoice(s, "100.00", customer=acme, invoice_no="INV-7001")
        inv_b = make_invoice(s, "100.00", customer=acme, invoice_no="INV-7002")
        inv_c = make_invoice(s, "49.00", invoice_no="INV-7100")
        fee_line = make_line(s, "49.00", counterparty_name="SMALL CO", remittance="INV-7100")
        sugg = create_match(
            s, receipt=fee_line, allocations=[AllocationSpec(inv_c.id, Decimal("49"))],
            status="suggested", actor="matcher", confidence=0.8,
            reasons=[{"feature": "amount", "level": "fee", "weight": 4.0, "detail": "fee"}],
            cause="fee_gap",
        )  # fmt: skip
        two = make_line(s, "195.00", counterparty_name="ACME 7", remittance="two invoices")
        lost = make_line(s, "80.00", counterparty_name="NOBODY", remittance="???")
        return {
            "sugg": sugg.id, "two": two.id, "lost": lost.id, "a": inv_a.id, "b": inv_b.id,
        }  # fmt: skip


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def log_out(page) -> None:
    page.click("header .tools form[action$='/logout'] button")
    page.wait_for_url("**/login**")


def test_work_the_queue_in_a_real_browser(server, browser, world, session_factory) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "clara")

    # 1. accept a suggestion from the list with the keyboard: j selects, a accepts (htmx)
    page.goto(f"{server}/queue?cause=fee_gap")
    shot(page, "01-queue-fee-gap")
    page.keyboard.press("j")
    assert "selected" in (page.locator("tr.item").first.get_attribute("class") or "")
    page.keyboard.press("a")
    page.wait_for_selector("tr.done td.ok")
    with session_factory() as s:
        assert s.get(Match, world["sugg"]).status == "manual"

    # 2. manual match across two invoices, the 5.00 difference booked as a bank fee
    page.goto(f"{server}/queue/line/{world['two']}")
    page.keyboard.press("/")
    page.keyboard.type("acme seven")
    page.wait_for_selector("button.add-invoice[data-number='INV-7002']")
    page.click("button.add-invoice[data-number='INV-7001']")
    page.click("button.add-invoice[data-number='INV-7002']")
    assert page.input_value("#alloc-rows tr:nth-child(2) input[name=amount]") == "95.00"
    assert page.text_content("#remaining") == "0.00"
    assert page.text_content("#shortfall") == "5.00"
    page.fill("#alloc-rows tr:nth-child(2) input[name=amount]", "90.00")
    assert page.text_content("#remaining") == "5.00"  # updated live while typing
    page.fill("#alloc-rows tr:nth-child(2) input[name=amount]", "95.00")
    page.select_option("#difference", "bank_fee")
    shot(page, "02-manual-match")
    page.click("#match-submit")
    page.wait_for_selector("#notice.success")
    shot(page, "03-matched")
    with session_factory() as s:
        assert [s.get(Invoice, world[k]).status for k in ("a", "b")] == ["paid", "paid"]
        assert s.get(StatementLine, world["two"]).unapplied_minor == 0

    # 3. write-off above the limit waits for a second person
    page.goto(f"{server}/queue/line/{world['lost']}")
    page.fill("#writeoff-form input[name=reason]", "payer unknown after 90 days")
    page.click("#writeoff-form button[type=submit]")
    page.wait_for_selector("#notice.success")
    with session_factory() as s:
        adj = s.scalar(select(Adjustment).where(Adjustment.kind == "write_off"))
        assert adj.status == "pending_approval"
    page.goto(f"{server}/queue/approvals")
    assert page.locator("#approvals button.primary").count() == 0  # a clerk cannot approve
    log_out(page)

    # 4. a second user (approver) approves it, then undoes the manual match
    log_in(page, server, "boris")
    page.goto(f"{server}/queue/approvals")
    shot(page, "04-approvals")
    page.click(f"#adjustment-{adj.id} button.primary")
    page.wait_for_selector(".flash.success")
    with session_factory() as s:
        done = s.get(Adjustment, adj.id)
        assert (done.status, done.approved_by) == ("applied", "boris")
    page.goto(f"{server}/queue/line/{world['two']}")
    page.fill("form.undo input[name=reason]", "wrong customer")
    page.click("form.undo button[type=submit]")
    page.wait_for_selector("#notice.success")
    shot(page, "05-undone")
    with session_factory() as s:
        assert [s.get(Invoice, world[k]).status for k in ("a", "b")] == ["open", "open"]
        assert s.get(StatementLine, world["two"]).unapplied_minor == 19500

    # 5. switch the language to Simplified Chinese
    page.goto(f"{server}/queue")
    page.click("header .tools button[value=zh_Hans]")
    page.wait_for_selector("html[lang=zh-Hans]")
    assert "异常队列" in page.text_content("h1")
    shot(page, "06-queue-zh")
    assert errors == []
    context.close()
