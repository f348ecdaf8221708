"""Several merchant accounts side by side: two Alipay apps and two WeChat Pay merchants, each
notification verified with the keys of the account it names; one naming none is refused and
kept as foreign; the environment's single-account variables stay the default account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from sqlalchemy import func, select

from recon.config import AppSettings
from recon.errors import InvariantError
from recon.gateway import accounts
from recon.models import GatewayEvent, GatewayTransaction
from tests.gateways import gw_signing as g
from tests.gateways.test_wechatpay_notify import TRANSACTION
from web import create_app

APP2, MCH2, SERIAL2, APIV3_2 = "2021000000000002", "1900000002", "SERIAL-TWO", "b" * 32


@pytest.fixture(scope="module")
def keys() -> dict:
    return {"alipay2": g._alipay_keys(1024),
            "wechat2": rsa.generate_private_key(public_exponent=65537, key_size=2048)}


@pytest.fixture
def app(settings: AppSettings, session, keys, tmp_path, monkeypatch) -> Iterator[Flask]:
    pub2 = tmp_path / "alipay2.pub"
    pub2.write_text(keys["alipay2"][1])
    monkeypatch.setenv("WECHAT2_APIV3_KEY", APIV3_2)
    accounts.add_account(session, gateway="alipay", account_id=APP2, actor="admin",
                         credentials={"public_key": f"file:{pub2}", "seller_id": "2088000000000002"})
    accounts.add_account(session, gateway="wechatpay", account_id=MCH2, actor="admin",
                         credentials={"apiv3_key": "env:WECHAT2_APIV3_KEY",
                                      "platform_public_key": g.public_pem(keys["wechat2"]),
                                      "platform_serial": SERIAL2})
    session.commit()
    env = {"ALIPAY_APP_ID": g.ALIPAY_APP_ID, "ALIPAY_SELLER_ID": g.ALIPAY_SELLER_ID,
           "ALIPAY_PUBLIC_KEY": g.alipay_keys()[1], "WECHATPAY_MCHID": g.WECHAT_MCHID,
           "WECHATPAY_APIV3_KEY": g.WECHAT_APIV3_KEY, "WECHATPAY_PLATFORM_SERIAL": g.WECHAT_SERIAL,
           "WECHATPAY_PLATFORM_PUBLIC_KEY": g.public_pem(g.wechat_platform_key())}
    app = create_app({"RECON_SETTINGS": settings.with_(extra=env),
                      "TESTING": True})
    yield app
    app.extensions["recon.engine"].dispose()


def _events(session, **where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(GatewayEvent).filter_by(**where))


def test_two_alipay_apps_side_by_side(app, session, keys):
    client = app.test_client()

    def post(raw: bytes):
        return client.post("/webhooks/alipay", data=raw,
                           content_type="application/x-www-form-urlencoded")

    one = g.sign_alipay(g.alipay_params(notify_id="N1"), g.alipay_keys()[0])
    two = g.sign_alipay(g.alipay_params(notify_id="N2", app_id=APP2, trade_no="T2",
                                        seller_id="2088000000000002"), keys["alipay2"][0])
    assert post(one).data == b"success" and post(two).data == b"success"
    # app 2's notification signed with app 1's key: verified with app 2's key, so refused
    crossed = g.sign_alipay(g.alipay_params(notify_id="N3", app_id=APP2, trade_no="T3",
                                            seller_id="2088000000000002"), g.alipay_keys()[0])
    assert post(crossed).status_code == 400
    nobody = g.sign_alipay(g.alipay_params(notify_id="N4", app_id="2021000000009999"),
                           keys["alipay2"][0])
    assert post(nobody).status_code == 400
    assert _events(session, status="processed") == 2 and _events(session, status="foreign") == 1
    assert session.scalar(select(func.count()).select_from(GatewayTransaction)) == 2


def test_two_wechat_merchants_side_by_side(app, session, keys):
    client = app.test_client()

    def post(headers, body):
        return client.post("/webhooks/wechatpay", data=body, headers=headers,
                           content_type="application/json")

    first = g.wechat_notification(g.wechat_platform_key(), TRANSACTION, event_id="EV-1")
    second = g.wechat_notification(
        keys["wechat2"], dict(TRANSACTION, mchid=MCH2, transaction_id="42-two"),
        event_id="EV-2", apiv3_key=APIV3_2, serial=SERIAL2)
    assert post(*first).status_code == 204 and post(*second).status_code == 204
    crossed = g.wechat_notification(  # merchant 2's serial, merchant 1's platform key
        g.wechat_platform_key(), dict(TRANSACTION, mchid=MCH2, transaction_id="42-x"),
        event_id="EV-3", apiv3_key=APIV3_2, serial=SERIAL2)
    assert post(*crossed).status_code == 400
    nobody = g.wechat_notification(keys["wechat2"], TRANSACTION, event_id="EV-4",
                                   serial="UNKNOWN-SERIAL")
    assert post(*nobody).status_code == 400
    assert _events(session, status="processed") == 2 and _events(session, status="foreign") == 1
    txns = session.scalars(select(GatewayTransaction.gateway_id).order_by(
        GatewayTransaction.gateway_id)).all()
    assert sorted(txns) == sorted([TRANSACTION["transaction_id"], "42-two"])


def test_secrets_are_only_accepted_by_reference(session):
    with pytest.raises(InvariantError, match="never the value"):
        accounts.add_account(session, gateway="stripe", account_id="acct_2", actor="a",
                             credentials={"webhook_secret": "whsec_plain"})
    with pytest.raises(InvariantError, match="missing"):
        accounts.add_account(session, gateway="wechatpay", account_id="1", actor="a",
                             credentials={"apiv3_key": "env:X"})
    row = accounts.add_account(session, gateway="stripe", account_id="acct_2", actor="a",
                               credentials={"webhook_secret": "env:STRIPE_TWO_SECRET"})
    from recon.config import GatewaySettings

    with pytest.raises(InvariantError, match="STRIPE_TWO_SECRET is not set"):
        accounts.verifiers(session, GatewaySettings(), env={})
    routers = accounts.verifiers(session, GatewaySettings(),
                                 env={"STRIPE_TWO_SECRET": g.STRIPE_SECRET})
    assert row.id and routers.stripe is not None and routers.alipay is None
    body, header = g.sign_stripe(g.stripe_event("charge.succeeded", {"id": "ch_9"}))
    assert routers.stripe.verify(body, header).event_id == "evt_1"


def test_cli_adds_and_lists_accounts_without_secret_values(cli):
    ok = cli("gateways", "accounts", "add", "alipay", APP2, "--set", "public_key=file:/k.pem",
             "--set", "seller_id=2088000000000002", "--currency", "cny")
    assert ok.exit_code == 0 and f"added alipay account {APP2}" in ok.output
    refused = cli("gateways", "accounts", "add", "wechatpay", MCH2, "--set", "apiv3_key=abc",
                  "--set", "platform_public_key=file:/p.pem", "--set", "platform_serial=S")
    assert refused.exit_code == 1 and "never the value" in refused.output
    again = cli("gateways", "accounts", "add", "alipay", APP2, "--set", "public_key=file:/x")
    assert again.exit_code == 1
    listed = cli("gateways", "accounts", "list").output
    assert APP2 in listed and "CNY" in listed and "public_key,seller_id" in listed
