"""The morning in a real browser: triage ten items with the keyboard only, in English at 1440 px
and in Chinese at 390 px (a phone), then a second person approves the write-off; an axe-core
check (vendored in tests/web/vendor, no CDN) finds no serious or critical violation on the main
pages. Screenshots go to ``test-output/screenshots/``.

Each walk: accept six suggestions (a), reject a wrong one (r), skip one (n), match one by hand
with a typo first (the error shows beside the field and the typed text stays), turn that hand
match into a rule (m, then Enter on the pre-filled rules page), write one off above the limit
(w), and check the keys help (?). Items come in the view's order, so the walk looks at which
item is shown and does what the plan says for it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from recon.allocation.allocations import AllocationSpec, create_match
from recon.models import Adjustment, Match, Rule, StatementLine
from recon.queue import cache as queue_cache
from tests.recon.factories import make_customer, make_invoice, make_line
from tests.web.conftest import ensure_user
from tests.web.test_e2e_browser import ARGS, CHROMIUM, SHOTS, browser, log_in, log_out, server  # noqa: F401

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
GOOD = [{"feature": "reference", "level": "exact", "weight": 13.0, "detail": "x"},
        {"feature": "amount", "level": "exact", "weight": 8.0, "detail": "x"},
        {"feature": "payer", "level": "weak", "weight": 1.0, "detail": "x"}]  # fmt: skip


@pytest.fixture
def morning(session_factory):
    """Ten receipts; returns item key → planned action (and ids to check afterwards)."""
    queue_cache.clear()
    ensure_user(session_factory, "clara", "clerk")
    ensure_user(session_factory, "boris", "approver")
    plan: dict[str, str] = {}
    with session_factory.begin() as s:
        acme = make_customer(s, name="Acme Trading GmbH")
        for n in range(6):
            inv = make_invoice(s, f"{100 + n}.00", customer=acme, invoice_no=f"INV-10{n}")
            line = make_line(s, f"{100 + n}.00", counterparty_name=f"ACME {n}",
                             remittance=f"INV-10{n}")  # fmt: skip
            create_match(s, receipt=line, allocations=[AllocationSpec(inv.id, inv.amount)],
                         status="suggested", actor="matcher", confidence=0.9, reasons=GOOD)  # fmt: skip
            plan[f"line-{line.id}"] = "accept"
        wrong = make_invoice(s, "300.00", invoice_no="INV-300")
        line = make_line(s, "300.00", counterparty_name="BETA LTD", remittance="rent")
        create_match(s, receipt=line, allocations=[AllocationSpec(wrong.id, Decimal(300))],
                     status="suggested", actor="matcher", confidence=0.6, reasons=GOOD)  # fmt: skip
        plan[f"line-{line.id}"] = "reject"
        plan[f"line-{make_line(s, '12.00', counterparty_name='GAMMA').id}"] = "next"
        make_invoice(s, "99.00", customer=make_customer(s, name="Delta Foods"), invoice_no="INV-D1")
        plan[f"line-{make_line(s, '99.00', counterparty_name='DELTA PAYER').id}"] = "hand"
        plan[f"line-{make_line(s, '80.00', counterparty_name='EPSILON').id}"] = "write_off"
    return plan


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def current(page) -> str:
    return page.get_attribute("#triage", "data-item") or ""


def wait_for_other(page, key: str) -> None:
    page.wait_for_function(
        "k => { const t = document.getElementById('triage'); return t && t.dataset.item !== k; }",
        arg=key,
    )


def hand_match(page, tag: str, words: dict[str, str]) -> None:
    key = current(page)
    page.keyboard.press("h")
    page.keyboard.type("INV-D1")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("99O.00")
    page.keyboard.press("Enter")  # Enter in a field submits that field's form
    page.wait_for_selector("#hand-error")
    assert words["not_amount"] in page.text_content("#hand-error")
    assert page.input_value("#hand-amount") == "99O.00"  # what was typed is kept
    assert page.input_value("#hand-invoice") == "INV-D1"
    assert current(page) == key  # still the same item
    shot(page, f"{tag}-04-typo-error")
    page.keyboard.press("Control+a")  # the invalid field has the focus
    page.keyboard.type("99.00")
    page.keyboard.press("Enter")
    wait_for_other(page, key)
    page.wait_for_selector("#offer-rule")
    shot(page, f"{tag}-05-offer-rule")
    page.keyboard.press("m")
    page.wait_for_selector("#new-rule")
    assert page.input_value("#r-payer") == "DELTA PAYER"
    assert page.input_value("#r-customer") == "Delta Foods"
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'r-name'")
    page.keyboard.press("Enter")  # the name field has the focus (autofocus)
    page.wait_for_selector(".flash.success")
    shot(page, f"{tag}-06-rule-saved")
    page.go_back()
    page.go_back()
    page.wait_for_selector("#triage")


def write_off(page, tag: str) -> None:
    key = current(page)
    page.keyboard.press("w")
    page.keyboard.press("Tab")
    page.keyboard.type("payer unknown after 90 days")
    page.keyboard.press("Enter")
    wait_for_other(page, key)
    shot(page, f"{tag}-07-write-off-sent")


def walk(page, base: str, plan: dict[str, str], tag: str, words: dict[str, str]) -> None:
    page.goto(f"{base}/triage")
    page.wait_for_selector("#triage")
    shot(page, f"{tag}-01-first-item")
    page.keyboard.press("?")
    page.wait_for_selector("dialog#keys[open]")
    shot(page, f"{tag}-02-keys")
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog#keys:not([open])", state="attached")
    todo, done = dict(plan), 0
    for _ in range(30):
        if not todo:
            break
        key = current(page)
        action = todo.pop(key, "next")
        if action in ("accept", "reject"):
            page.keyboard.press("a" if action == "accept" else "r")
            wait_for_other(page, key)
        elif action == "hand":
            hand_match(page, tag, words)
        elif action == "write_off":
            write_off(page, tag)
        else:
            page.keyboard.press("n")
            wait_for_other(page, key)
        done += key in plan and action == plan[key]
        if done == 1:
            shot(page, f"{tag}-03-after-first")
    assert not todo and done == 10


def no_overflow(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"{page.url} is {scroll}px wide at {width}px"


def axe_check(page, base: str, paths: list[str]) -> None:
    source = AXE.read_text(encoding="utf-8")
    for path in paths:
        page.goto(f"{base}{path}")
        page.evaluate(source)  # evaluate runs outside the page's CSP; nothing is served
        result = page.evaluate(
            "async () => JSON.stringify(await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}))"
        )
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in json.loads(result)["violations"] if v["impact"] in ("serious", "critical")]  # fmt: skip
        assert bad == [], f"{path}: {bad}"


WORDS = {
    "en": {"not_amount": "“99O.00” is not an amount"},
    "zh_Hans": {"not_amount": "“99O.00”不是金额"},
}


@pytest.mark.parametrize(("lang", "width"), [("en", 1440), ("zh_Hans", 390)])
def test_the_morning_keyboard_only(server, browser, morning, session_factory, lang, width) -> None:  # noqa: F811
    tag = f"triage-{lang}-{width}"
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "clara")
    if lang != "en":
        page.click(f"header .tools button[value={lang}]")
        page.wait_for_selector("html[lang=zh-Hans]")
    walk(page, server, morning, tag, WORDS[lang])
    with session_factory() as s:
        statuses = [m.status for m in s.scalars(select(Match).order_by(Match.id))]
        assert statuses.count("manual") == 7 and statuses.count("rejected") == 1
        adj = s.scalars(select(Adjustment).where(Adjustment.kind == "write_off")).one()
        assert adj.status == "pending_approval"
        assert s.scalars(select(Rule)).one().payer_contains == "DELTA PAYER"
    for path in ("/", "/queue", "/triage", "/rules", "/queue/approvals", "/invoices",
                 "/gateways", "/runs", "/audit"):
        page.goto(f"{server}{path}")
        no_overflow(page, width)
        if path in ("/", "/queue", "/audit"):
            shot(page, f"{tag}-page{path.replace('/', '-') or '-dashboard'}")
    shot(page, f"{tag}-08-approvals-clerk")
    log_out(page)
    log_in(page, server, "boris")
    page.goto(f"{server}/queue/approvals")
    page.click(f"#adjustment-{adj.id} button.primary")
    page.wait_for_selector(".flash.success")
    shot(page, f"{tag}-09-approved")
    with session_factory() as s:
        done = s.get(Adjustment, adj.id)
        assert (done.status, done.approved_by) == ("applied", "boris")
        assert s.scalars(select(StatementLine).where(StatementLine.counterparty_name == "EPSILON")).one().unapplied_minor == 0
    axe_check(page, server, ["/", "/queue", "/triage", "/rules", "/queue/approvals", "/audit",
                             "/invoices", "/runs"])
    assert errors == []
    context.close()


def test_the_queue_page_shows_a_refused_hand_match(server, browser, session_factory) -> None:  # noqa: F811
    """The receipt page's own hand match with a typo (400): the message appears next to the
    form and the typed amount stays."""
    ensure_user(session_factory, "clara", "clerk")
    with session_factory.begin() as s:
        make_invoice(s, "50.00", customer=make_customer(s, name="Omega"), invoice_no="INV-O1")
        line_id = make_line(s, "50.00", counterparty_name="OMEGA").id
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, server, "clara")
    page.goto(f"{server}/queue/line/{line_id}")
    page.fill("#invoice-search", "INV-O1")
    page.wait_for_selector("button.add-invoice[data-number='INV-O1']")
    page.click("button.add-invoice[data-number='INV-O1']")
    page.fill("#alloc-rows input[name=amount]", "99O.00")
    page.click("#match-submit")
    page.wait_for_selector("p.action-error")
    assert "99O.00" in page.text_content("p.action-error")
    assert page.input_value("#alloc-rows input[name=amount]") == "99O.00"
    shot(page, "queue-detail-typo-error")
    context.close()
