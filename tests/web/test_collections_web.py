"""The customer page and the dunning preview through the Flask test client."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from recon.collections.settings import DunningSettings
from recon.models import AuditEvent, Customer, Reminder, ReminderTemplate
from tests.collections.helpers import customer_with_invoices, start_smtp
from tests.recon.factories import make_invoice

TODAY = dt.date.today()


def _customer(session, **kw):
    customer = customer_with_invoices(session, "120.00", due=TODAY - dt.timedelta(days=8),
                                      name="Acme Trading", phone="+8613800138000", **kw)
    session.commit()
    return customer


def test_customer_page_shows_contacts_to_clerks_and_masks_them_for_viewers(
        app, client, login, session):
    customer = _customer(session)
    login(client, "carol", "clerk")
    html = client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "ap@buyer.example" in html and "Acme Trading" in html and "+8613800138000" in html
    assert 'id="open-items"' in html and ">8<" in html  # age in days
    viewer = app.test_client()
    login(viewer, "vic", "viewer")
    html = viewer.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "ap@buyer.example" not in html and "a•@buyer.example" in html
    assert "+8613800138000" not in html
    assert viewer.post(f"/customers/{customer.id}/edit", data={"email": "x@y.example"}
                       ).status_code == 403


def test_edit_promise_dispute_log_and_follow_ups(client, login, session):
    customer = _customer(session)
    invoice_id = customer.invoices[0].id
    login(client, "carol", "clerk")
    r = client.post(f"/customers/{customer.id}/edit", data={
        "email": "new@buyer.example", "language": "zh-CN", "channel": "email",
        "status": "normal", "terms_days": "45"})
    assert r.status_code == 302
    bad = client.post(f"/customers/{customer.id}/edit", data={"email": "not-an-address"},
                      follow_redirects=True)
    assert "is not an e-mail address" in bad.get_data(as_text=True)
    client.post(f"/customers/{customer.id}/promises", data={
        "promised_date": (TODAY + dt.timedelta(days=5)).isoformat(), "amount": "120.00",
        "currency": "CNY", "invoice_id": str(invoice_id)})
    client.post(f"/customers/{customer.id}/disputes", data={
        "invoice_id": str(invoice_id), "reason": "wrong quantity"})
    client.post(f"/customers/{customer.id}/log", data={
        "kind": "call", "summary": "will pay Friday", "follow_up_on": TODAY.isoformat()})
    session.expire_all()
    row = session.get_one(Customer, customer.id)
    assert (row.email, row.language, row.terms_days) == ("new@buyer.example", "zh-CN", 45)
    page = client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "wrong quantity" in page and "will pay Friday" in page
    follow = client.get("/followups").get_data(as_text=True)
    assert "will pay Friday" in follow and "Acme Trading" in follow
    preview = client.get("/collections").get_data(as_text=True)
    assert "promise" in preview and "dispute" in preview  # the held invoice says why


def test_preview_send_now_and_the_log(app, client, login, session):
    controller, inbox, url = start_smtp()
    try:
        app.extensions["recon.dunning_settings"] = DunningSettings(smtp_url=url)
        customer = _customer(session)
        held = customer_with_invoices(session, "5.00", due=TODAY, name="No Mail Co", email=None)
        session.commit()
        login(client, "carol", "clerk")
        html = client.get("/collections").get_data(as_text=True)
        assert "Acme Trading" in html and "overdue 7" in html and "no_address" in html
        assert "Overdue: 1 invoice(s)" in html and "8 days overdue" in html  # the words
        r = client.post("/collections/send", data={"customer_id": customer.id,
                                                   "date": TODAY.isoformat()})
        assert r.status_code == 302 and len(inbox.messages) == 1
        assert client.post("/collections/send", data={"customer_id": held.id}
                           ).status_code == 302
        assert len(inbox.messages) == 1
        reminder = session.scalar(select(Reminder))
        assert reminder.created_by == "carol" and reminder.status == "sent"
        log = client.get("/collections/reminders").get_data(as_text=True)
        assert reminder.message_id.strip("<>") in log
    finally:
        controller.stop()


def test_template_editor_previews_and_refuses_a_broken_template(client, login, session):
    login(client, "root", "admin")
    page = client.get("/collections/templates/overdue/zh-CN").get_data(as_text=True)
    assert "逾期提醒" in page and "INV-0001" in page
    broken = client.post("/collections/templates/due/en", data={
        "subject": "{{ oops", "text": "t", "html": "h", "sms": "s", "action": "save"})
    assert "subject:" in broken.get_data(as_text=True)
    assert session.scalar(select(ReminderTemplate.id)) is None
    client.post("/collections/templates/due/en", data={
        "subject": "Pay {{ total }}", "text": "t", "html": "<p>h</p>", "sms": "s",
        "action": "save"})
    assert session.scalar(select(ReminderTemplate.subject)) == "Pay {{ total }}"


def test_statement_downloads_export_and_erase(client, login, session):
    customer = _customer(session)
    make_invoice(session, "7.00", "CNY", customer=customer)
    session.commit()
    login(client, "root", "admin")
    html = client.get(f"/customers/{customer.id}/statement").get_data(as_text=True)
    assert "Statement of account" in html
    xlsx = client.get(f"/customers/{customer.id}/statement?format=xlsx&period=2026-11")
    assert xlsx.data[:2] == b"PK"
    assert client.get(f"/customers/{customer.id}/statement?period=nope").status_code == 400
    export = client.post(f"/customers/{customer.id}/export")
    assert export.json["customer"]["email"] == "ap@buyer.example"
    client.post(f"/customers/{customer.id}/erase", data={"reason": "GDPR request"})
    session.expire_all()
    assert session.get_one(Customer, customer.id).email is None
    assert session.scalar(select(AuditEvent.reason).where(
        AuditEvent.action == "customer.erase")) == "GDPR request"


def test_pages_in_chinese(client, login, session):
    customer = _customer(session)
    login(client, "carol", "clerk")
    client.post("/locale", data={"lang": "zh_Hans"})
    page = client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "未结项目" in page and "催款记录" in page
    assert "待发送催款" in client.get("/collections").get_data(as_text=True)


def test_payer_account_is_shown_masked(client, login, session):
    customer = _customer(session)
    login(client, "carol", "clerk")
    client.post(f"/customers/{customer.id}/accounts", data={"account": "6222 0212 3456 7890"})
    html = client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "••••7890" in html and "6222021234567890" not in html
    assert "62220212" not in str(session.scalars(select(AuditEvent.after)).all())


def test_every_collections_string_has_a_chinese_translation():
    from pathlib import Path

    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    method_map = [("web/customers.py", "python"), ("web/collections.py", "python"),
                  ("web/templates/customers/**.html", "jinja2"),
                  ("web/templates/collections/**.html", "jinja2")]
    wanted = {m[2] for m in extract_from_dir(str(root), method_map,
                                              keywords={**DEFAULT_KEYWORDS, "_l": None})}
    translated: set[str] = set()
    for folder in ("translations", "translations_queue", "translations_collections"):
        with open(root / "web" / folder / "zh_Hans/LC_MESSAGES/messages.po", "rb") as fh:
            translated |= {m.id for m in read_po(fh) if m.string}
    assert len(wanted) > 100  # the extraction found the pages
    assert {w for w in wanted if isinstance(w, str)} - translated == set()


def test_signed_statement_link_opens_without_login_and_refuses_forgeries(app, client, session):
    from recon.collections.settings import DunningSettings as DS

    customer = _customer(session)
    link = DS(public_url="https://recon.example",
              link_secret=app.config["SECRET_KEY"]).statement_link(customer.id, "2026-11")
    assert link.startswith("https://recon.example/s/")
    path = link.removeprefix("https://recon.example")
    page = client.get(path)  # nobody logged in
    assert page.status_code == 200 and "Acme Trading" in page.get_data(as_text=True)
    assert client.get(path[:-2] + "xx").status_code == 404
    other = DS(public_url="https://x", link_secret="another key").statement_link(
        customer.id, "2026-11")
    assert client.get(other.removeprefix("https://x")).status_code == 404


def test_admin_edits_a_level_and_the_plan_follows(client, login, session):
    from recon.models import DunningLevel, DunningPolicy

    _customer(session)  # 8 days overdue
    login(client, "root", "admin")
    assert "overdue 7" in client.get("/collections").get_data(as_text=True)
    level = session.scalar(select(DunningLevel).join(DunningPolicy).where(
        DunningPolicy.tier == "default", DunningLevel.name == "overdue 7"))
    bad = client.post(f"/collections/policies/levels/{level.id}", data={
        "days": "40", "channel": "email", "template": "overdue", "min_amount": "0"},
        follow_redirects=True)
    assert "must stay between its neighbours" in bad.get_data(as_text=True)
    client.post(f"/collections/policies/levels/{level.id}", data={
        "days": "9", "channel": "email", "template": "overdue", "min_amount": "0",
        "attach_statement": "on"})
    session.expire_all()
    assert (level.days, level.attach_statement) == (9, True)
    html = client.get("/collections").get_data(as_text=True)
    assert "3 · overdue 7" not in html and "2 · due" in html  # day 8: "due" is the highest
    viewer = client.application.test_client()
    login(viewer, "vic", "viewer")
    assert viewer.post(f"/collections/policies/levels/{level.id}", data={"days": "8"}
                       ).status_code == 403
