"""Hostile input at the edges (issue #14, items 4, 5 and 10): the CLI exits non-zero with a
located message and no traceback, the API answers 4xx, a webhook answers 400 (so the gateway
stops retrying), and nothing is written."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
import stripe
from sqlalchemy import func, select

from recon.config import AppSettings
from recon.models import GatewayEvent, Invoice, Statement, StatementLine
from tests.conftest import Cli
from tests.gateways.gw_signing import STRIPE_SECRET, stripe_event
from tests.importers import samples
from web import create_app

HEADER = b"Date,Label,Amount,Balance\n"
HOSTILE_FILES = {
    "huge-amount.csv": HEADER + b"2024-01-02,Payment,99999999999999999999999.00,150.00\n",
    "nul.csv": HEADER + b"2024-01-02,Pay\x00ment,50.00,150.00\n",
    "field.csv": HEADER + b'2024-01-02,"' + b"x" * (40 << 20) + b'",50.00,150.00\n',
    "huge.xml": samples.CAMT.replace(">150.00</Amt>", ">1000000000000000000000.00</Amt>").encode(),
}


def _count(session_factory, model) -> int:
    with session_factory() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_cli_refuses_hostile_statements_cleanly(cli, tmp_path: Path, session_factory,
                                                name) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE_FILES[name])
    result = cli("statements", "import", str(path), "--account", "DE-1", "--currency", "EUR")
    assert result.exit_code == 1 and f"refused: {path}" in result.output
    assert "Traceback" not in result.output
    assert _count(session_factory, StatementLine) == 0


def test_cr_inside_a_quoted_csv_field_imports(cli, tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    path.write_bytes(HEADER + b'2024-01-02,"Pay\rment",50.00,150.00\r\n')
    result = cli("statements", "import", str(path), "--account", "DE-1", "--currency", "EUR")
    assert result.exit_code == 0, result.output


def test_truncated_mt940_is_refused_when_strict_and_flagged_otherwise(
    settings: AppSettings, tmp_path: Path, session_factory
) -> None:
    path = tmp_path / "cut.sta"
    path.write_text(samples.MT940.split(":62F:")[0])
    strict = Cli(settings.with_(balance_check_strict=True))("statements", "import", str(path))
    assert strict.exit_code == 1 and "62F" in strict.output
    assert _count(session_factory, Statement) == 0
    lenient = Cli(settings)("statements", "import", str(path))
    assert lenient.exit_code == 0 and "incomplete" in lenient.output
    with session_factory() as s:
        assert any("62F" in w for w in s.scalar(select(Statement)).warnings)


@pytest.mark.parametrize("body", [
    b'{"invoices": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    json.dumps([{"invoice_no": "I-1", "customer_id": "C", "customer_name": "N",
                 "amount": "1" + "0" * 30, "currency": "EUR",
                 "issue_date": "2026-01-01"}]).encode(),
    json.dumps([{"invoice_no": "I-\u0000", "customer_id": "C", "customer_name": "N",
                 "amount": "1.00", "currency": "EUR", "issue_date": "2026-01-01"}]).encode(),
], ids=["nested", "huge-amount", "nul"])
def test_cli_refuses_hostile_invoices_cleanly(cli, tmp_path: Path, session_factory,
                                              body: bytes) -> None:
    path = tmp_path / "invoices.json"
    path.write_bytes(body)
    result = cli("invoices", "import", str(path))
    assert result.exit_code == 1 and "invoices.json" in result.output
    assert _count(session_factory, Invoice) == 0


@pytest.fixture
def api_header(session_factory):
    from recon.access import users
    from tests.web.conftest import ensure_user

    ensure_user(session_factory, "api-clerk", "clerk")
    with session_factory.begin() as s:
        token = users.create_token(s, "t", username="api-clerk", actor="test")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("name", ["huge-amount.csv", "nul.csv", "huge.xml"])
def test_api_refuses_hostile_statements_with_422(client, api_header, session_factory,
                                                 name) -> None:
    response = client.post("/api/v1/statements", headers=api_header,
                           data={"file": (io.BytesIO(HOSTILE_FILES[name]), name)})
    assert response.status_code == 422 and name in response.json["error"]
    assert _count(session_factory, StatementLine) == 0


def test_api_refuses_nested_invoices_with_422(client, api_header) -> None:
    body = b"[" * 5000 + b"]" * 5000
    response = client.post("/api/v1/invoices", headers=api_header, data=body,
                           content_type="application/json")
    assert response.status_code in (400, 422)


@pytest.fixture
def stripe_client(settings: AppSettings):
    apps = []

    def make(**env: str):
        app = create_app({"RECON_SETTINGS": settings.with_(
            extra={"STRIPE_WEBHOOK_SECRET": STRIPE_SECRET, **env}), "TESTING": True})
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        app.extensions["recon.engine"].dispose()


def _post(client, body: bytes):
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode(), STRIPE_SECRET, timestamp=int(time.time()))
    return client.post("/webhooks/stripe", data=body, content_type="application/json",
                       headers={"Stripe-Signature": header})


CHARGE = {"id": "ch_1", "amount": 100, "currency": "eur", "created": 1_720_000_000}


def test_signed_stripe_event_nested_5000_deep_is_400(stripe_client, session_factory) -> None:
    event = json.dumps(stripe_event("charge.succeeded", CHARGE))
    body = event.replace('"data":', '"deep": ' + "[" * 5000 + "]" * 5000 + ', "data":', 1)
    assert _post(stripe_client(), body.encode()).status_code == 400
    assert _count(session_factory, GatewayEvent) == 0


def test_signed_stripe_event_created_out_of_range_is_400(stripe_client, session_factory) -> None:
    event = stripe_event("charge.succeeded", CHARGE)
    event["created"] = 10**20
    assert _post(stripe_client(), json.dumps(event).encode()).status_code == 400
    assert _count(session_factory, GatewayEvent) == 0


def test_test_mode_event_is_refused_by_a_live_configuration(stripe_client,
                                                            session_factory) -> None:
    event = json.dumps(stripe_event("charge.succeeded", CHARGE)).encode()  # livemode false
    assert _post(stripe_client(STRIPE_LIVEMODE="live"), event).status_code == 400
    assert _post(stripe_client(STRIPE_API_KEY="sk_live_x"), event).status_code == 400
    with session_factory() as s:  # kept for a person as foreign (the other mode), never processed
        assert {e.status for e in s.query(GatewayEvent)} <= {"foreign"}
    assert _post(stripe_client(STRIPE_LIVEMODE="test"), event).status_code == 200
