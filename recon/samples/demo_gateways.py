"""Demo gateway traffic: Stripe and Alipay webhook deliveries signed with throw-away demo keys.

``demo_keys()`` makes a Stripe webhook secret and an Alipay RSA key pair (the demo plays
Alipay, so it holds the private key and gives the app only the public one); ``gateway_env``
turns them into the ``STRIPE_*``/``ALIPAY_*`` settings the webhook endpoints read.
``deliveries(keys, today)`` returns the signed HTTP requests (path, body, headers): Stripe
``charge.succeeded`` for two invoices and ``payout.paid`` for their payout, and an Alipay
``TRADE_SUCCESS`` notification. ``post_all(client, requests)`` sends them through a Flask
test client and returns the HTTP status codes. Raises nothing of its own.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import stripe
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa2
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from recon.samples.demo_data import STRIPE_CHARGES, STRIPE_PAYOUT

__all__ = ["Delivery", "DemoKeys", "deliveries", "demo_keys", "gateway_env", "post_all"]

ALIPAY_APP_ID = "2021000000000000"
ALIPAY_SELLER_ID = "2088000000000000"


@dataclass(frozen=True)
class DemoKeys:
    stripe_secret: str = field(repr=False)
    alipay_private: str = field(repr=False)  # PKCS#1 body, as the Alipay SDK signs with it
    alipay_public: str = field(repr=False)  # SubjectPublicKeyInfo, base64 (console format)


@dataclass(frozen=True)
class Delivery:
    path: str
    body: bytes
    headers: dict[str, str]
    label: str


def demo_keys() -> DemoKeys:
    """Fresh keys for one demo (never used anywhere else)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return DemoKeys(
        f"whsec_demo_{secrets.token_hex(16)}",
        "".join(pem.splitlines()[1:-1]),
        base64.b64encode(spki).decode(),
    )


def gateway_env(keys: DemoKeys) -> dict[str, str]:
    """The settings the webhook endpoints read (``AppSettings.extra``)."""
    return {
        "STRIPE_WEBHOOK_SECRET": keys.stripe_secret,
        "ALIPAY_APP_ID": ALIPAY_APP_ID,
        "ALIPAY_SELLER_ID": ALIPAY_SELLER_ID,
        "ALIPAY_PUBLIC_KEY": keys.alipay_public,
    }


def _stripe(keys: DemoKeys, event_id: str, kind: str, obj: dict[str, Any], label: str) -> Delivery:
    event = {
        "id": event_id,
        "object": "event",
        "type": kind,
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(
        payload, keys.stripe_secret, timestamp=int(time.time())
    )
    return Delivery("/webhooks/stripe", payload.encode(), {"Stripe-Signature": header}, label)


def _cents(amount: str) -> int:
    return int(Decimal(amount) * 100)


def _stripe_deliveries(keys: DemoKeys, today: dt.date) -> list[Delivery]:
    created = int(
        dt.datetime.combine(today - dt.timedelta(days=3), dt.time(10), tzinfo=dt.UTC).timestamp()
    )
    out = []
    for n, (charge, invoice, gross, _fee) in enumerate(STRIPE_CHARGES, start=1):
        obj = {
            "id": charge,
            "object": "charge",
            "amount": _cents(gross),
            "amount_captured": _cents(gross),
            "currency": "usd",
            "created": created,
            "status": "succeeded",
            "metadata": {"invoice_no": invoice},
            "billing_details": {
                "name": "Golden Gate Software Inc",
                "email": "ap@goldengate.example",
            },
            "payment_intent": f"pi_demo_{n}",
        }
        out.append(
            _stripe(
                keys,
                f"evt_demo_charge_{n}",
                "charge.succeeded",
                obj,
                f"Stripe charge.succeeded {charge} ({invoice})",
            )
        )
    net = sum(_cents(g) - _cents(f) for _c, _i, g, f in STRIPE_CHARGES)
    arrival = created + 2 * 86400
    payout = {
        "id": STRIPE_PAYOUT,
        "object": "payout",
        "amount": net,
        "currency": "usd",
        "status": "paid",
        "arrival_date": arrival,
        "created": created,
    }
    out.append(
        _stripe(
            keys, "evt_demo_payout_1", "payout.paid", payout, f"Stripe payout.paid {STRIPE_PAYOUT}"
        )
    )
    return out


def _alipay(keys: DemoKeys, today: dt.date) -> Delivery:
    paid = f"{today - dt.timedelta(days=1)} 15:20:05"
    params = {
        "notify_time": paid,
        "notify_type": "trade_status_sync",
        "notify_id": f"demo{today:%Y%m%d}0001",
        "app_id": ALIPAY_APP_ID,
        "version": "1.0",
        "trade_no": f"{today:%Y%m%d}22001400000000000001",
        "out_trade_no": "INV-2026-4001",
        "buyer_id": "2088102100000001",
        "buyer_logon_id": "hz***@yunduan.example",
        "seller_id": ALIPAY_SELLER_ID,
        "trade_status": "TRADE_SUCCESS",
        "total_amount": "8800.00",
        "receipt_amount": "8800.00",
        "subject": "发票 INV-2026-4001",
        "gmt_create": paid,
        "gmt_payment": paid,
        "sign_type": "RSA2",
        "charset": "utf-8",
    }
    content = get_sign_content({k: v for k, v in params.items() if k not in ("sign", "sign_type")})
    params["sign"] = sign_with_rsa2(keys.alipay_private, content, "utf-8")
    body = urlencode(params, encoding="utf-8").encode("ascii")
    return Delivery(
        "/webhooks/alipay",
        body,
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        "Alipay TRADE_SUCCESS INV-2026-4001",
    )


def deliveries(keys: DemoKeys, today: dt.date) -> list[Delivery]:
    """Every webhook request of the demo, in the order a gateway would send them."""
    return [*_stripe_deliveries(keys, today), _alipay(keys, today)]


def post_all(client: Any, requests: list[Delivery]) -> list[tuple[str, int]]:
    """POST each delivery through ``client`` (a Flask test client); (label, status) pairs."""
    return [
        (d.label, client.post(d.path, data=d.body, headers=d.headers).status_code) for d in requests
    ]
