"""Several merchant accounts of one gateway, verified side by side (leaf layer).

A notification is verified with the keys of the account it names, never with another
account's: Alipay names its ``app_id`` in the form (read before verification only to pick the
key), WeChat Pay names the platform certificate or public key in ``Wechatpay-Serial`` (each
merchant has its own, and its own APIv3 key and ``mchid``), a Stripe delivery is tried against
each account's endpoint secrets (a Stripe signature names no account).  A notification naming no
configured account raises `WebhookRejected` with reason ``foreign``: the edge keeps it as
foreign, unprocessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gateways.alipay import AlipayConfig, parse_form
from gateways.alipay_cert import AlipayCertConfig
from gateways.errors import WebhookRejected
from gateways.model import VerifiedEvent
from gateways.stripe import StripeWebhookConfig
from gateways.wechatpay import WechatPayConfig


@dataclass(frozen=True)
class AlipayAccounts:
    """Alipay apps by ``app_id``, each in public-key or certificate mode."""

    apps: Mapping[str, AlipayConfig | AlipayCertConfig]
    max_bytes: int = field(default=0)

    def __post_init__(self) -> None:
        if not self.max_bytes:
            sizes = [c.max_bytes for c in self.apps.values()] or [64 * 1024]
            object.__setattr__(self, "max_bytes", max(sizes))

    def verify(self, raw: bytes) -> VerifiedEvent:
        if len(raw) > self.max_bytes:
            raise WebhookRejected("too_large", f"body of {len(raw)} bytes", gateway="alipay")
        app_id = parse_form(raw).get("app_id", "")
        config = self.apps.get(app_id)
        if config is None:
            raise WebhookRejected("foreign", "notification names no configured app_id",
                                  gateway="alipay")
        return config.verify(raw)


@dataclass(frozen=True)
class WechatPayAccounts:
    """WeChat Pay merchants, each picked by the platform serial its notifications carry."""

    merchants: Sequence[WechatPayConfig]
    max_bytes: int = field(default=0)

    def __post_init__(self) -> None:
        if not self.max_bytes:
            sizes = [c.max_bytes for c in self.merchants] or [64 * 1024]
            object.__setattr__(self, "max_bytes", max(sizes))

    def verify(self, headers: Mapping[str, str], raw: bytes) -> VerifiedEvent:
        serial = {k.lower(): v for k, v in headers.items()}.get("wechatpay-serial", "").strip()
        for merchant in self.merchants:
            if serial in merchant.platform_keys:
                return merchant.verify(headers, raw)
        raise WebhookRejected("foreign", "Wechatpay-Serial of no configured merchant",
                              gateway="wechatpay")


@dataclass(frozen=True)
class StripeAccounts:
    """Stripe accounts (or endpoints), each with its own signing secrets."""

    accounts: Sequence[StripeWebhookConfig]
    max_bytes: int = field(default=0)

    def __post_init__(self) -> None:
        if not self.max_bytes:
            sizes = [c.max_bytes for c in self.accounts] or [64 * 1024]
            object.__setattr__(self, "max_bytes", max(sizes))

    def verify(self, raw: bytes, header: str | None) -> VerifiedEvent:
        """The first account whose secret verifies; otherwise the first refusal."""
        first: WebhookRejected | None = None
        for account in self.accounts:
            try:
                return account.verify(raw, header)
            except WebhookRejected as exc:
                if exc.reason != "bad_signature":
                    raise  # stale, malformed, too large: the same for every account
                first = first or exc
        raise first or WebhookRejected("bad_signature", "no Stripe account configured",
                                       gateway="stripe")
