"""The JSON API: bearer tokens per role, invoices upsert, statement upload, unmatched, matches
and their CSV export, run trigger, and the OpenAPI document against ``app.url_map``."""

from __future__ import annotations

import io
import json
import re
import time

import pytest
from sqlalchemy import select

from recon.access import users
from recon.allocation.allocations import AllocationSpec, create_match
from recon.models import ApiToken, Invoice
from tests.conftest import FIXTURES
from tests.recon.factories import make_invoice, make_line
from tests.web.conftest import ensure_user

INVOICES = [
    {"invoice_no": "INV-9001", "customer_id": "C-1", "customer_name": "Acme GmbH",
     "amount": "1190.00", "currency": "EUR", "issue_date": "2026-10-01", "due_date": "2026-10-31"},
    {"invoice_no": "INV-9002", "customer_id": "C-2", "customer_name": "杭州某某有限公司",
     "amount": "500.50", "currency": "CNY", "issue_date": "2026-10-02"},
]


@pytest.fixture
def token(session_factory):
    """``token(role)`` → a bearer header for a fresh user with that role."""

    def make(role: str) -> dict[str, str]:
        ensure_user(session_factory, f"api-{role}", role)
        with session_factory.begin() as s:
            value = users.create_token(s, "test", username=f"api-{role}", actor="test")
        return {"Authorization": f"Bearer {value}"}

    return make


def test_missing_bad_or_revoked_token_is_401(client, token, session_factory):
    anonymous = client.get("/api/v1/unmatched")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.get("/api/v1/unmatched", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.get_json()["error"]
    header = token("viewer")
    assert client.get("/api/v1/unmatched", headers=header).status_code == 200
    with session_factory.begin() as s:
        s.scalar(select(ApiToken)).revoked_at = s.scalar(select(ApiToken)).created_at
    assert client.get("/api/v1/unmatched", headers=header).status_code == 401


def test_session_cookie_is_not_enough_for_the_api(client, login):
    login(client, "cookie-admin", "admin")
    assert client.get("/api/v1/unmatched").status_code == 401


def test_upsert_invoices(client, token, session):
    header = token("clerk")
    response = client.post("/api/v1/invoices", json=INVOICES, headers=header)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 2
    again = client.post("/api/v1/invoices", json={"invoices": INVOICES}, headers=header)
    assert again.get_json()["unchanged"] == 2
    invoice = session.scalar(select(Invoice).where(Invoice.invoice_no == "INV-9002"))
    assert invoice.amount_minor == 50050 and invoice.currency == "CNY"


def test_bad_invoices_are_422_and_write_nothing(client, token, session):
    bad = [{**INVOICES[0], "amount": "12.345"}, INVOICES[1]]
    response = client.post("/api/v1/invoices", json=bad, headers=token("clerk"))
    assert response.status_code == 422
    assert any("amount" in p for p in response.get_json()["problems"])
    assert session.scalar(select(Invoice)) is None


@pytest.mark.parametrize(("method", "url"), [
    ("post", "/api/v1/invoices"), ("post", "/api/v1/statements"), ("post", "/api/v1/runs")])
def test_viewer_token_cannot_change_anything(client, token, method, url):
    response = client.open(url, method=method.upper(), json=INVOICES, headers=token("viewer"))
    assert response.status_code == 403
    assert response.get_json()["status"] == 403


def test_clerk_cannot_trigger_a_run(client, token):
    assert client.post("/api/v1/runs", headers=token("clerk")).status_code == 403


def test_upload_statement(client, token):
    path = FIXTURES / "camt" / "iso20022_camt053.xml"
    with path.open("rb") as fh:
        response = client.post("/api/v1/statements", headers=token("clerk"),
                               data={"file": (fh, path.name)})
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["state"] == "needs_account"  # its account is asked for first
    missing = client.post("/api/v1/statements", headers=token("clerk"), data={})
    assert missing.status_code == 400


def test_upload_bad_gateway_file_is_422(client, token):
    response = client.post("/api/v1/statements?kind=gateway", headers=token("clerk"),
                           data={"file": (io.BytesIO(b"not,a,report\n1,2,3\n"), "x.csv")})
    assert response.status_code == 422
    assert "x.csv" in response.get_json()["error"]


def test_unmatched_and_matches(client, token, session_factory):
    with session_factory.begin() as s:
        invoice = make_invoice(s, amount="100.00")
        line = make_line(s, amount="100.00", counterparty_name="Acme")
        open_line = make_line(s, amount="42.00", counterparty_name="Nobody")
        create_match(s, receipt=line, allocations=[AllocationSpec(invoice.id, invoice.amount)],
                     status="manual", actor="tester")
        open_id = open_line.id
    header = token("viewer")
    items = client.get("/api/v1/unmatched", headers=header).get_json()["items"]
    assert [(i["kind"], i["id"], i["unapplied"]) for i in items] == [("line", open_id, "42.00")]
    assert client.get("/api/v1/unmatched?cause=nonsense", headers=header).status_code == 400
    assert client.get("/api/v1/unmatched?cursor=garbage", headers=header).status_code == 400
    rows = client.get("/api/v1/matches?confirmed_only=1", headers=header).get_json()["items"]
    assert len(rows) == 1 and rows[0]["amount"] == "100.00"
    csv = client.get("/api/v1/matches/export.csv", headers=header)
    text = csv.get_data(as_text=True)
    assert csv.mimetype == "text/csv" and text.startswith("bank_ref,invoice_no")
    assert invoice.invoice_no in text
    assert client.get("/api/v1/matches?since=yesterday", headers=header).status_code == 400


def test_trigger_run_answers_at_once_and_the_run_shows_up(client, token, settings):
    header = token("admin")
    response = client.post("/api/v1/runs", headers=header)
    body = response.get_json()
    assert response.status_code == 202, body
    assert body["status"] == "started" and response.headers["Location"] == "/api/v1/runs"
    deadline = time.monotonic() + 60
    runs: list = []
    while time.monotonic() < deadline:
        runs = client.get("/api/v1/runs", headers=header).get_json()["items"]
        if runs and runs[0]["status"] != "running":
            break
        time.sleep(0.1)
    assert runs and runs[0]["status"] in ("clean", "attention"), runs
    assert runs[0]["actor"].startswith("api:")
    one = client.get(f"/api/v1/runs/{runs[0]['id']}", headers=token("viewer")).get_json()
    assert one["id"] == runs[0]["id"] and one["status"] == runs[0]["status"]
    assert client.get("/api/v1/runs/999999", headers=header).status_code == 404


def test_trigger_run_and_wait_for_the_summary(client, token):
    response = client.post("/api/v1/runs?wait=1", headers=token("admin"))
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["exit_code"] in (0, 1) and body["summary"]["run_id"]


def test_trigger_run_while_one_is_running_is_409(app, client, token):
    from recon.run.lock import run_lock

    with run_lock(app.extensions["recon.engine"]):
        for url in ("/api/v1/runs", "/api/v1/runs?wait=1"):
            response = client.post(url, headers=token("admin"))
            assert response.status_code == 409, url
            assert "already in progress" in response.get_json()["error"]


def test_openapi_matches_the_routes(app, client, token):
    doc = client.get("/api/v1/openapi.json", headers=token("viewer")).get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    routed = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)  # <int:id> -> {id}
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routed
    json.dumps(doc)  # serialisable as is


def test_upload_cap_is_the_webs_and_its_error_names_the_setting(settings, session_factory):
    """A file over RECON_MAX_UPLOAD_BYTES is refused by the web with the setting named, while
    the command line imports the same local file (its own, larger RECON_MAX_FILE_BYTES)."""
    from tests.conftest import Cli
    from web import create_app

    small = settings.with_(max_upload_bytes=4096)
    app = create_app({"RECON_SETTINGS": small, "TESTING": True, "WTF_CSRF_ENABLED": False})
    path = FIXTURES / "camt" / "iso20022_davider80.xml"  # 14.8 kB
    assert path.stat().st_size > 4096
    client = app.test_client()
    with session_factory.begin() as s:
        from recon.access.users import create_token, create_user

        create_user(s, "up", "long-enough-password-1", role="clerk", actor="t")
        raw = create_token(s, "up-token", username="up", actor="t")
    with path.open("rb") as fh:
        response = client.post("/api/v1/statements", headers={"Authorization": f"Bearer {raw}"},
                               data={"file": (fh, path.name)})
    assert response.status_code == 413
    assert "RECON_MAX_UPLOAD_BYTES" in response.get_json()["error"]
    app.extensions["recon.engine"].dispose()

    result = Cli(small)("statements", "import", str(path))
    assert result.exit_code == 0, result.output
    tiny = Cli(small.with_(max_file_bytes=1024))("statements", "import", str(path))
    assert tiny.exit_code == 1 and "over the limit of 1024" in tiny.output
