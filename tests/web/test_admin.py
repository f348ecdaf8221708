"""Upload page, settings (Setting table, audited) and the alias table (edit, delete)."""

from __future__ import annotations

import io
from decimal import Decimal

from sqlalchemy import select

from recon.access import settings_store
from recon.allocation.aliases import remember_alias
from recon.models import AuditEvent, CustomerAlias, Setting
from tests.recon.factories import make_customer

INVOICE_CSV = (
    "invoice_no,customer_id,customer_name,amount,currency,issue_date,due_date\n"
    "INV-1,C-1,Acme,100.00,EUR,2026-10-01,2026-10-31\n"
)


def test_upload_invoices_and_bad_gateway_file(client, login):
    login(client, "clerk1", "clerk")
    ok = client.post("/upload", data={"kind": "invoices",
                                      "file": (io.BytesIO(INVOICE_CSV.encode()), "inv.csv")})
    assert ok.status_code == 303 and ok.headers["Location"].startswith("/upload/")
    assert "inv.csv imported" in client.get(ok.headers["Location"]).get_data(as_text=True)
    bad = client.post("/upload", data={"kind": "gateway",
                                       "file": (io.BytesIO(b"a,b\n1,2\n"), "g.csv")})
    assert bad.status_code == 422
    assert "g.csv was not imported" in bad.get_data(as_text=True)
    assert client.post("/upload", data={"kind": "bank"}).status_code == 400


def test_settings_are_stored_validated_and_audited(client, login, session, settings):
    login(client, "root", "admin")
    page = client.get("/settings").get_data(as_text=True)
    assert 'name="writeoff_limit" value="50.00"' in page
    response = client.post("/settings", data={"writeoff_limit": "75.5", "auto_threshold": "0.95"})
    assert response.status_code == 302
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    assert stored == {"writeoff_limit": "75.5", "auto_threshold": "0.95"}
    values = settings_store.effective(session, settings)
    assert values["writeoff_limit"] == Decimal("75.5")
    assert values["suggest_threshold"] == settings.suggest_threshold
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "setting.change"))
    assert {e.object_id for e in events} == {"writeoff_limit", "auto_threshold"}
    bad = client.post("/settings", data={"auto_threshold": "1.5", "writeoff_limit": "10"})
    assert bad.status_code == 422 and "1.5 is not between 0 and 1" in bad.get_data(as_text=True)
    session.expire_all()
    assert session.get(Setting, "writeoff_limit").value == "75.5"  # nothing of it written


def test_alias_edit_and_delete(client, login, session_factory, session):
    with session_factory.begin() as s:
        customer = make_customer(s)
        alias = remember_alias(s, customer_id=customer.id, payer_name="ACME  GMBH",
                               polarity="positive", actor="t", source="manual")
        s.flush()
        alias_id = alias.id
    login(client, "root", "admin")
    assert "ACME  GMBH" in client.get("/settings/aliases?q=acme").get_data(as_text=True)
    edited = client.post(f"/settings/aliases/{alias_id}",
                         data={"alias": "Acme GmbH Berlin", "polarity": "negative"})
    assert edited.status_code == 302
    row = session.get(CustomerAlias, alias_id)
    assert (row.alias, row.polarity, row.alias_key) == ("Acme GmbH Berlin", "negative",
                                                        "acme gmbh berlin")
    assert client.post(f"/settings/aliases/{alias_id}",
                       data={"alias": "!!!", "polarity": "positive"}).status_code == 422
    assert client.post(f"/settings/aliases/{alias_id}/delete",
                       data={"reason": "wrong"}).status_code == 302
    session.expire_all()
    assert session.get(CustomerAlias, alias_id) is None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "alias.delete"))
    assert event.before["alias"] == "Acme GmbH Berlin" and event.reason == "wrong"
    assert client.post(f"/settings/aliases/{alias_id}/delete").status_code == 404


def test_report_language_is_a_setting_staff_change(client, login, session, settings):
    login(client, "root", "admin")
    page = client.get("/settings").get_data(as_text=True)
    assert 'name="report_language"' in page and '<option value="en" selected>' in page
    assert client.post("/settings", data={"report_language": "zh_Hans"}).status_code == 302
    assert settings_store.report_language(session) == "zh_Hans"
    assert settings_store.load(session, settings).report_language == "zh_Hans"
    assert '<option value="zh_Hans" selected>' in client.get("/settings").get_data(as_text=True)
    refused = client.post("/settings", data={"report_language": "fr", "writeoff_limit": "9"})
    assert refused.status_code == 422 and "report_language" in refused.get_data(as_text=True)
    session.expire_all()
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    assert stored == {"report_language": "zh_Hans"}  # nothing of the refused form stored
    event = session.scalars(select(AuditEvent).where(AuditEvent.object_id == "report_language"))
    assert [(e.before, e.after) for e in event] == [({"value": "en"}, {"value": "zh_Hans"})]
