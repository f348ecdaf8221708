"""Languages: English by default, Simplified Chinese by choice or browser; amounts and dates
formatted per locale."""

from __future__ import annotations

import datetime as dt

from tests.recon.factories import make_invoice


def _invoice(session_factory) -> None:
    with session_factory.begin() as s:
        make_invoice(s, amount="1234.50", currency="CNY", due_date=dt.date(2026, 10, 31))


def test_english_by_default(client, login, session_factory):
    _invoice(session_factory)
    login(client, "en-user", "viewer")
    page = client.get("/invoices").get_data(as_text=True)
    assert "Invoices" in page and "Open amount" in page
    assert "CN¥1,234.50" in page
    assert "Oct 31, 2026" in page


def test_switch_to_simplified_chinese(client, login, session_factory):
    _invoice(session_factory)
    login(client, "zh-user", "viewer")
    response = client.post("/locale", data={"lang": "zh_Hans", "next": "/invoices"})
    assert response.status_code == 302 and response.headers["Location"] == "/invoices"
    page = client.get("/invoices").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    assert "发票" in page and "未结金额" in page and "仪表板" in page
    assert "¥1,234.50" in page and "CN¥" not in page
    assert "2026年10月31日" in page
    dashboard = client.get("/").get_data(as_text=True)
    assert "每次运行的自动匹配率" in dashboard
    client.post("/locale", data={"lang": "en"})
    assert "Open amount" in client.get("/invoices").get_data(as_text=True)


def test_browser_language_and_unknown_choice(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "登录" in page.get_data(as_text=True)
    assert client.post("/locale", data={"lang": "fr"}).status_code == 400


def test_locale_choice_survives_login(client, login):
    client.post("/locale", data={"lang": "zh_Hans"})
    login(client, "keeps-lang", "viewer")
    assert "仪表板" in client.get("/").get_data(as_text=True)
