"""At 390 px (a phone) the record pages fit the screen: their tables become cards whose cells
are labelled from the column headings (app.js), in English and in Chinese; the pager says
"1 item", not "1 items"."""

from __future__ import annotations

import pytest

from tests.recon.factories import make_customer, make_invoice
from tests.web.conftest import ensure_user
from tests.web.test_e2e_browser import ARGS, CHROMIUM, SHOTS, browser, log_in, server  # noqa: F401

PAGES = ("/", "/invoices", "/gateways", "/customers", "/credit/", "/collections/policies",
         "/settings")


def test_one_item_is_one_item(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        make_invoice(s, "10.00", customer=make_customer(s, name="Solo"), invoice_no="INV-1")
    html = login(client, "vic", "viewer").get("/invoices").get_data(as_text=True)
    assert "· 1 item<" in html
    assert "1 items" not in html and '<table class="cards">' in html


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_record_pages_fit_a_phone(browser, server, session_factory, lang) -> None:  # noqa: F811
    ensure_user(session_factory, "ada", "admin")
    with session_factory.begin() as s:
        acme = make_customer(s, name="Acme Trading International GmbH & Co. KG")
        for n in range(3):
            make_invoice(s, f"{1234567 + n}.89", customer=acme, invoice_no=f"INV-2026-00{n}")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, server, "ada")
    if lang != "en":
        page.click(f"header .tools button[value={lang}]")
        page.wait_for_selector("html[lang=zh-Hans]")
    for path in PAGES:
        page.goto(server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.goto(server + "/invoices")
    label = page.get_attribute("table.cards tbody tr td:nth-child(5)", "data-label")
    assert label == ("Amount" if lang == "en" else "金额")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"phone-invoices-{lang}.png"), full_page=True)
    context.close()
