"""Merchant accounts of the gateways (service): the ``gateway_account`` table plus the default
account of the environment's single-account variables, turned into verifiers side by side.

`add_account` validates and stores an account (audited): secrets are accepted only as
references, ``env:NAME`` or ``file:/path``, never as values, so the table never holds one.
`verifiers(session, gateway_settings)` resolves the references and returns, per gateway, one
router from `gateways.accounts` that picks the keys of the account a notification names.  A
reference that does not resolve fails there, at start-up, naming the account and field (never
the secret).  Accounts added later take effect at the next start.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateways.accounts import AlipayAccounts, StripeAccounts, WechatPayAccounts
from gateways.alipay import AlipayConfig
from gateways.alipay_cert import AlipayCertConfig
from gateways.stripe import StripeWebhookConfig
from gateways.wechatpay import WechatPayConfig
from recon import audit
from recon.config import GatewaySettings
from recon.errors import Codes, InvariantError
from recon.models import GatewayAccount

__all__ = ["FIELDS", "Routers", "add_account", "resolve", "verifiers"]

# gateway -> {field: secret?}; the account id is the app id / mchid / webhook id / acct id
FIELDS: Mapping[str, Mapping[str, bool]] = {
    "stripe": {"webhook_secret": True},
    "alipay": {"public_key": False, "seller_id": False, "alipay_cert": False, "root_cert": False},
    "wechatpay": {"apiv3_key": True, "platform_public_key": False, "platform_serial": False},
}
REQUIRED = {
    "stripe": ("webhook_secret",),
    "alipay": (),
    "wechatpay": ("apiv3_key", "platform_public_key", "platform_serial"),
}


def resolve(value: str, *, env: Mapping[str, str] | None = None, where: str) -> str:
    """``env:NAME`` / ``file:/path`` to its content; a plain value as it is."""
    env = os.environ if env is None else env
    if value.startswith("env:"):
        found = env.get(value[4:])
        if not found:
            raise InvariantError("%(where)s: environment variable %(name)s is not set",
                                 code="secret_missing", where=where, name=value[4:])
        return found
    if value.startswith("file:"):
        try:
            return Path(value[5:]).read_text("utf-8").strip()
        except OSError as exc:
            raise InvariantError("%(where)s: cannot read %(path)s: %(reason)s",
                                 code="secret_unreadable", where=where, path=value[5:],
                                 reason=exc.strerror) from None
    return value


def add_account(
    session: Session,
    *,
    gateway: str,
    account_id: str,
    credentials: Mapping[str, str],
    actor: str,
    label: str | None = None,
    default_currency: str | None = None,
    payout_bank_account_id: int | None = None,
) -> GatewayAccount:
    """Store one merchant account; secrets must be ``env:``/``file:`` references."""
    fields = FIELDS.get(gateway)
    if fields is None:
        raise InvariantError("unknown gateway %(gateway)s; one of %(choices)s",
                             code="bad_gateway", gateway=gateway, choices=Codes.of(FIELDS))
    unknown = sorted(set(credentials) - set(fields))
    if unknown:
        raise InvariantError("%(gateway)s account: unknown fields %(fields)s",
                             code="unknown_fields", gateway=gateway, fields=", ".join(unknown))
    missing = [f for f in REQUIRED[gateway] if not credentials.get(f)]
    if gateway == "alipay" and not (
        credentials.get("public_key")
        or (credentials.get("alipay_cert") and credentials.get("root_cert"))
    ):
        missing = ["public_key (or alipay_cert and root_cert)"]
    if missing:
        raise InvariantError("%(gateway)s account: missing %(fields)s", code="fields_missing",
                             gateway=gateway, fields=", ".join(missing))
    for name, value in credentials.items():
        if fields[name] and not value.startswith(("env:", "file:")):
            raise InvariantError(
                "%(gateway)s account: %(field)s is a secret; give env:NAME or file:/path, "
                "never the value", code="secret_inline", gateway=gateway, field=name)
    account = GatewayAccount(
        gateway=gateway,
        account_id=account_id.strip(),
        label=label,
        credentials=dict(credentials),
        active=True,
        default_currency=default_currency.upper() if default_currency else None,
        payout_bank_account_id=payout_bank_account_id,
    )
    session.add(account)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="gateway_account.add",
        obj=account,
        after={"gateway": gateway, "account_id": account.account_id, "fields": sorted(credentials)},
    )
    return account


@dataclass(frozen=True)
class Routers:
    """Per gateway, the verifier of every configured account (``None``: none configured)."""

    stripe: StripeAccounts | None
    alipay: AlipayAccounts | None
    wechatpay: WechatPayAccounts | None


def _creds(account: GatewayAccount, env: Mapping[str, str] | None) -> dict[str, Any]:
    where = f"{account.gateway} account {account.account_id}"
    return {
        k: resolve(str(v), env=env, where=f"{where} {k}")
        for k, v in (account.credentials or {}).items()
    }


def _alipay(app_id: str, c: Mapping[str, str]) -> AlipayConfig | AlipayCertConfig:
    """Certificate mode (公钥证书) when both certificates are given, else public-key mode."""
    seller = c.get("seller_id") or None
    if c.get("alipay_cert") and c.get("root_cert"):
        return AlipayCertConfig(
            app_id=app_id, alipay_cert=c["alipay_cert"], root_cert=c["root_cert"], seller_id=seller
        )
    return AlipayConfig(app_id=app_id, seller_id=seller, public_key=c["public_key"])


def verifiers(
    session: Session | None, gs: GatewaySettings, env: Mapping[str, str] | None = None
) -> Routers:
    """The environment's default account plus (with a session) every active row."""
    stripe: list[StripeWebhookConfig] = []
    alipay: dict[str, AlipayConfig] = {}
    wechat: list[WechatPayConfig] = []
    if gs.stripe_webhook_secrets:
        stripe.append(StripeWebhookConfig(secrets=gs.stripe_webhook_secrets,
                                          livemode=gs.stripe_livemode))
    if gs.alipay_app_id and (gs.alipay_public_key or gs.alipay_cert):
        alipay[gs.alipay_app_id] = _alipay(
            gs.alipay_app_id,
            {
                "seller_id": gs.alipay_seller_id or "",
                "public_key": gs.alipay_public_key or "",
                "alipay_cert": resolve(f"file:{gs.alipay_cert}", where="ALIPAY_CERT_PATH")
                if gs.alipay_cert
                else "",
                "root_cert": resolve(f"file:{gs.alipay_root_cert}", where="ALIPAY_ROOT_CERT_PATH")
                if gs.alipay_root_cert
                else "",
            },
        )
    if gs.wechatpay_mchid and gs.wechatpay_apiv3_key and gs.wechatpay_platform_public_key:
        wechat.append(
            WechatPayConfig(
                mchid=gs.wechatpay_mchid,
                apiv3_key=gs.wechatpay_apiv3_key,
                platform_keys={
                    gs.wechatpay_platform_serial or "": gs.wechatpay_platform_public_key
                },
            )
        )
    rows = (
        []
        if session is None
        else session.scalars(
            select(GatewayAccount)
            .where(GatewayAccount.active.is_(True))
            .order_by(GatewayAccount.id)
        )
    )
    for row in rows:
        c = _creds(row, env)
        if row.gateway == "stripe":
            secrets = tuple(s.strip() for s in c["webhook_secret"].split(",") if s.strip())
            stripe.append(StripeWebhookConfig(secrets=secrets, livemode=gs.stripe_livemode))
        elif row.gateway == "alipay":
            alipay[row.account_id] = _alipay(row.account_id, c)
        elif row.gateway == "wechatpay":
            wechat.append(
                WechatPayConfig(
                    mchid=row.account_id,
                    apiv3_key=c["apiv3_key"],
                    platform_keys={c["platform_serial"]: c["platform_public_key"]},
                )
            )
    return Routers(
        stripe=StripeAccounts(stripe) if stripe else None,
        alipay=AlipayAccounts(alipay) if alipay else None,
        wechatpay=WechatPayAccounts(wechat) if wechat else None,
    )
