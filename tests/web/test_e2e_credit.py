"""Real-browser test of the credit page and the forecast chart, in English and Chinese.

An approver opens the credit portfolio, goes to a tier-D customer (on hold, with its reasons),
overrides the tier with a reason and an expiry, opens the forecast and checks the chart draws a
line inside its band, then switches to Chinese and sees both pages translated. Uses the
Chromium and server fixtures of ``test_e2e_browser``; screenshots in ``test-output/``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from recon.credit.config import CreditSettings
from recon.credit.profiles import recompute
from tests.recon.test_credit_profiles import late_payer
from tests.web.conftest import PASSWORD, ensure_user
from tests.web.test_e2e_browser import SHOTS, browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def customer_id(session_factory):
    ensure_user(session_factory, "boris", "approver")
    with session_factory.begin() as s:
        cust = late_payer(s, today=dt.date.today())
        recompute(s, as_of=dt.date.today(), actor="run", settings=CreditSettings())
        return cust.id


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_credit_page_and_forecast_chart_in_both_languages(browser, server, customer_id):  # noqa: F811
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", "boris")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)

    page.click("nav a[href='/credit/']")
    assert page.locator("#portfolio tbody tr").count() == 1
    assert "on hold" in page.inner_text("#portfolio")
    page.click("#portfolio a")
    assert page.inner_text("#reasons") == "D: 100 % paid late in 6 months"
    assert "on hold: tier D" in page.inner_text("#limit")
    _shot(page, "credit-customer-en")
    until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    page.select_option("#override-form select[name=tier]", "B")
    page.fill("#override-form input[name=until]", until)
    page.fill("#override-form input[name=reason]", "paid everything after our call")
    page.click("#override-form button.primary")
    page.wait_for_selector(".flash, .flashes, [class*=flash]")
    assert "paid everything after our call" in page.inner_text("#tier")
    assert page.inner_text("#tier .badge").startswith("B")

    page.goto(f"{server}/credit/forecast")
    chart = page.locator("#forecast-chart")
    assert chart.is_visible()
    assert chart.locator("polygon.band").count() == 1
    assert chart.locator("circle").count() == 13
    box = chart.locator("polygon.band").bounding_box()
    assert box is not None and box["width"] > 300
    _shot(page, "credit-forecast-en")

    page.click("header .tools button[value=zh_Hans]")
    page.goto(f"{server}/credit/forecast")
    assert "每周预计回款" in page.inner_text("main")
    assert page.locator("#forecast-chart polygon.band").count() == 1
    _shot(page, "credit-forecast-zh")
    page.goto(f"{server}/credit/customers/{customer_id}")
    assert "6 个月内 100 % 逾期付款" in page.inner_text("#tier")
    assert "额度与敞口" in page.inner_text("#limit")
    _shot(page, "credit-customer-zh")
