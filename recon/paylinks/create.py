"""Creating a pay link for an open invoice (service layer): the configured gateways
(``PayLinkSettings.from_env``, from the ``STRIPE_``/``ALIPAY_``/``WECHATPAY_`` variables), one
call to the gateway through ``gateways.paylinks``, and the ``PayLink`` row with its audit entry.
An invoice has at most one link per gateway (unique), for its open amount at creation.
Raises ``ServiceError`` for an unknown or unconfigured gateway or an invoice not open, and
passes the gateway's ``GatewayApiError`` on as a ``ServiceError`` naming the gateway.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateways.errors import GatewayApiError
from gateways.paylinks import (
    AlipayApp,
    CreatedLink,
    WechatMerchant,
    alipay_precreate,
    stripe_checkout,
    wechat_native,
)
from recon import audit
from recon.config import AppSettings
from recon.errors import Code, NotFound, ServiceError
from recon.models import OPEN_INVOICE_STATUSES, Invoice, PayLink
from recon.money import from_minor

__all__ = ["PayLinkSettings", "create_link", "register_link"]


@dataclass(frozen=True)
class PayLinkSettings:
    stripe_api_key: str | None = field(default=None, repr=False)
    stripe_api_base: str | None = None
    success_url: str = "https://example.invalid/paid"
    alipay: AlipayApp | None = None
    wechat: WechatMerchant | None = None

    @classmethod
    def from_env(cls, app: AppSettings, env: Mapping[str, str] | None = None) -> PayLinkSettings:
        e = dict(app.extra) | dict(env or {})
        public = (e.get("RECON_PUBLIC_URL") or "").rstrip("/")
        alipay = AlipayApp(
            app_id=e["ALIPAY_APP_ID"], app_private_key=e["ALIPAY_APP_PRIVATE_KEY"],
            alipay_public_key=e["ALIPAY_PUBLIC_KEY"],
            server_url=e.get("ALIPAY_SERVER_URL") or "https://openapi.alipay.com/gateway.do",
            notify_url=e.get("ALIPAY_NOTIFY_URL") or None,
        ) if all(e.get(k) for k in ("ALIPAY_APP_ID", "ALIPAY_APP_PRIVATE_KEY",
                                    "ALIPAY_PUBLIC_KEY")) else None
        wechat = WechatMerchant(
            mchid=e["WECHATPAY_MCHID"], appid=e["WECHATPAY_APPID"],
            serial_no=e["WECHATPAY_MERCHANT_SERIAL"],
            private_key_pem=e["WECHATPAY_MERCHANT_PRIVATE_KEY"],
            platform_public_key_pem=e["WECHATPAY_PLATFORM_PUBLIC_KEY"],
            notify_url=e["WECHATPAY_NOTIFY_URL"],
            api_base=e.get("WECHATPAY_API_BASE") or "https://api.mch.weixin.qq.com",
        ) if all(e.get(k) for k in (
            "WECHATPAY_MCHID", "WECHATPAY_APPID", "WECHATPAY_MERCHANT_SERIAL",
            "WECHATPAY_MERCHANT_PRIVATE_KEY", "WECHATPAY_PLATFORM_PUBLIC_KEY",
            "WECHATPAY_NOTIFY_URL")) else None
        return cls(stripe_api_key=e.get("STRIPE_API_KEY") or None,
                   stripe_api_base=e.get("STRIPE_API_BASE") or None,
                   success_url=e.get("STRIPE_SUCCESS_URL") or f"{public or 'https://example.invalid'}/paid",
                   alipay=alipay, wechat=wechat)

    @property
    def gateways(self) -> tuple[str, ...]:
        found = ("stripe",) if self.stripe_api_key else ()
        return (*found, *(("alipay",) if self.alipay else ()),
                *(("wechatpay",) if self.wechat else ()))


def create_link(session: Session, invoice_id: int, gateway: str, settings: PayLinkSettings,
                *, actor: str) -> PayLink:
    """The invoice's link at ``gateway``, created at the gateway when it has none yet."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound("invoice %(id)s does not exist", code="invoice_not_found", id=invoice_id)
    existing = session.scalar(select(PayLink).filter_by(invoice_id=invoice_id, gateway=gateway))
    if existing is not None:
        return existing
    if gateway not in settings.gateways:
        raise ServiceError("gateway: %(gateway)s is not configured for pay links",
                           code="gateway_not_configured", gateway=gateway)
    if invoice.status not in OPEN_INVOICE_STATUSES or invoice.open_minor <= 0:
        raise ServiceError("invoice %(invoice)s is %(status)s: nothing to pay",
                           code="nothing_to_pay", invoice=invoice.invoice_no,
                           status=Code(invoice.status))
    try:
        created = _call(gateway, invoice, settings)
    except GatewayApiError as exc:
        raise ServiceError("%(gateway)s refused the pay link: %(reason)s", code="gateway_refused",
                           gateway=gateway, reason=str(exc)) from exc
    link = PayLink(invoice_id=invoice.id, gateway=gateway, external_id=created.external_id,
                   url=created.url, amount_minor=invoice.open_minor, currency=invoice.currency,
                   created_by=actor)
    session.add(link)
    audit.record(session, actor=actor, action="paylink.create", obj=link,
                 after={"invoice": invoice.invoice_no, "gateway": gateway,
                        "external_id": created.external_id})
    return link


def _call(gateway: str, invoice: Invoice, settings: PayLinkSettings) -> CreatedLink:
    subject = f"Invoice {invoice.invoice_no}"
    if gateway == "stripe":
        return stripe_checkout(settings.stripe_api_key or "", invoice_no=invoice.invoice_no,
                               amount_minor=invoice.open_minor, currency=invoice.currency,
                               success_url=settings.success_url,
                               api_base=settings.stripe_api_base)
    if gateway == "alipay" and settings.alipay:
        return alipay_precreate(settings.alipay, out_trade_no=invoice.invoice_no,
                                total_amount=from_minor(invoice.open_minor, invoice.currency),
                                subject=subject)
    if gateway == "wechatpay" and settings.wechat:
        return wechat_native(settings.wechat, out_trade_no=invoice.invoice_no,
                             total_minor=invoice.open_minor, currency=invoice.currency,
                             description=subject)
    raise ServiceError("gateway: %(gateway)s cannot make pay links",
                       code="gateway_not_configured", gateway=gateway)


def register_link(session: Session, invoice_id: int, gateway: str, external_id: str, url: str,
                  *, actor: str) -> PayLink:
    """Record a link made outside the service (e.g. a Stripe Payment Link from the dashboard
    whose metadata names the invoice); idempotent per invoice and gateway."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound("invoice %(id)s does not exist", code="invoice_not_found", id=invoice_id)
    if not url.startswith(("https://", "weixin://")):
        raise ServiceError("url: a pay link must be an https:// (or weixin://) address",
                           code="bad_url")
    existing = session.scalar(select(PayLink).filter_by(invoice_id=invoice_id, gateway=gateway))
    if existing is not None:
        return existing
    link = PayLink(invoice_id=invoice_id, gateway=gateway, external_id=external_id, url=url,
                   amount_minor=invoice.open_minor, currency=invoice.currency, created_by=actor)
    session.add(link)
    audit.record(session, actor=actor, action="paylink.register", obj=link,
                 after={"invoice": invoice.invoice_no, "gateway": gateway, "url": url})
    return link
