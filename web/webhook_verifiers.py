"""The webhook verifiers of the configured gateways and accounts (web edge, built once at start).

Built from the settings and the ``gateway_account`` table when the app is created, so a
malformed key or an unresolvable secret reference fails at start-up, not per request; the
webhook edge (`web.webhooks`) picks the gateway's verifier for each delivery.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from gateways.accounts import AlipayAccounts, StripeAccounts, WechatPayAccounts
from gateways.paypal import PaypalConfig
from gateways.paypal_api import LIVE, PaypalApiVerifier
from recon.config import GatewaySettings
from recon.gateway import accounts as gateway_accounts

__all__ = ["Verifiers", "build_verifiers"]


@dataclass(frozen=True)
class Verifiers:
    """The configured verifiers; ``None`` for a gateway without credentials (404).  Stripe,
    Alipay and WeChat Pay route to the merchant account a delivery names
    (`recon.gateway.accounts`)."""

    stripe: StripeAccounts | None = None
    alipay: AlipayAccounts | None = None
    wechatpay: WechatPayAccounts | None = None
    paypal: PaypalConfig | PaypalApiVerifier | None = None


def build_verifiers(
    gs: GatewaySettings, factory: sessionmaker[Session] | None = None
) -> Verifiers:
    """Verifiers from the settings and (with `factory`) the gateway_account table."""
    if factory is None:
        routers = gateway_accounts.verifiers(None, gs)
    else:
        with factory() as session:
            routers = gateway_accounts.verifiers(session, gs)
    return Verifiers(stripe=routers.stripe, alipay=routers.alipay, wechatpay=routers.wechatpay,
                     paypal=_paypal(gs))


def _paypal(gs: GatewaySettings) -> PaypalConfig | PaypalApiVerifier | None:
    """Offline verification by default; ``PAYPAL_VERIFY=api`` asks PayPal's API instead."""
    if not gs.paypal_webhook_id:
        return None
    if gs.paypal_verify != "api":
        return PaypalConfig(webhook_id=gs.paypal_webhook_id)
    if not (gs.paypal_client_id and gs.paypal_client_secret):
        raise ValueError("PAYPAL_VERIFY=api needs PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET")
    return PaypalApiVerifier(webhook_id=gs.paypal_webhook_id, client_id=gs.paypal_client_id,
                             client_secret=gs.paypal_client_secret,
                             base_url=gs.paypal_api_base or LIVE)
