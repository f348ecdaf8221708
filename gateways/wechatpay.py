"""WeChat Pay API v3 notifications: verify, decrypt, normalise (leaf layer).

`WechatPayConfig.verify(headers, raw_body)` checks, in this order: body size; the
``Wechatpay-Signature-Type`` is ``WECHATPAY2-SHA256-RSA2048``; the ``Wechatpay-Timestamp`` is
within ±`tolerance` seconds of now; the platform key is the one named by ``Wechatpay-Serial``;
the SHA256withRSA signature over ``timestamp\\nnonce\\nbody\\n`` verifies (probe signatures
``WECHATPAY/SIGNTEST/...`` never do).  Only then is the resource decrypted with AEAD_AES_256_GCM
and the APIv3 key, and ``mchid`` compared with ours.  Failures raise `WebhookRejected`
(``too_large``, ``bad_signature``, ``stale``, ``malformed``, ``foreign``).

`normalize` maps ``TRANSACTION.SUCCESS`` to a charge and ``REFUND.*`` to a refund; amounts are
integer fen.  The returned event's payload is the envelope with ``resource`` replaced by the
decrypted object.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gateways.errors import WebhookRejected
from gateways.model import GatewayTxn, VerifiedEvent
from gateways.money import from_minor

GATEWAY = "wechatpay"
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
DEFAULT_TOLERANCE = 300
MAX_BODY_BYTES = 64 * 1024
REFUND_STATUS = {"REFUND.SUCCESS": "succeeded", "REFUND.ABNORMAL": "abnormal",
                 "REFUND.CLOSED": "closed"}


def _reject(reason: Any, message: str, event_id: str | None = None) -> WebhookRejected:
    return WebhookRejected(reason, message, gateway=GATEWAY, event_id=event_id)


def load_platform_key(pem: str) -> rsa.RSAPublicKey:
    """The platform public key from PEM (a ``BEGIN PUBLIC KEY`` block or a certificate)."""
    data = pem.strip().encode("ascii")
    if b"BEGIN CERTIFICATE" in data:
        from cryptography import x509

        key = x509.load_pem_x509_certificate(data).public_key()
    else:
        key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("WeChat Pay platform key must be RSA")
    return key


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = {k.lower(): v for k, v in headers.items()}
    value = lowered.get(name.lower())
    if not value:
        raise _reject("bad_signature", f"missing {name} header")
    return value.strip()


def check_signature(
    headers: Mapping[str, str], raw: bytes, keys: Mapping[str, rsa.RSAPublicKey],
    *, now: float, tolerance: int,
) -> None:
    """Verify the ``Wechatpay-*`` headers over the raw body; raises `WebhookRejected`."""
    if _header(headers, "Wechatpay-Signature-Type") != SIGNATURE_TYPE:
        raise _reject("bad_signature", "unsupported Wechatpay-Signature-Type")
    stamp, nonce = _header(headers, "Wechatpay-Timestamp"), _header(headers, "Wechatpay-Nonce")
    if not stamp.isdigit():
        raise _reject("bad_signature", "Wechatpay-Timestamp is not unix seconds")
    if abs(now - int(stamp)) > tolerance:
        raise _reject("stale", f"timestamp is {int(now) - int(stamp)} s away from now")
    key = keys.get(_header(headers, "Wechatpay-Serial"))
    if key is None:
        raise _reject("bad_signature", "unknown Wechatpay-Serial")
    signature = _header(headers, "Wechatpay-Signature")
    message = stamp.encode() + b"\n" + nonce.encode() + b"\n" + raw + b"\n"
    try:
        if signature.startswith("WECHATPAY/SIGNTEST/"):
            raise InvalidSignature
        sig = base64.b64decode(signature, validate=True)
        key.verify(sig, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        raise _reject("bad_signature", "signature does not verify") from None


def decrypt_resource(resource: Mapping[str, Any], apiv3_key: bytes) -> dict[str, Any]:
    """AEAD_AES_256_GCM decryption of a notification resource; raises `WebhookRejected`."""
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise _reject("malformed", "resource algorithm is not AEAD_AES_256_GCM")
    try:
        plain = AESGCM(apiv3_key).decrypt(
            str(resource["nonce"]).encode(), base64.b64decode(resource["ciphertext"]),
            str(resource.get("associated_data") or "").encode(),
        )
    except InvalidTag:
        raise _reject("bad_signature", "resource does not decrypt with the APIv3 key") from None
    except (KeyError, ValueError, binascii.Error) as exc:
        raise _reject("malformed", f"resource cannot be decrypted: {exc}") from None
    try:
        obj = json.loads(plain)
    except ValueError:
        raise _reject("malformed", "decrypted resource is not JSON") from None
    if not isinstance(obj, dict):
        raise _reject("malformed", "decrypted resource is not an object")
    return obj


@dataclass(frozen=True)
class WechatPayConfig:
    """Merchant id, APIv3 key and the platform keys by serial (several during a rotation)."""

    mchid: str
    apiv3_key: str = field(repr=False)
    platform_keys: Mapping[str, str] = field(repr=False)  # serial -> PEM
    tolerance: int = DEFAULT_TOLERANCE
    max_bytes: int = MAX_BODY_BYTES
    _keys: Mapping[str, rsa.RSAPublicKey] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.apiv3_key.encode()) != 32:
            raise ValueError("the WeChat Pay APIv3 key must be 32 bytes")
        keys = {serial: load_platform_key(pem) for serial, pem in self.platform_keys.items()}
        object.__setattr__(self, "_keys", keys)

    def verify(
        self, headers: Mapping[str, str], raw: bytes, *, now: float | None = None
    ) -> VerifiedEvent:
        """Verify and decrypt one notification."""
        if len(raw) > self.max_bytes:
            raise _reject("too_large", f"body of {len(raw)} bytes exceeds {self.max_bytes}")
        clock = time.time() if now is None else now
        check_signature(headers, raw, self._keys, now=clock, tolerance=self.tolerance)
        envelope = _envelope(raw)
        resource = decrypt_resource(envelope["resource"], self.apiv3_key.encode())
        if resource.get("mchid") != self.mchid:
            raise _reject("foreign", "notification for another mchid", envelope["id"])
        return VerifiedEvent(
            gateway=GATEWAY, event_id=envelope["id"], event_type=envelope["event_type"],
            occurred_at=_rfc3339(envelope.get("create_time")),
            payload={**envelope, "resource": resource},
        )


def _envelope(raw: bytes) -> dict[str, Any]:
    try:
        envelope = json.loads(raw)
    except ValueError:
        raise _reject("malformed", "body is not JSON") from None
    if not isinstance(envelope, dict) or not all(
        isinstance(envelope.get(k), str) for k in ("id", "event_type")
    ) or not isinstance(envelope.get("resource"), dict):
        raise _reject("malformed", "envelope lacks id, event_type or resource")
    return envelope


def _rfc3339(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _fen(amount: Mapping[str, Any], key: str, event: VerifiedEvent) -> tuple[Any, str]:
    value, currency = amount.get(key), str(amount.get("currency") or "CNY").upper()
    if isinstance(value, bool) or not isinstance(value, int):
        raise _reject("malformed", f"amount.{key} is not integer fen", event.event_id)
    return from_minor(value, currency), currency


def _id(res: Mapping[str, Any], key: str, event: VerifiedEvent) -> str:
    value = res.get(key)
    if not isinstance(value, str) or not value:
        raise _reject("malformed", f"resource lacks {key}", event.event_id)
    return value


def normalize(event: VerifiedEvent) -> tuple[GatewayTxn, ...]:
    """A paid transaction or a refund as one record; other event types give ()."""
    res = event.payload["resource"]
    amount = res.get("amount") or {}
    raw = {"event_id": event.event_id, "event_type": event.event_type}
    when = _rfc3339(res.get("success_time")) or event.occurred_at
    if event.event_type == "TRANSACTION.SUCCESS" and res.get("trade_state") == "SUCCESS":
        gross, currency = _fen(amount, "total", event)
        payer = {"openid": res["payer"]["openid"]} if (res.get("payer") or {}).get("openid") else {}
        return (GatewayTxn(
            gateway=GATEWAY, gateway_id=_id(res, "transaction_id", event), kind="charge",
            gross=gross, currency=currency, occurred_at=when, order_ref=res.get("out_trade_no"),
            payer=payer, raw=raw,
        ),)
    if event.event_type in REFUND_STATUS:
        gross, currency = _fen(amount, "refund", event)
        return (GatewayTxn(
            gateway=GATEWAY, gateway_id=_id(res, "refund_id", event), kind="refund", gross=-gross,
            currency=currency, occurred_at=when, status=REFUND_STATUS[event.event_type],
            order_ref=res.get("out_trade_no"), related_id=res.get("transaction_id"), raw=raw,
        ),)
    return ()
