"""Real-browser tests of issue #12's controls (Playwright driving Debian's Chromium): the
settings round trip (saved, shown again, refused with the field named, in force on the queue)
and a write-off submitted twice (the second is refused; the item shows "pending approval").

Skipped when ``/usr/bin/chromium`` is absent, except in CI where that fails.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from recon.models import Adjustment, StatementLine
from tests.recon.factories import make_line
from tests.web.conftest import ensure_user
from tests.web.test_e2e_browser import browser, log_in, log_out, server, shot  # noqa: F401

pytestmark = pytest.mark.browser


def _page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def test_settings_round_trip_in_a_real_browser(server, browser, session_factory) -> None:  # noqa: F811
    ensure_user(session_factory, "ada", "admin")
    ensure_user(session_factory, "clara", "clerk")
    with session_factory.begin() as s:
        line = make_line(s, "40.00").id
    context, page, errors = _page(browser)
    log_in(page, server, "ada")
    page.goto(f"{server}/settings")
    page.fill("#s-auto_threshold", "0.10")
    page.fill("#s-suggest_threshold", "0.20")
    page.click("#settings-form button[type=submit]")
    page.wait_for_selector(".flash.error")
    assert "suggestion threshold: 0.2 must not exceed" in page.text_content(".flash.error")
    assert page.get_attribute("#s-suggest_threshold", "aria-invalid") == "true"
    assert page.input_value("#s-auto_threshold") == "0.10"  # what was typed stays to be fixed
    page.fill("#s-auto_threshold", "0.97")
    page.fill("#s-suggest_threshold", "0.50")
    page.fill("#s-writeoff_limit", "10.00")
    page.fill("#s-writeoff_limits", "cny=500, USD=80")
    page.click("#settings-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    shot(page, "10-settings-saved")
    page.reload()
    assert page.input_value("#s-writeoff_limit") == "10.00"
    assert page.input_value("#s-writeoff_limits") == "CNY=500, USD=80"
    log_out(page)
    log_in(page, server, "clara")
    page.goto(f"{server}/queue/line/{line}")
    assert "€10.00" in page.text_content("#writeoff-form")
    page.fill("#writeoff-form input[name=amount]", "20.00")
    page.fill("#writeoff-form input[name=reason]", "bank charges")
    page.click("#writeoff-form button[type=submit]")
    page.wait_for_selector("#pending-approval")
    with session_factory() as s:
        assert s.scalars(sa.select(Adjustment.status)).all() == ["pending_approval"]
    assert errors == []
    context.close()


def test_write_off_double_submit_in_a_real_browser(server, browser, session_factory) -> None:  # noqa: F811
    ensure_user(session_factory, "clara", "clerk")
    with session_factory.begin() as s:
        line = make_line(s, "800.00").id
    context, page, errors = _page(browser)
    log_in(page, server, "clara")
    page.goto(f"{server}/queue/line/{line}")
    page.fill("#writeoff-form input[name=amount]", "777.00")
    page.fill("#writeoff-form input[name=reason]", "payer unknown")
    page.dblclick("#writeoff-form button[type=submit]")  # a nervous double click
    page.wait_for_selector("#pending-approval")
    # and once more on purpose, with the same amount typed again
    page.fill("#writeoff-form input[name=amount]", "777.00")
    page.fill("#writeoff-form input[name=reason]", "payer unknown")
    page.click("#writeoff-form button[type=submit]")
    page.wait_for_selector("#notice.error")
    assert "exceeds" in page.text_content("#notice.error")
    shot(page, "11-write-off-refused")
    with session_factory() as s:
        rows = s.scalars(sa.select(Adjustment)).all()
        assert [(a.status, a.amount_minor) for a in rows] == [("pending_approval", 77700)]
        assert s.get(StatementLine, line).unapplied_minor == 2300
    page.goto(f"{server}/queue")
    row = page.locator(f"#row-line-{line}")
    assert "pending approval" in row.text_content()
    assert "Approvals (1 waiting)" in page.text_content("header nav")
    page.goto(f"{server}/queue/line/{line}")
    page.click("form.withdraw button[type=submit]")
    page.wait_for_selector("#notice.success")
    with session_factory() as s:
        assert s.get(StatementLine, line).unapplied_minor == 80000
    assert errors == []
    context.close()
