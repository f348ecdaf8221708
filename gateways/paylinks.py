"""Pay links at the gateways (leaf layer, network edge): a Stripe Checkout Session, an Alipay
``alipay.trade.precreate`` QR code and a WeChat Pay Native ``code_url``, each carrying our
invoice number (Checkout ``metadata.invoice_no`` + ``payment_intent_data.metadata``, which the
charge inherits; Alipay/WeChat ``out_trade_no``) so the payment's webhook names the invoice.

Stripe goes through the official library (``StripeClient`` with ``base_addresses`` for a test
server). Alipay is signed and verified with the official SDK's own helpers
(``get_sign_content``/``sign_with_rsa2``/``verify_with_rsa``) but posted with ``urllib``: the
SDK's ``DefaultAlipayClient`` always connects to port 80/443 whatever the server URL says, so
it cannot reach a sandbox or test server on another port. WeChat Pay APIv3 has no official
Python SDK; its request signature (SHA256-RSA2048 over method, path, timestamp, nonce, body)
and the answer's platform signature are made with ``cryptography``. Raises
``GatewayApiError`` for any failed call or unverifiable answer.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal

import stripe
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa2, verify_with_rsa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from gateways.errors import GatewayApiError

__all__ = ["AlipayApp", "CreatedLink", "WechatMerchant", "alipay_precreate",
           "stripe_checkout", "wechat_native"]


@dataclass(frozen=True)
class CreatedLink:
    external_id: str
    url: str


def stripe_checkout(api_key: str, *, invoice_no: str, amount_minor: int, currency: str,
                    success_url: str, api_base: str | None = None) -> CreatedLink:
    """A Checkout Session in payment mode for the open amount of one invoice."""
    client = stripe.StripeClient(api_key, max_network_retries=0,
                                 base_addresses={"api": api_base} if api_base else {})
    params = {
        "mode": "payment", "success_url": success_url, "client_reference_id": invoice_no,
        "line_items": [{"quantity": 1, "price_data": {
            "currency": currency.lower(), "unit_amount": amount_minor,
            "product_data": {"name": f"Invoice {invoice_no}"}}}],
        "metadata": {"invoice_no": invoice_no},
        "payment_intent_data": {"metadata": {"invoice_no": invoice_no}},
    }
    try:
        session = client.v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": f"paylink-{invoice_no}-{amount_minor}"})
    except stripe.StripeError as exc:
        raise GatewayApiError(f"Stripe Checkout: {exc.user_message or exc}") from exc
    if not session.url:
        raise GatewayApiError("Stripe Checkout answered without a URL")
    return CreatedLink(session.id, session.url)


@dataclass(frozen=True)
class AlipayApp:
    app_id: str
    app_private_key: str = field(repr=False)  # PKCS#1 body, as the SDK takes it
    alipay_public_key: str = field(repr=False)
    server_url: str = "https://openapi.alipay.com/gateway.do"
    notify_url: str | None = None


def alipay_precreate(app: AlipayApp, *, out_trade_no: str, total_amount: Decimal,
                     subject: str, timeout: float = 15.0) -> CreatedLink:
    """``alipay.trade.precreate``: the QR code content a customer scans to pay."""
    params = {"app_id": app.app_id, "method": "alipay.trade.precreate", "charset": "utf-8",
              "sign_type": "RSA2", "version": "1.0",
              "timestamp": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
              "biz_content": json.dumps({"out_trade_no": out_trade_no, "subject": subject,
                                         "total_amount": str(total_amount)},
                                        ensure_ascii=False, separators=(",", ":"))}
    if app.notify_url:
        params["notify_url"] = app.notify_url
    params["sign"] = sign_with_rsa2(app.app_private_key, get_sign_content(params), "utf-8")
    body = _post(app.server_url, urllib.parse.urlencode(params).encode(),
                 {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"}, timeout)
    text = body.decode("utf-8")
    key = '"alipay_trade_precreate_response":'
    start, sign_at = text.find(key), text.rfind(',"sign":"')
    if start < 0 or sign_at < 0:
        raise GatewayApiError("Alipay precreate: unexpected answer shape")
    content = text[start + len(key):sign_at]
    sign = text[sign_at + len(',"sign":"'):text.rfind('"')]
    try:
        if not verify_with_rsa(app.alipay_public_key, content.encode(), sign):
            raise GatewayApiError("Alipay precreate: answer signature does not verify")
    except (ValueError, TypeError) as exc:
        raise GatewayApiError("Alipay precreate: answer signature does not verify") from exc
    answer = json.loads(content)
    if answer.get("code") != "10000" or not answer.get("qr_code"):
        raise GatewayApiError(f"Alipay precreate: {answer.get('sub_msg') or answer.get('msg')}")
    return CreatedLink(out_trade_no, str(answer["qr_code"]))


@dataclass(frozen=True)
class WechatMerchant:
    mchid: str
    appid: str
    serial_no: str
    private_key_pem: str = field(repr=False)
    platform_public_key_pem: str = field(repr=False)
    notify_url: str
    api_base: str = "https://api.mch.weixin.qq.com"


def wechat_native(merchant: WechatMerchant, *, out_trade_no: str, total_minor: int,
                  currency: str, description: str, timeout: float = 15.0) -> CreatedLink:
    """``POST /v3/pay/transactions/native``: the ``code_url`` to show as a QR code."""
    path = "/v3/pay/transactions/native"
    body = json.dumps({"appid": merchant.appid, "mchid": merchant.mchid,
                       "description": description, "out_trade_no": out_trade_no,
                       "notify_url": merchant.notify_url,
                       "amount": {"total": total_minor, "currency": currency}},
                      ensure_ascii=False, separators=(",", ":")).encode()
    stamp, nonce = str(int(time.time())), secrets.token_hex(16)
    key = serialization.load_pem_private_key(merchant.private_key_pem.encode(), None)
    message = f"POST\n{path}\n{stamp}\n{nonce}\n{body.decode()}\n".encode()
    signature = base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256()))  # type: ignore[union-attr,call-arg]
    auth = (f'WECHATPAY2-SHA256-RSA2048 mchid="{merchant.mchid}",nonce_str="{nonce}",'
            f'signature="{signature.decode()}",timestamp="{stamp}",'
            f'serial_no="{merchant.serial_no}"')
    answer, headers = _post(merchant.api_base.rstrip("/") + path, body, {
        "Authorization": auth, "Content-Type": "application/json",
        "Accept": "application/json"}, timeout, with_headers=True)
    _verify_wechat(merchant, answer, headers)
    code_url = json.loads(answer).get("code_url")
    if not code_url:
        raise GatewayApiError("WeChat Pay Native: answer without code_url")
    return CreatedLink(out_trade_no, str(code_url))


def _verify_wechat(merchant: WechatMerchant, body: bytes, headers) -> None:
    try:
        message = (f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n"
                   f"{body.decode()}\n").encode()
        key = serialization.load_pem_public_key(merchant.platform_public_key_pem.encode())
        key.verify(base64.b64decode(headers["Wechatpay-Signature"]), message,  # type: ignore[union-attr,call-arg]
                   padding.PKCS1v15(), hashes.SHA256())
    except (KeyError, TypeError, ValueError, InvalidSignature) as exc:
        raise GatewayApiError("WeChat Pay Native: answer signature does not verify") from exc


def _post(url: str, data: bytes, headers: dict[str, str], timeout: float, *,
          with_headers: bool = False):
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return (body, response.headers) if with_headers else body
    except urllib.error.HTTPError as exc:
        raise GatewayApiError(f"{urllib.parse.urlsplit(url).hostname} answered {exc.code}"
                              ) from exc
    except OSError as exc:
        raise GatewayApiError(f"{urllib.parse.urlsplit(url).hostname} unreachable: {exc}"
                              ) from exc
