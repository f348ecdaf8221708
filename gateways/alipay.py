"""Alipay asynchronous notifications: parse, verify strictly, normalise (leaf layer).

`AlipayConfig.verify(raw_body)` returns a `VerifiedEvent` whose payload is the decoded parameter
dict, or raises `WebhookRejected`:

* ``malformed`` -- not a form body, an unknown ``charset``, bytes that do not decode in it, a
  repeated key or a missing required field;
* ``bad_signature`` -- ``sign_type`` other than ``RSA2``, or a signature that does not verify as
  SHA256withRSA with Alipay's public key over the sorted parameters minus ``sign``/``sign_type``
  (the content is built by alipay-sdk-python's ``get_sign_content``), checked with
  ``cryptography`` for SHA-256 only.  The SDK's own ``verify_with_rsa`` (python-rsa, archived,
  not constant-time) accepts SHA-1 and MD5 whatever ``sign_type`` claims;
* ``foreign`` -- correctly signed but for another ``app_id``/``seller_id``.

Alipay has no timestamp in its scheme: replay protection is the caller's idempotent storage
keyed by ``notify_id``.  `normalize` turns the notification into a charge and, when
``refund_fee`` is present, a cumulative refund.  Whether ``out_trade_no`` names a known order and
whether ``total_amount`` equals it are recon's checks (the event is stored either way).
"""

from __future__ import annotations

import base64
import binascii
import codecs
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from alipay.aop.api.util.SignatureUtils import fill_public_key_marker, get_sign_content
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from gateways.errors import WebhookRejected
from gateways.model import GatewayTxn, VerifiedEvent
from gateways.money import parse_major

GATEWAY = "alipay"
MAX_BODY_BYTES = 64 * 1024
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
REQUIRED = ("notify_id", "app_id", "trade_no", "out_trade_no", "trade_status", "total_amount")
PAID = {"TRADE_SUCCESS": "succeeded", "TRADE_FINISHED": "finished"}


def _reject(reason: Any, message: str, event_id: str | None = None) -> WebhookRejected:
    return WebhookRejected(reason, message, gateway=GATEWAY, event_id=event_id)


def load_public_key(text: str) -> rsa.RSAPublicKey:
    """Alipay's public key from PEM (``BEGIN PUBLIC KEY``) or the console's bare base64."""
    pem = fill_public_key_marker(text.strip())
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise ValueError("ALIPAY_PUBLIC_KEY is not an X.509 SubjectPublicKeyInfo key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("ALIPAY_PUBLIC_KEY is not an RSA key")
    return key


def parse_form(raw: bytes) -> dict[str, str]:
    """Decode a form body with the charset it declares; blank values kept, repeats refused."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise _reject("malformed", "form body has raw non-ASCII bytes") from None
    declared = dict(parse_qsl(text, keep_blank_values=True, encoding="latin-1"))
    charset = declared.get("charset") or "utf-8"
    try:
        codecs.lookup(charset)
        pairs = parse_qsl(text, keep_blank_values=True, encoding=charset, errors="strict")
    except (LookupError, UnicodeDecodeError) as exc:
        raise _reject("malformed", f"body does not decode as charset {charset!r}") from exc
    params = dict(pairs)
    if len(params) != len(pairs):
        raise _reject("malformed", "a parameter is repeated")
    if not params:
        raise _reject("malformed", "empty form body")
    return params


def verify_signature(params: Mapping[str, str], key: rsa.RSAPublicKey) -> None:
    """Strict RSA2 check of the V1 sign content; raises `WebhookRejected` (bad_signature)."""
    event_id = params.get("notify_id")
    if params.get("sign_type") != "RSA2":
        raise _reject("bad_signature", "sign_type must be RSA2", event_id)
    content = get_sign_content({k: v for k, v in params.items() if k not in ("sign", "sign_type")})
    charset = params.get("charset") or "utf-8"
    try:
        signature = base64.b64decode(params.get("sign", ""), validate=True)
        key.verify(signature, content.encode(charset), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError, UnicodeEncodeError):
        raise _reject("bad_signature", "signature does not verify as SHA256withRSA",
                      event_id) from None


def beijing_time(text: str | None) -> datetime | None:
    """``yyyy-MM-dd HH:mm:ss`` Beijing time (no offset in the text) to an aware datetime."""
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    except ValueError:
        return None


@dataclass(frozen=True)
class AlipayConfig:
    """Our Alipay identity and Alipay's public key (never our own app key)."""

    app_id: str
    public_key: str = field(repr=False)
    seller_id: str | None = None
    max_bytes: int = MAX_BODY_BYTES
    _key: rsa.RSAPublicKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_key", load_public_key(self.public_key))

    def verify(self, raw: bytes) -> VerifiedEvent:
        """Verify a notification body and check it is addressed to us."""
        if len(raw) > self.max_bytes:
            raise _reject("too_large", f"body of {len(raw)} bytes exceeds {self.max_bytes}")
        params = parse_form(raw)
        verify_signature(params, self._key)
        missing = [name for name in REQUIRED if not params.get(name)]
        if missing:
            raise _reject("malformed", f"missing {', '.join(missing)}", params.get("notify_id"))
        if params["app_id"] != self.app_id:
            raise _reject("foreign", "notification for another app_id", params["notify_id"])
        if self.seller_id and params.get("seller_id") != self.seller_id:
            raise _reject("foreign", "notification for another seller_id", params["notify_id"])
        return VerifiedEvent(
            gateway=GATEWAY, event_id=params["notify_id"], event_type=params["trade_status"],
            occurred_at=beijing_time(params.get("notify_time")), payload=params,
        )


def _money(params: Mapping[str, str], name: str, currency: str, event_id: str) -> Decimal:
    try:
        return parse_major(params[name], currency)
    except ValueError as exc:
        raise _reject("malformed", f"{name}: {exc}", event_id) from None


def normalize(event: VerifiedEvent) -> tuple[GatewayTxn, ...]:
    """A paid or refunded trade as records; unpaid states (WAIT_BUYER_PAY, unpaid close) give ()."""
    p = event.payload
    currency = (p.get("trans_currency") or "CNY").upper()
    refunded = _money(p, "refund_fee", currency, event.event_id) if p.get("refund_fee") else None
    paid = p["trade_status"] in PAID or refunded is not None
    if not paid:
        return ()
    common = {
        "gateway": GATEWAY, "currency": currency, "order_ref": p["out_trade_no"],
        "raw": {"notify_id": event.event_id, "trade_status": p["trade_status"]},
    }
    charge = GatewayTxn(
        gateway_id=p["trade_no"], kind="charge",
        gross=_money(p, "total_amount", currency, event.event_id),
        status=PAID.get(p["trade_status"], "succeeded"),
        occurred_at=beijing_time(p.get("gmt_payment")) or event.occurred_at,
        payer={k: p[k] for k in ("buyer_id", "buyer_logon_id") if p.get(k)}, **common,
    )
    if not refunded:
        return (charge,)
    refund = GatewayTxn(
        gateway_id=f"{p['trade_no']}:refund", kind="refund", gross=-refunded,
        occurred_at=beijing_time(p.get("gmt_refund")) or event.occurred_at,
        related_id=p["trade_no"], **common,
    )
    return (charge, refund)
