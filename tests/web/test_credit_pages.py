"""Credit pages, exports, decisions by role, and ``GET /api/v1/customers/{id}/credit``."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select

from recon.access import users
from recon.credit.config import CreditSettings
from recon.credit.profiles import recompute
from recon.models import AuditEvent, Customer
from tests.recon.test_credit_profiles import late_payer
from tests.web.conftest import ensure_user

TODAY = dt.date.today()


@pytest.fixture
def world(session_factory):
    with session_factory.begin() as s:
        cust = late_payer(s, today=TODAY)
        cust.name = "=HYPERLINK(evil)"
        recompute(s, as_of=TODAY, actor="run", settings=CreditSettings())
        return cust.id


def test_portfolio_customer_and_forecast_pages(client, login, world):
    login(client, "vera", "viewer")
    page = client.get("/credit/").get_data(as_text=True)
    assert "DSO" in page and "CEI" in page and "=HYPERLINK(evil)" in page
    assert 'id="portfolio"' in page and "on hold" in page
    for sort in ("risk", "exposure", "overdue", "name"):
        assert client.get(f"/credit/?sort={sort}").status_code == 200
    detail = client.get(f"/credit/customers/{world}").get_data(as_text=True)
    assert "paid late in 6 months" in detail and "on hold: tier D" in detail
    assert "override-form" not in detail  # a viewer cannot decide
    fc = client.get("/credit/forecast").get_data(as_text=True)
    assert 'id="forecast-chart"' in fc and "<polygon" in fc and "80 % band" in fc
    assert "The band is simulated only" in fc or "The band is calibrated" in fc
    assert client.get("/credit/customers/999999").status_code == 404


def test_exports_are_formula_safe(client, login, world):
    login(client, "vera", "viewer")
    csv_text = client.get("/credit/export.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK(evil)" in csv_text and ",D,yes," in csv_text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/credit/export.xlsx").get_data()))
    assert book.active["B2"].value == "'=HYPERLINK(evil)"
    fc = client.get("/credit/forecast/export.csv").get_data().decode("utf-8-sig")
    assert fc.splitlines()[0] == "week_start,currency,expected,low_80,high_80"
    assert len(fc.splitlines()) == 1 + 13 * 2  # EUR and EUR (base)
    assert client.get("/credit/forecast/export.xlsx").status_code == 200
    assert client.get("/credit/export.pdf").status_code == 404


def test_override_and_limit_need_an_approver_and_are_audited(client, login, world,
                                                             session_factory):
    login(client, "clara", "clerk")
    form = {"tier": "B", "reason": "promised to pay", "until": ""}
    assert client.post(f"/credit/customers/{world}/override", data=form).status_code == 403
    client.post("/logout")
    login(client, "boris", "approver")
    assert client.post(f"/credit/customers/{world}/override", data=form).status_code == 302
    assert client.post(f"/credit/customers/{world}/limit",
                       data={"amount": "abc"}).status_code == 302
    client.post(f"/credit/customers/{world}/limit", data={"amount": "5000", "reason": "ok"})
    page = client.get(f"/credit/customers/{world}").get_data(as_text=True)
    assert "promised to pay" in page and "5,000.00" in page
    with session_factory() as s:
        assert s.get(Customer, world).credit_tier == "B"
        actions = s.scalars(select(AuditEvent.action).where(
            AuditEvent.actor == "boris")).all()
    assert "credit.override" in actions and "credit.limit" in actions
    assert client.post("/credit/recompute").status_code == 302


def test_chinese_pages(client, login, world):
    login(client, "vera", "viewer")
    client.post("/locale", data={"lang": "zh_Hans"})
    page = client.get(f"/credit/customers/{world}").get_data(as_text=True)
    assert "6 个月内 100 % 逾期付款" in page and "额度与敞口" in page
    assert "回款率" in client.get("/credit/").get_data(as_text=True)
    assert "预计回款" in client.get("/credit/forecast").get_data(as_text=True)


def test_api_customer_credit(client, session_factory, world):
    ensure_user(session_factory, "erp", "viewer")
    with session_factory.begin() as s:
        token = users.create_token(s, "erp", username="erp", actor="test")
    headers = {"Authorization": f"Bearer {token}"}
    data = client.get(f"/api/v1/customers/{world}/credit", headers=headers).get_json()
    assert data["tier"] == "D" and data["hold"] is True and data["hold_reason"] == "tier_d"
    assert data["exposure"] == "250.00" and data["currency"] == "EUR"
    assert data["reasons"][0]["text"] == "100 % paid late in 6 months"
    missing = client.get("/api/v1/customers/999999/credit", headers=headers)
    assert missing.status_code == 404
    assert client.get(f"/api/v1/customers/{world}/credit").status_code == 401
