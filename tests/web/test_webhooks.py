"""POST /webhooks/{stripe,alipay,wechatpay} through the Flask test client, signed by each SDK.

No broker is configured here (the embedded default): the processing task runs in-process right
after the event is committed, so every assertion about processed events is exact. The same
path through RabbitMQ and Celery workers is tested in ``tests/tasks/test_broker_*.py``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from recon.config import AppSettings
from recon.models import GatewayEvent, GatewayTransaction, Invoice
from tests.gateways.gw_signing import (
    ALIPAY_APP_ID,
    ALIPAY_SELLER_ID,
    STRIPE_SECRET,
    WECHAT_APIV3_KEY,
    WECHAT_MCHID,
    WECHAT_SERIAL,
    alipay_keys,
    alipay_params,
    public_pem,
    sign_alipay,
    sign_stripe,
    stripe_event,
    wechat_notification,
    wechat_platform_key,
)
from tests.gateways.test_wechatpay_notify import TRANSACTION
from tests.recon.factories import make_invoice
from web import create_app

GATEWAY_ENV = {
    "STRIPE_WEBHOOK_SECRET": f"whsec_old_rolled, {STRIPE_SECRET}",
    "ALIPAY_APP_ID": ALIPAY_APP_ID, "ALIPAY_SELLER_ID": ALIPAY_SELLER_ID,
    "WECHATPAY_MCHID": WECHAT_MCHID, "WECHATPAY_APIV3_KEY": WECHAT_APIV3_KEY,
    "WECHATPAY_PLATFORM_SERIAL": WECHAT_SERIAL,
}


@pytest.fixture
def gw_settings(settings: AppSettings) -> AppSettings:
    env = dict(GATEWAY_ENV, ALIPAY_PUBLIC_KEY=alipay_keys()[1],
               WECHATPAY_PLATFORM_PUBLIC_KEY=public_pem(wechat_platform_key()))
    return settings.with_(extra=env)


@pytest.fixture
def gw_app(gw_settings: AppSettings) -> Iterator[Flask]:
    """CSRF stays on (production setting): the webhooks must be exempt, not the test."""
    app = create_app({"RECON_SETTINGS": gw_settings, "TESTING": True})
    assert app.extensions["recon.celery"].conf.task_always_eager  # no broker: in-process
    yield app
    app.extensions["recon.engine"].dispose()


@pytest.fixture
def gw(gw_app: Flask) -> FlaskClient:
    return gw_app.test_client()


def count(session, model, **where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).filter_by(**where))


def post_stripe(client, event, **kwargs):
    body, header = sign_stripe(event, **kwargs)
    return client.post("/webhooks/stripe", data=body, content_type="application/json",
                       headers={"Stripe-Signature": header})


CHARGE = {"id": "ch_1", "amount": 12050, "amount_captured": 12050, "currency": "eur",
          "created": 1_720_000_000, "metadata": {"invoice_no": "INV-W1"},
          "billing_details": {"name": "ACME", "email": "ap@acme.example"}}


def test_stripe_event_stored_processed_and_settles(gw, session):
    make_invoice(session, "120.50", "EUR", invoice_no="INV-W1")
    session.commit()
    response = post_stripe(gw, stripe_event("charge.succeeded", CHARGE))
    assert response.status_code == 200 and response.json == {"received": True,
                                                              "duplicate": False}
    assert count(session, GatewayEvent, status="processed") == 1
    assert session.scalars(select(Invoice)).one().status == "paid"


def test_stripe_duplicates_five_times_one_row(gw, session):
    event = stripe_event("charge.succeeded", CHARGE, event_id="evt_dup")
    answers = [post_stripe(gw, event) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert [a.json["duplicate"] for a in answers] == [False, True, True, True, True]
    assert count(session, GatewayEvent) == 1 and count(session, GatewayTransaction) == 1


@pytest.mark.parametrize("case", ["bad_secret", "stale", "future", "tampered", "reserialised",
                                  "no_header", "not_json"])
def test_stripe_refusals_are_400_and_not_stored(gw, session, case):
    event = stripe_event("charge.succeeded", CHARGE)
    kwargs = {"secret": "whsec_wrong"} if case == "bad_secret" else {}
    if case in ("stale", "future"):
        kwargs["timestamp"] = int(time.time()) + (-301 if case == "stale" else 330)
    body, header = sign_stripe(event, **kwargs)
    headers = {"Stripe-Signature": header}
    if case == "tampered":
        body = body.replace(b"12050", b"1205")
    elif case == "reserialised":
        body = json.dumps(json.loads(body), indent=1).encode()
    elif case == "no_header":
        headers = {}
    elif case == "not_json":
        body = b"{not json"
    response = gw.post("/webhooks/stripe", data=body, headers=headers,
                       content_type="application/json")
    assert response.status_code == 400
    assert count(session, GatewayEvent) == 0


def test_oversized_body_is_413(gw, session):
    event = stripe_event("customer.created", {"id": "cus_1", "pad": "x" * 400_000})
    assert post_stripe(gw, event).status_code == 413
    assert count(session, GatewayEvent) == 0


def test_unknown_stripe_type_is_stored_and_acknowledged(gw, session):
    response = post_stripe(gw, stripe_event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200 and count(session, GatewayEvent) == 1


def test_rotated_secret_still_accepted(gw, session):
    event = stripe_event("customer.created", {"id": "cus_1"}, event_id="evt_old")
    assert post_stripe(gw, event, secret="whsec_old_rolled").status_code == 200


def test_out_of_order_payout_failed_before_paid(gw, session):
    po = {"id": "po_1", "amount": 5000, "currency": "usd", "arrival_date": 1_720_100_000}
    post_stripe(gw, stripe_event("payout.failed", dict(po, status="failed"), event_id="e2"))
    post_stripe(gw, stripe_event("payout.paid", dict(po, status="paid"), event_id="e1"))
    session.expire_all()
    assert session.scalars(select(GatewayTransaction)).one().status == "failed"


def post_alipay(client, raw: bytes):
    return client.post("/webhooks/alipay", data=raw,
                       content_type="application/x-www-form-urlencoded")


def test_alipay_success_only_after_storage_and_replay(gw, session):
    make_invoice(session, "88.50", "CNY", invoice_no="INV-1001")
    session.commit()
    raw = sign_alipay(alipay_params(), alipay_keys()[0])
    for _ in range(3):
        response = post_alipay(gw, raw)
        assert response.status_code == 200 and response.data == b"success"
        assert response.mimetype == "text/plain"
    assert count(session, GatewayEvent) == 1
    assert session.scalars(select(Invoice)).one().paid_minor == 8850


def test_alipay_gbk_body(gw, session):
    raw = sign_alipay(alipay_params(subject="测试订单", out_trade_no="未知订单"), alipay_keys()[0],
                      charset="gbk")
    assert post_alipay(gw, raw).data == b"success"
    row = session.scalars(select(GatewayEvent)).one()
    assert row.exception == "unknown_order" and "测试订单" in row.body


@pytest.mark.parametrize("overrides", [{"app_id": "2021999999999999"},
                                       {"seller_id": "2088999999999999"}])
def test_alipay_foreign_notification_fails(gw, session, overrides):
    response = post_alipay(gw, sign_alipay(alipay_params(**overrides), alipay_keys()[0]))
    assert (response.status_code, response.data) == (400, b"fail")
    # refused, and kept as foreign for a person: never processed, no transaction (issue 19)
    assert count(session, GatewayEvent) == count(session, GatewayEvent, status="foreign") == 1
    assert count(session, GatewayTransaction) == 0


def test_alipay_tampered_amount_fails(gw, session):
    raw = sign_alipay(alipay_params(), alipay_keys()[0]).replace(b"88.50", b"8.50")
    assert post_alipay(gw, raw).data == b"fail" and count(session, GatewayEvent) == 0


def test_alipay_storage_failure_answers_fail(gw, session, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("database down")

    monkeypatch.setattr("recon.gateway.group_commit.EventWriter.store", broken)
    response = post_alipay(gw, sign_alipay(alipay_params(), alipay_keys()[0]))
    assert (response.status_code, response.data) == (500, b"fail")


def test_wechatpay_notification_204(gw, session):
    headers, body = wechat_notification(wechat_platform_key(), TRANSACTION)
    response = gw.post("/webhooks/wechatpay", data=body, headers=headers,
                       content_type="application/json")
    assert response.status_code == 204 and response.data == b""
    assert count(session, GatewayTransaction, gateway="wechatpay") == 1


def test_wechatpay_stale_is_400(gw, session):
    headers, body = wechat_notification(wechat_platform_key(), TRANSACTION,
                                        timestamp=int(time.time()) - 3600)
    response = gw.post("/webhooks/wechatpay", data=body, headers=headers,
                       content_type="application/json")
    assert response.status_code == 400 and response.json["code"] == "FAIL"


def test_no_secret_or_payer_data_in_logs(gw, session, caplog):
    caplog.set_level(logging.DEBUG)
    post_stripe(gw, stripe_event("charge.succeeded", CHARGE), secret="whsec_wrong")
    post_stripe(gw, stripe_event("charge.succeeded", CHARGE))
    text = caplog.text
    for secret in (STRIPE_SECRET, "whsec_wrong", "ap@acme.example", WECHAT_APIV3_KEY,
                   alipay_keys()[1][:40]):
        assert secret not in text
    assert "bad_signature" in text


def test_unconfigured_gateway_is_404(settings):
    app = create_app({"RECON_SETTINGS": settings, "TESTING": True})
    try:
        response = app.test_client().post("/webhooks/stripe", data=b"{}")
        assert response.status_code == 404
    finally:
        app.extensions["recon.engine"].dispose()


def test_webhooks_need_no_login_or_csrf_but_other_pages_do(gw):
    # Same CSRF-enabled app: a form POST elsewhere is refused, the webhook is not.
    assert gw.post("/login", data={"username": "x", "password": "y"}).status_code == 400
    assert post_stripe(gw, stripe_event("customer.created", {"id": "c"})).status_code == 200
