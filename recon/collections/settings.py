"""Settings of the collections area, built at the edge from ``AppSettings`` and the environment.

``RECON_SMTP_URL`` (shared with the run summary) sends e-mail; ``RECON_DUNNING_FROM`` is the
sender. SMS goes through Twilio's Messages API when ``RECON_TWILIO_ACCOUNT_SID``,
``RECON_TWILIO_AUTH_TOKEN`` and ``RECON_SMS_FROM`` are set (``RECON_TWILIO_API_BASE`` points it
elsewhere, e.g. at a local fake in tests). ``RECON_PUBLIC_URL`` is the address customers reach
the service at (links in reminders). Secrets are ``repr=False``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from recon.config import AppSettings, ConfigError
from recon.customer_statements.links import statement_token

__all__ = ["DunningSettings"]


@dataclass(frozen=True)
class DunningSettings:
    smtp_url: str | None = field(default=None, repr=False)
    sender: str = "receivables@localhost"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = field(default=None, repr=False)
    sms_from: str | None = None
    twilio_api_base: str = "https://api.twilio.com"
    public_url: str | None = None
    link_secret: str | None = field(default=None, repr=False)  # signs statement links
    max_attempts: int = 5

    @classmethod
    def from_env(cls, app: AppSettings, env: Mapping[str, str] | None = None,
                 **overrides: object) -> DunningSettings:
        env = os.environ if env is None else env
        settings = cls(
            smtp_url=app.smtp_url,
            sender=env.get("RECON_DUNNING_FROM") or "receivables@localhost",
            twilio_account_sid=env.get("RECON_TWILIO_ACCOUNT_SID") or None,
            twilio_auth_token=env.get("RECON_TWILIO_AUTH_TOKEN") or None,
            sms_from=env.get("RECON_SMS_FROM") or None,
            twilio_api_base=env.get("RECON_TWILIO_API_BASE") or "https://api.twilio.com",
            public_url=(env.get("RECON_PUBLIC_URL") or "").rstrip("/") or None,
            link_secret=_secret(app),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **clean) if clean else settings

    def statement_link(self, customer_id: int, period: str) -> str | None:
        """The customer's signed link to its statement, when the public address is known."""
        if not (self.public_url and self.link_secret):
            return None
        return f"{self.public_url}/s/{statement_token(self.link_secret, customer_id, period)}"

    @property
    def sms_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.sms_from)

    def channel_ready(self, channel: str) -> bool:
        return bool(self.smtp_url) if channel == "email" else self.sms_configured


def _secret(app: AppSettings) -> str | None:
    try:
        return app.require_secret_key()
    except ConfigError:
        return None
