"""Signing helpers for gateway tests: payloads signed with each SDK's own code.

Imported by tests/gateways and tests/web (webhook endpoint tests).
"""

from __future__ import annotations

import base64
import functools
import json
import os
import time
from pathlib import Path
from urllib.parse import urlencode

import rsa
import stripe
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa as crypto_rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pyasn1.codec.der import encoder
from pyasn1.type import univ
from rsa.asn1 import OpenSSLPubKey

BANK_FIXTURES = Path(os.environ.get("RECON_FIXTURES", "/work/shared/fixtures/bank"))
STRIPE_SECRET = "whsec_test_secret_one"
ALIPAY_APP_ID = "2021000000000001"
ALIPAY_SELLER_ID = "2088000000000001"
WECHAT_MCHID = "1900000001"
WECHAT_APIV3_KEY = "0123456789abcdef0123456789abcdef"
WECHAT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"


def sign_stripe(
    event: dict, *, secret: str = STRIPE_SECRET, timestamp: int | None = None
) -> tuple[bytes, str]:
    """(body bytes, Stripe-Signature header) made by stripe's own signer (a str payload)."""
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(
        payload, secret, timestamp=timestamp or int(time.time())
    )
    return payload.encode(), header


def stripe_event(event_type: str, obj: dict, *, event_id: str = "evt_1", created: int = 0) -> dict:
    """A v1 event envelope around `obj`."""
    return {
        "id": event_id, "object": "event", "type": event_type, "api_version": "2024-06-20",
        "created": created or int(time.time()), "livemode": False,
        "data": {"object": obj},
    }


def _alipay_keys(bits: int = 1024) -> tuple[str, str]:
    """(app private key PKCS#1 body, public key SPKI base64) as GATEWAYS.md 2.5 builds them."""
    pub, priv = rsa.newkeys(bits)
    spki = OpenSSLPubKey()
    spki["header"]["oid"] = univ.ObjectIdentifier("1.2.840.113549.1.1.1")
    spki["header"]["parameters"] = univ.Null("")
    spki["key"] = b"\x00" + pub.save_pkcs1(format="DER")
    private = "".join(priv.save_pkcs1().decode().splitlines()[1:-1])
    return private, base64.b64encode(encoder.encode(spki)).decode()


@functools.cache
def alipay_keys() -> tuple[str, str]:
    """One key pair per test process (pure-Python key generation is slow)."""
    return _alipay_keys()


def alipay_params(**overrides: str) -> dict[str, str]:
    """A TRADE_SUCCESS notification's parameters (unsigned)."""
    params = {
        "notify_time": "2024-07-09 10:06:40", "notify_type": "trade_status_sync",
        "notify_id": "2024070900222100640012345678", "app_id": ALIPAY_APP_ID,
        "version": "1.0", "trade_no": "2024070922001412345678901234",
        "out_trade_no": "INV-1001", "buyer_id": "2088102122524333",
        "buyer_logon_id": "159****5620", "seller_id": ALIPAY_SELLER_ID,
        "trade_status": "TRADE_SUCCESS", "total_amount": "88.50", "receipt_amount": "88.50",
        "subject": "Invoice INV-1001", "body": "",
        "gmt_create": "2024-07-09 10:06:30", "gmt_payment": "2024-07-09 10:06:33",
        "fund_bill_list": '[{"amount":"88.50","fundChannel":"ALIPAYACCOUNT"}]',
    }
    params.update(overrides)
    return params


def sign_alipay(params: dict[str, str], private_key: str, charset: str = "utf-8") -> bytes:
    """Sign with the SDK's sign_with_rsa2 and form-encode in `charset`."""
    p = dict(params, sign_type="RSA2", charset=charset)
    content = get_sign_content({k: v for k, v in p.items() if k not in ("sign", "sign_type")})
    p["sign"] = sign_with_rsa2(private_key, content, charset)
    return urlencode(p, encoding=charset).encode("ascii")


@functools.cache
def wechat_platform_key() -> crypto_rsa.RSAPrivateKey:
    """The stand-in WeChat Pay platform key pair, one per test process."""
    return crypto_rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: crypto_rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def wechat_notification(
    key: crypto_rsa.RSAPrivateKey, resource: dict, *, event_type: str = "TRANSACTION.SUCCESS",
    event_id: str = "EV-2024070910063300001", timestamp: int | None = None,
    apiv3_key: str = WECHAT_APIV3_KEY, serial: str = WECHAT_SERIAL,
) -> tuple[dict[str, str], bytes]:
    """(headers, body): resource encrypted with AESGCM, body signed with PKCS1v15 + SHA256."""
    nonce, aad = "fdasflkja484", "transaction" if event_type.startswith("TRANS") else "refund"
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(
        nonce.encode(), json.dumps(resource).encode(), aad.encode()
    )
    body = json.dumps({
        "id": event_id, "create_time": "2024-07-09T10:06:35+08:00",
        "resource_type": "encrypt-resource", "event_type": event_type, "summary": "支付成功",
        "resource": {"original_type": aad, "algorithm": "AEAD_AES_256_GCM",
                     "ciphertext": base64.b64encode(ciphertext).decode(),
                     "associated_data": aad, "nonce": nonce},
    }, ensure_ascii=False).encode()
    stamp, wnonce = str(timestamp or int(time.time())), "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"
    message = f"{stamp}\n{wnonce}\n".encode() + body + b"\n"
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    headers = {
        "Wechatpay-Timestamp": stamp, "Wechatpay-Nonce": wnonce,
        "Wechatpay-Signature": base64.b64encode(signature).decode(),
        "Wechatpay-Serial": serial, "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    }
    return headers, body
