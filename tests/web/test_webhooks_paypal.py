"""POST /webhooks/paypal end to end: verified, stored once, processed; a refund after payment
reopens the invoice; forged, stale, foreign-certificate and replayed deliveries are refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from recon.config import AppSettings
from recon.models import GatewayEvent, GatewayTransaction, Invoice
from tests.gateways import paypal_signing as pp
from tests.recon.factories import make_invoice
from web import create_app
from web.webhooks import KEY, build_verifiers


@pytest.fixture
def app(settings: AppSettings) -> Iterator[Flask]:
    gw = settings.with_(extra={"PAYPAL_WEBHOOK_ID": pp.WEBHOOK_ID})
    app = create_app({"RECON_SETTINGS": gw, "TESTING": True})
    verifiers = app.extensions[KEY]
    assert verifiers.paypal is not None and verifiers.paypal.webhook_id == pp.WEBHOOK_ID
    app.extensions[KEY] = dataclasses.replace(verifiers, paypal=pp.signer().config())
    yield app
    app.extensions["recon.engine"].dispose()


def _post(client, raw: bytes, headers: dict[str, str]):
    return client.post("/webhooks/paypal", data=raw, headers=headers,
                       content_type="application/json")


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_capture_settles_refund_reopens_and_replay_is_not_processed_twice(app, session):
    make_invoice(session, "100.00", "USD", invoice_no="INV-PP-1")
    session.commit()
    client, s = app.test_client(), pp.signer()
    raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture("CAP1")))
    first = _post(client, raw, headers)
    assert first.status_code == 200 and first.json == {"received": True, "duplicate": False}
    replay = _post(client, raw, headers)
    assert replay.status_code == 200 and replay.json["duplicate"] is True
    assert _count(session, GatewayEvent) == 1 and _count(session, GatewayTransaction) == 1
    assert session.scalars(select(Invoice)).one().status == "paid"
    raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.REFUNDED",
                                   pp.refund("REF1", "CAP1", "40.00"), event_id="WH-2"))
    assert _post(client, raw, headers).status_code == 200
    session.expire_all()
    invoice = session.scalars(select(Invoice)).one()
    assert (invoice.status, invoice.paid_minor, invoice.refunded_minor) == ("partial", 6000, 4000)
    raw, headers = s.sign(pp.event("CUSTOMER.DISPUTE.CREATED",
                                   pp.dispute("PP-D-1", "CAP1", "60.00"), event_id="WH-3"))
    assert _post(client, raw, headers).status_code == 200
    session.expire_all()
    assert session.scalars(select(Invoice)).one().disputed is True


@pytest.mark.parametrize("case", ["forged", "stale", "replayed_late", "foreign_cert_url",
                                  "wrong_webhook", "no_headers"])
def test_refused_deliveries_are_400_and_not_stored(app, session, case):
    s = pp.signer()
    event = pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture())
    kwargs: dict = {}
    if case == "stale":
        kwargs["when"] = pp.NOW - dt.timedelta(hours=2)
    elif case == "foreign_cert_url":
        kwargs["cert_url"] = "https://attacker.example/v1/notifications/certs/CERT-1"
    elif case == "wrong_webhook":
        kwargs["webhook_id"] = "ANOTHER-ENDPOINT"
    raw, headers = s.sign(event, **kwargs)
    client = app.test_client()
    if case == "forged":
        raw = raw.replace(b"100.00", b"1.00")
    elif case == "no_headers":
        headers = {}
    elif case == "replayed_late":  # a genuine delivery captured and sent again an hour later
        app.extensions[KEY].paypal.clock = lambda: pp.NOW.timestamp() + 3600
    response = _post(client, raw, headers)
    assert response.status_code == 400 and "error" in response.json
    assert _count(session, GatewayEvent) == 0


def test_unconfigured_paypal_is_404(settings):
    app = create_app({"RECON_SETTINGS": settings, "TESTING": True})
    assert app.extensions[KEY].paypal is None
    assert app.test_client().post("/webhooks/paypal", data=b"{}").status_code == 404
    app.extensions["recon.engine"].dispose()


def test_api_mode_needs_client_credentials():
    from recon.config import GatewaySettings

    with pytest.raises(ValueError, match="PAYPAL_CLIENT_ID"):
        build_verifiers(GatewaySettings.from_env({"PAYPAL_WEBHOOK_ID": "W",
                                                  "PAYPAL_VERIFY": "api"}))
    verifiers = build_verifiers(GatewaySettings.from_env({
        "PAYPAL_WEBHOOK_ID": "W", "PAYPAL_VERIFY": "api", "PAYPAL_CLIENT_ID": "c",
        "PAYPAL_CLIENT_SECRET": "sekrit-value", "PAYPAL_API_BASE": "http://127.0.0.1:1"}))
    assert type(verifiers.paypal).__name__ == "PaypalApiVerifier"
    assert "sekrit-value" not in repr(verifiers.paypal)
