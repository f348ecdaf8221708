"""Alipay notifications signed with alipay-sdk-python's sign_with_rsa2 and a generated key pair."""

from __future__ import annotations

import base64
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

import pytest
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from gateways import WebhookRejected
from gateways.alipay import AlipayConfig, load_public_key, normalize
from tests.gateways.gw_signing import (
    ALIPAY_APP_ID,
    ALIPAY_SELLER_ID,
    alipay_keys,
    alipay_params,
    sign_alipay,
)


@pytest.fixture(scope="module")
def config() -> AlipayConfig:
    return AlipayConfig(app_id=ALIPAY_APP_ID, seller_id=ALIPAY_SELLER_ID,
                        public_key=alipay_keys()[1])


def body(**overrides: str) -> bytes:
    return sign_alipay(alipay_params(**overrides), alipay_keys()[0])


def rejected(config: AlipayConfig, raw: bytes) -> str:
    with pytest.raises(WebhookRejected) as err:
        config.verify(raw)
    return err.value.reason


def test_trade_success_verifies_and_normalises(config):
    event = config.verify(body())
    assert (event.event_id, event.event_type) == ("2024070900222100640012345678", "TRADE_SUCCESS")
    (charge,) = normalize(event)
    assert (charge.gateway_id, charge.kind, charge.gross, charge.currency, charge.order_ref) == (
        "2024070922001412345678901234", "charge", Decimal("88.50"), "CNY", "INV-1001")
    assert charge.occurred_at.isoformat() == "2024-07-09T10:06:33+08:00"


def test_trade_finished_is_a_later_state_of_the_same_charge(config):
    (charge,) = normalize(config.verify(body(trade_status="TRADE_FINISHED", notify_id="n2")))
    assert (charge.gateway_id, charge.status) == ("2024070922001412345678901234", "finished")


def test_partial_refund_keeps_trade_success_and_adds_cumulative_refund(config):
    event = config.verify(body(notify_id="n3", refund_fee="20.00", out_biz_no="RF-1",
                               gmt_refund="2024-07-10 09:00:00.123"))
    charge, refund = normalize(event)
    assert charge.kind == "charge" and charge.gross == Decimal("88.50")
    assert (refund.gateway_id, refund.kind, refund.gross, refund.related_id) == (
        "2024070922001412345678901234:refund", "refund", Decimal("-20.00"), charge.gateway_id)


def test_trade_closed_after_full_refund_and_unpaid_close(config):
    refunded = config.verify(body(notify_id="n4", trade_status="TRADE_CLOSED",
                                  refund_fee="88.50", gmt_close="2024-07-11 09:00:00"))
    assert [t.kind for t in normalize(refunded)] == ["charge", "refund"]
    unpaid = config.verify(body(notify_id="n5", trade_status="TRADE_CLOSED", gmt_payment=""))
    assert normalize(unpaid) == ()


def test_gbk_encoded_body(config):
    params = alipay_params(subject="测试订单 发票", body="货款")
    raw = sign_alipay(params, alipay_keys()[0], charset="gbk")
    assert b"%B2%E2%CA%D4" in raw  # 测试 in GBK, not UTF-8
    event = config.verify(raw)
    assert event.payload["subject"] == "测试订单 发票"


def test_gbk_body_with_wrong_declared_charset_is_refused(config):
    raw = sign_alipay(alipay_params(subject="测试"), alipay_keys()[0], charset="gbk")
    assert rejected(config, raw.replace(b"charset=gbk", b"charset=utf-8")) in (
        "malformed", "bad_signature")


def test_tampered_amount(config):
    raw = body().replace(b"total_amount=88.50", b"total_amount=8.50")
    assert rejected(config, raw) == "bad_signature"


def test_sha1_signature_claiming_rsa2_is_refused(config):
    params = dict(alipay_params(), sign_type="RSA2", charset="utf-8")
    content = get_sign_content({k: v for k, v in params.items() if k not in ("sign", "sign_type")})
    params["sign"] = sign_with_rsa(alipay_keys()[0], content, "utf-8")  # SHA-1
    raw = urlencode(params).encode()
    # The SDK's verify_with_rsa would accept this; the strict wrapper must not.
    key = load_public_key(alipay_keys()[1])
    key.verify(base64.b64decode(params["sign"]), content.encode(), padding.PKCS1v15(),
               hashes.SHA1())  # a valid SHA-1 signature (raises otherwise)
    assert rejected(config, raw) == "bad_signature"


def test_sign_type_rsa_is_refused(config):
    raw = body().replace(b"sign_type=RSA2", b"sign_type=RSA")
    assert rejected(config, raw) == "bad_signature"


@pytest.mark.parametrize(("field", "value"), [("app_id", "2021999999999999"),
                                              ("seller_id", "2088999999999999")])
def test_wrong_app_or_seller_is_foreign(config, field, value):
    assert rejected(config, body(**{field: value})) == "foreign"


def test_unknown_out_trade_no_still_verifies(config):
    """Whether the order exists is recon's check: the verified event must reach it."""
    event = config.verify(body(out_trade_no="NO-SUCH-ORDER"))
    assert normalize(event)[0].order_ref == "NO-SUCH-ORDER"


def test_replay_of_old_notification_verifies_identically(config):
    """No timestamp in the scheme: a replay verifies; the stable notify_id makes it idempotent."""
    raw = body(notify_time="2020-01-01 00:00:00")
    first, again = config.verify(raw), config.verify(raw)
    assert first.event_id == again.event_id and normalize(first) == normalize(again)


def test_empty_values_are_part_of_the_signed_content(config):
    raw = body(body="")
    assert b"body=&" in raw or raw.endswith(b"body=")
    assert config.verify(raw).payload["body"] == ""


@pytest.mark.parametrize("raw", [
    b"", b"a=1&a=2", b"charset=klingon&x=1", "subject=测试".encode(), b"charset=gbk&s=%FF%FF"])
def test_malformed_bodies(config, raw):
    assert rejected(config, raw) in ("malformed", "bad_signature")


def test_repeated_key_is_malformed(config):
    assert rejected(config, body() + b"&trade_status=TRADE_SUCCESS") == "malformed"


def test_missing_required_field_after_valid_signature(config):
    params = {k: v for k, v in alipay_params().items() if k != "total_amount"}
    assert rejected(config, sign_alipay(params, alipay_keys()[0])) == "malformed"


def test_oversized_body(config):
    assert rejected(config, body(body="x" * 70_000)) == "too_large"


def test_pem_and_bare_base64_keys_both_load_and_repr_hides_key():
    bare = alipay_keys()[1]
    pem = f"-----BEGIN PUBLIC KEY-----\n{bare}\n-----END PUBLIC KEY-----\n"
    for key in (bare, pem):
        cfg = AlipayConfig(app_id=ALIPAY_APP_ID, public_key=key)
        assert cfg.verify(body()).event_type == "TRADE_SUCCESS"
        assert bare[:20] not in repr(cfg)
    with pytest.raises(ValueError):
        AlipayConfig(app_id=ALIPAY_APP_ID, public_key="not a key")


def test_signature_over_decoded_values_not_wire_form(config):
    """'+' and %20 decode to spaces before signing (parse_qsl), as Alipay signs decoded values."""
    raw = body(subject="a b+c")
    assert dict(parse_qsl(raw.decode()))["subject"] == "a b+c"
    assert config.verify(raw).payload["subject"] == "a b+c"


def test_verification_uses_cryptography_not_python_rsa():
    """python-rsa is archived and its verify is not constant-time: no module of ours imports it."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    users = [str(p.relative_to(root)) for pkg in ("gateways", "recon", "web")
             for p in (root / pkg).rglob("*.py")
             for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(node, ast.Import) and any(a.name == "rsa" for a in node.names)]
    assert users == []
