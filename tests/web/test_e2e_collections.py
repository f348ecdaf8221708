"""Real-browser test of collections: a clerk opens the dunning preview, sends a reminder from it
(delivered to a real local SMTP server), and opens the customer page in English and Chinese."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from recon.collections.settings import DunningSettings
from recon.config import AppSettings
from recon.models import Reminder
from tests.collections.helpers import customer_with_invoices, start_smtp
from tests.web.conftest import ensure_user
from tests.web.test_e2e_browser import browser, log_in, shot  # noqa: F401 (fixture)
from web import create_app

pytestmark = pytest.mark.browser
TODAY = dt.date.today()


@pytest.fixture
def smtp_server():
    controller, inbox, url = start_smtp()
    yield inbox, url
    controller.stop()


@pytest.fixture
def server(settings: AppSettings, smtp_server) -> Iterator[str]:
    app = create_app({"RECON_SETTINGS": settings})  # CSRF on, as in production
    app.extensions["recon.dunning_settings"] = DunningSettings(smtp_url=smtp_server[1])
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    app.extensions["recon.engine"].dispose()


def test_send_from_preview_and_customer_page_in_both_languages(
        server, browser, smtp_server, session_factory) -> None:  # noqa: F811
    inbox, _url = smtp_server
    ensure_user(session_factory, "clara", "clerk")
    with session_factory.begin() as s:
        customer = customer_with_invoices(s, "880.00", due=TODAY - dt.timedelta(days=9),
                                          name="上海东方贸易有限公司", language="zh-CN")
        customer_id = customer.id
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "clara")
    page.goto(f"{server}/collections")
    row = page.locator("#plan tr[data-customer='上海东方贸易有限公司']")
    assert "overdue 7" in row.inner_text() and "ap@buyer.example" in row.inner_text()
    shot(page, "collections-01-preview")
    row.locator("button", has_text="Send now").click()
    page.wait_for_selector("p.flash.success")
    assert "1 reminder(s) sent." in page.inner_text("p.flash.success")
    assert len(inbox.messages) == 1 and inbox.messages[0][1]["Subject"].startswith("逾期提醒")
    with session_factory() as s:
        reminder = s.scalars(select(Reminder)).one()
        assert (reminder.status, reminder.created_by) == ("sent", "clara")
    assert "No reminders due." in page.inner_text("#plan")  # the same level never twice

    page.goto(f"{server}/customers/{customer_id}")
    assert "Open items" in page.inner_text("main") and "9" in page.inner_text("#open-items")
    assert "overdue 7" in page.inner_text("#reminders")
    shot(page, "collections-02-customer-en")
    page.click("header .tools button[value=zh_Hans]")
    page.wait_for_selector("html[lang=zh-Hans]")
    main = page.inner_text("main")
    assert "未结项目" in main and "催款记录" in main and "平均付款天数" in main
    shot(page, "collections-03-customer-zh")
    assert errors == []
