"""WeChat Pay v3 notifications encrypted and signed with `cryptography` per the published scheme."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from gateways import WebhookRejected
from gateways.wechatpay import WechatPayConfig, normalize
from tests.gateways.gw_signing import (
    WECHAT_APIV3_KEY,
    WECHAT_MCHID,
    WECHAT_SERIAL,
    public_pem,
    wechat_notification,
    wechat_platform_key,
)

TRANSACTION = {
    "appid": "wxd678efh567hg6787", "mchid": WECHAT_MCHID, "out_trade_no": "INV-2001",
    "transaction_id": "4200002360202407091234567890", "trade_type": "JSAPI",
    "trade_state": "SUCCESS", "success_time": "2024-07-09T10:06:33+08:00",
    "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
    "amount": {"total": 6000, "payer_total": 6000, "currency": "CNY", "payer_currency": "CNY"},
}
REFUND = {
    "mchid": WECHAT_MCHID, "out_trade_no": "INV-2001",
    "transaction_id": "4200002360202407091234567890", "out_refund_no": "RF-2001",
    "refund_id": "50300000012024071000001", "refund_status": "SUCCESS",
    "success_time": "2024-07-10T09:00:00+08:00",
    "amount": {"total": 6000, "refund": 1500, "payer_total": 6000, "payer_refund": 1500},
}


@pytest.fixture(scope="module")
def config() -> WechatPayConfig:
    return WechatPayConfig(mchid=WECHAT_MCHID, apiv3_key=WECHAT_APIV3_KEY,
                           platform_keys={WECHAT_SERIAL: public_pem(wechat_platform_key())})


def notification(resource=TRANSACTION, **kwargs):
    return wechat_notification(wechat_platform_key(), resource, **kwargs)


def reason(config, headers, raw, **kwargs) -> str:
    with pytest.raises(WebhookRejected) as err:
        config.verify(headers, raw, **kwargs)
    return err.value.reason


def test_transaction_success(config):
    event = config.verify(*notification())
    (txn,) = normalize(event)
    assert (txn.gateway_id, txn.kind, txn.gross, txn.currency, txn.order_ref) == (
        "4200002360202407091234567890", "charge", Decimal("60.00"), "CNY", "INV-2001")
    assert event.payload["resource"]["trade_state"] == "SUCCESS"


@pytest.mark.parametrize(("event_type", "status"), [
    ("REFUND.SUCCESS", "succeeded"), ("REFUND.ABNORMAL", "abnormal"), ("REFUND.CLOSED", "closed")])
def test_refund_events(config, event_type, status):
    (txn,) = normalize(config.verify(*notification(REFUND, event_type=event_type)))
    assert (txn.gateway_id, txn.kind, txn.gross, txn.status, txn.related_id) == (
        "50300000012024071000001", "refund", Decimal("-15.00"), status,
        "4200002360202407091234567890")


def test_headers_are_case_insensitive(config):
    headers, raw = notification()
    lowered = {k.lower(): v for k, v in headers.items()}
    assert config.verify(lowered, raw).event_id == "EV-2024070910063300001"


@pytest.mark.parametrize("offset", [-301, 301, -86400])
def test_stale_and_future_timestamps(config, offset):
    headers, raw = notification(timestamp=int(time.time()) + offset)
    assert reason(config, headers, raw) == "stale"


def test_window_edge_with_injected_now(config):
    stamp = 1_700_000_000
    headers, raw = notification(timestamp=stamp)
    assert config.verify(headers, raw, now=stamp + 300).event_type == "TRANSACTION.SUCCESS"
    assert reason(config, headers, raw, now=stamp + 301) == "stale"


def test_unknown_serial(config):
    assert reason(config, *notification(serial="PUB_KEY_ID_0000")) == "bad_signature"


def test_signtest_probe_is_refused(config):
    headers, raw = notification()
    headers["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/" + headers["Wechatpay-Signature"]
    assert reason(config, headers, raw) == "bad_signature"


def test_wrong_signature_type(config):
    headers, raw = notification()
    headers["Wechatpay-Signature-Type"] = "WECHATPAY2-SHA1-RSA"
    assert reason(config, headers, raw) == "bad_signature"


def test_reserialised_json_body_fails(config):
    headers, raw = notification()
    assert reason(config, headers, json.dumps(json.loads(raw)).encode()) == "bad_signature"


def test_signature_from_another_key(config):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert reason(config, *wechat_notification(other, TRANSACTION)) == "bad_signature"


def test_wrong_apiv3_key_fails_decryption(config):
    headers, raw = notification(apiv3_key="f" * 32)
    assert reason(config, headers, raw) == "bad_signature"


def test_other_merchant_is_foreign(config):
    assert reason(config, *notification(dict(TRANSACTION, mchid="1999999999"))) == "foreign"


def test_oversized_body(config):
    headers, raw = notification(dict(TRANSACTION, attach="x" * 70_000))
    assert reason(config, headers, raw) == "too_large"


def test_two_platform_keys_during_rotation():
    new = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cfg = WechatPayConfig(mchid=WECHAT_MCHID, apiv3_key=WECHAT_APIV3_KEY, platform_keys={
        WECHAT_SERIAL: public_pem(wechat_platform_key()), "NEWSERIAL": public_pem(new)})
    assert cfg.verify(*wechat_notification(new, TRANSACTION, serial="NEWSERIAL")).event_id
    assert cfg.verify(*notification()).event_id
    assert WECHAT_APIV3_KEY not in repr(cfg)


def test_apiv3_key_must_be_32_bytes():
    with pytest.raises(ValueError):
        WechatPayConfig(mchid=WECHAT_MCHID, apiv3_key="short", platform_keys={})
