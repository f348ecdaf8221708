"""Pay links: created through each gateway's API at a local fake; the signed webhook of the
payment settles the invoice through the existing gateway path, and no reminder follows."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa as crypto_rsa
from flask import Flask
from sqlalchemy import select

from recon.collections import build_plan, run_dunning
from recon.collections.policies import ensure_policies
from recon.errors import ServiceError
from recon.models import Invoice, PayLink
from recon.paylinks import qr_png, qr_svg_uri
from recon.paylinks.create import PayLinkSettings, create_link
from tests.collections.fake_gateways import Fake, fake_gateways, pem_private
from tests.collections.helpers import DUE, customer_with_invoices, dunning_settings
from tests.gateways.gw_signing import (
    ALIPAY_APP_ID,
    ALIPAY_SELLER_ID,
    STRIPE_SECRET,
    WECHAT_APIV3_KEY,
    WECHAT_MCHID,
    WECHAT_SERIAL,
    _alipay_keys,
    alipay_keys,
    alipay_params,
    public_pem,
    sign_alipay,
    sign_stripe,
    stripe_event,
    wechat_notification,
    wechat_platform_key,
)
from web import create_app

D = dt.timedelta


@pytest.fixture(scope="module")
def keys():
    app_private, app_public = _alipay_keys()
    merchant = crypto_rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {"app_private": app_private, "app_public": app_public,
            "alipay_private": alipay_keys()[0], "alipay_public": alipay_keys()[1],
            "merchant": merchant}


def _env(base: str, keys: dict) -> dict[str, str]:
    return {
        "STRIPE_API_KEY": "sk_test_fake", "STRIPE_API_BASE": base,
        "STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
        "ALIPAY_APP_ID": ALIPAY_APP_ID, "ALIPAY_SELLER_ID": ALIPAY_SELLER_ID,
        "ALIPAY_APP_PRIVATE_KEY": keys["app_private"], "ALIPAY_PUBLIC_KEY": keys["alipay_public"],
        "ALIPAY_SERVER_URL": f"{base}/gateway.do",
        "WECHATPAY_MCHID": WECHAT_MCHID, "WECHATPAY_APPID": "wx0000000000000001",
        "WECHATPAY_MERCHANT_SERIAL": "MERCHANT-SERIAL",
        "WECHATPAY_MERCHANT_PRIVATE_KEY": pem_private(keys["merchant"]),
        "WECHATPAY_PLATFORM_PUBLIC_KEY": public_pem(wechat_platform_key()),
        "WECHATPAY_PLATFORM_SERIAL": WECHAT_SERIAL, "WECHATPAY_APIV3_KEY": WECHAT_APIV3_KEY,
        "WECHATPAY_NOTIFY_URL": "https://recon.example/webhooks/wechatpay",
        "WECHATPAY_API_BASE": base,
    }


@pytest.fixture
def world(session, settings, keys):
    config = {"app_public": keys["app_public"], "alipay_private": keys["alipay_private"],
              "merchant_public": keys["merchant"].public_key(),
              "platform_private": wechat_platform_key()}
    with fake_gateways(config) as base:
        app_settings = settings.with_(extra=_env(base, keys))
        app: Flask = create_app({"RECON_SETTINGS": app_settings, "TESTING": True})
        ensure_policies(session)
        customer_with_invoices(session, "120.50", name="Pay Link Co")
        session.commit()
        invoice = session.scalars(select(Invoice)).one()
        yield app, PayLinkSettings.from_env(app_settings), invoice
        app.extensions["recon.engine"].dispose()


def _no_reminder(session, session_factory, invoice) -> None:
    session.expire_all()
    assert session.get_one(Invoice, invoice.id).status == "paid"
    assert build_plan(session, DUE + D(7)).reminders == []
    result = run_dunning(session_factory, DUE + D(7), dunning_settings(), actor="t")
    assert result.recorded == [] and result.plan.held == []


def test_stripe_checkout_link_then_webhook_settles_and_nothing_is_dunned(
        session, session_factory, world):
    app, config, invoice = world
    link = create_link(session, invoice.id, "stripe", config, actor="carol")
    session.commit()
    sent = dict(urllib.parse.parse_qsl(Fake.requests[-1]["body"].decode()))
    assert sent["metadata[invoice_no]"] == invoice.invoice_no
    assert sent["payment_intent_data[metadata][invoice_no]"] == invoice.invoice_no
    assert sent["line_items[0][price_data][unit_amount]"] == "12050"
    assert Fake.requests[-1]["headers"]["Idempotency-Key"].startswith("paylink-")
    assert link.url.startswith("https://checkout.stripe.com/") and link.amount_minor == 12050
    assert create_link(session, invoice.id, "stripe", config, actor="carol").id == link.id
    assert len(Fake.requests) == 1  # the second call reused the stored link
    charge = {"id": "ch_pl1", "amount": 12050, "amount_captured": 12050, "currency": "cny",
              "created": 1_790_000_000, "payment_intent": "pi_pl1",
              "metadata": {"invoice_no": invoice.invoice_no}}
    body, header = sign_stripe(stripe_event("charge.succeeded", charge, event_id="evt_pl1"))
    response = app.test_client().post("/webhooks/stripe", data=body,
                                      content_type="application/json",
                                      headers={"Stripe-Signature": header})
    assert response.status_code == 200
    _no_reminder(session, session_factory, invoice)


def test_alipay_precreate_qr_then_notify_settles(session, session_factory, world, keys):
    app, config, invoice = world
    link = create_link(session, invoice.id, "alipay", config, actor="carol")
    session.commit()
    assert link.url == f"https://qr.alipay.com/bax0{invoice.invoice_no}"
    biz = json.loads(dict(urllib.parse.parse_qsl(Fake.requests[-1]["body"].decode()))[
        "biz_content"])
    assert (biz["out_trade_no"], biz["total_amount"]) == (invoice.invoice_no, "120.50")
    body = sign_alipay(alipay_params(out_trade_no=invoice.invoice_no, total_amount="120.50",
                                     receipt_amount="120.50", notify_id="pl-1"),
                       keys["alipay_private"])
    response = app.test_client().post("/webhooks/alipay", data=body,
                                      content_type="application/x-www-form-urlencoded")
    assert response.get_data(as_text=True) == "success"
    _no_reminder(session, session_factory, invoice)


def test_wechat_native_code_url_then_notify_settles(session, session_factory, world):
    app, config, invoice = world
    link = create_link(session, invoice.id, "wechatpay", config, actor="carol")
    session.commit()
    assert link.url == f"weixin://wxpay/bizpayurl?pr={invoice.invoice_no}"
    order = json.loads(Fake.requests[-1]["body"])
    assert order["amount"] == {"total": 12050, "currency": "CNY"}
    resource = {"mchid": WECHAT_MCHID, "appid": "wx0000000000000001",
                "out_trade_no": invoice.invoice_no, "transaction_id": "4200000001",
                "trade_type": "NATIVE", "trade_state": "SUCCESS",
                "success_time": "2026-11-17T10:00:00+08:00",
                "amount": {"total": 12050, "payer_total": 12050, "currency": "CNY",
                           "payer_currency": "CNY"}, "payer": {"openid": "o1"}}
    headers, body = wechat_notification(wechat_platform_key(), resource)
    response = app.test_client().post("/webhooks/wechatpay", data=body, headers=headers,
                                      content_type="application/json")
    assert response.status_code == 204, response.get_data(as_text=True)
    _no_reminder(session, session_factory, invoice)


def test_refusals_and_qr_images(session, world):
    _app, config, invoice = world
    with pytest.raises(ServiceError, match="not configured"):
        create_link(session, invoice.id, "paypal", config, actor="c")
    invoice.status, invoice.paid_minor = "paid", invoice.amount_minor
    with pytest.raises(ServiceError, match="nothing to pay"):
        create_link(session, invoice.id, "stripe", config, actor="c")
    assert session.scalar(select(PayLink.id)) is None
    assert qr_svg_uri("https://pay.example/x").startswith("data:image/svg+xml")
    assert qr_png("https://pay.example/x")[:8] == b"\x89PNG\r\n\x1a\n"


def test_reminder_and_statement_carry_the_pay_link_and_its_qr(session, session_factory, world,
                                                            smtp):
    from recon.collections.delivery import statement_html

    inbox, url = smtp
    _app, config, invoice = world
    link = create_link(session, invoice.id, "stripe", config, actor="carol")
    session.commit()
    assert run_dunning(session_factory, DUE + D(15), dunning_settings(url),
                       actor="t").outcomes == {"sent": 1}
    message = inbox.messages[0][1]
    text = message.get_body(("plain",)).get_content()
    assert link.url in text and f'href="{link.url}"' in message.get_body(("html",)).get_content()
    html = statement_html(session, invoice.customer, (DUE + D(15)).strftime("%Y-%m"))
    assert link.url in html and 'src="data:image/svg+xml' in html
