"""Typed settings, read once from the environment (``RECON_*``) at the edge and passed in.

Nothing else in the code base reads ``os.environ``: the CLI, the web app and the daily run build
one ``AppSettings`` and hand it (or the part of it they need) to the services. Secrets are fields
with ``repr=False`` so a settings object never leaks them into a log line or a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from recon.config_values import (
    ConfigError,
    FxRateRule,
    env_bool,
    env_decimal,
    env_fx_rules,
    env_int,
    env_seconds,
    env_time_of_day,
)

__all__ = [
    "AppSettings", "ConfigError", "FxRateRule", "GatewaySettings", "TaskSettings",
    "default_database_url",
]

_GATEWAY_PREFIXES = ("STRIPE_", "ALIPAY_", "WECHATPAY_", "PAYPAL_")


def default_database_url(folder: Path | None = None) -> str:
    """The embedded default: an SQLite file ``recon.db`` in the working folder."""
    base = (folder or Path.cwd()).resolve()
    return f"sqlite:///{base / 'recon.db'}"


@dataclass(frozen=True)
class TaskSettings:
    """Background work on Celery (`recon.tasks`): the broker and the beat schedule.

    No ``RECON_BROKER_URL`` (the embedded default): every task runs in-process, at once, in the
    caller -- no broker, no worker. Times of day are in ``timezone`` (an IANA name).
    """

    broker_url: str | None = field(default=None, repr=False)  # may carry a password
    daily_run_at: str | None = "02:00"
    # the reminder run on its own (the daily run also reminds after matching); None = off
    reminders_at: str | None = None
    sweep_every_s: float = 30.0
    sweep_age_s: float = 60.0
    timezone: str = "UTC"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TaskSettings:
        """``RECON_BROKER_URL``, ``RECON_DAILY_RUN_AT``, ``RECON_REMINDERS_AT``,
        ``RECON_SWEEP_EVERY``, ``RECON_SWEEP_AGE`` (seconds) and ``RECON_TIMEZONE``."""
        return cls(
            broker_url=(env.get("RECON_BROKER_URL") or "").strip() or None,
            daily_run_at=env_time_of_day(env, "RECON_DAILY_RUN_AT", "02:00"),
            reminders_at=env_time_of_day(env, "RECON_REMINDERS_AT", "off"),
            sweep_every_s=env_seconds(env, "RECON_SWEEP_EVERY", 30.0),
            sweep_age_s=env_seconds(env, "RECON_SWEEP_AGE", 60.0),
            timezone=(env.get("RECON_TIMEZONE") or "UTC").strip(),
        )


def _stripe_livemode(env: Mapping[str, str]) -> bool | None:
    raw = (env.get("STRIPE_LIVEMODE") or "").strip().lower()
    if raw:
        if raw not in ("live", "test", "1", "0", "true", "false"):
            raise ConfigError(f"STRIPE_LIVEMODE={raw!r} is not 'live' or 'test'")
        return raw in ("live", "1", "true")
    key = env.get("STRIPE_API_KEY") or ""
    if key.startswith(("sk_live_", "rk_live_")):
        return True
    return False if key.startswith(("sk_test_", "rk_test_")) else None


@dataclass(frozen=True)
class GatewaySettings:
    """Gateway credentials from ``STRIPE_*``, ``ALIPAY_*``, ``WECHATPAY_*``, ``PAYPAL_*``
    (secrets hidden).

    A gateway whose variables are absent is simply not configured: its webhook answers 404.
    """

    stripe_webhook_secrets: tuple[str, ...] = field(default=(), repr=False)
    stripe_api_key: str | None = field(default=None, repr=False)
    stripe_livemode: bool | None = None
    """Live (True) or test (False) Stripe account: events of the other mode are refused.
    ``STRIPE_LIVEMODE`` (live/test), else the API key's ``sk_live_``/``sk_test_`` prefix."""
    alipay_app_id: str | None = None
    alipay_seller_id: str | None = None
    alipay_public_key: str | None = field(default=None, repr=False)
    alipay_cert: str | None = None  # certificate mode: alipayCertPublicKey_RSA2.crt path
    alipay_root_cert: str | None = None  # and alipayRootCert.crt path
    wechatpay_mchid: str | None = None
    wechatpay_apiv3_key: str | None = field(default=None, repr=False)
    wechatpay_platform_public_key: str | None = field(default=None, repr=False)
    wechatpay_platform_serial: str | None = None
    # PayPal (issue 19): offline verification needs only the webhook id; ``PAYPAL_VERIFY=api``
    # asks PayPal's verify-webhook-signature API with the REST client id and secret instead.
    paypal_webhook_id: str | None = None
    paypal_verify: str = "offline"
    paypal_api_base: str | None = None
    paypal_client_id: str | None = None
    paypal_client_secret: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GatewaySettings:
        """Read the variables; ``STRIPE_WEBHOOK_SECRET`` is comma-separated during a rotation."""
        raw_secrets = env.get("STRIPE_WEBHOOK_SECRET", "").split(",")
        secrets = tuple(s.strip() for s in raw_secrets if s.strip())
        return cls(
            stripe_webhook_secrets=secrets,
            stripe_api_key=env.get("STRIPE_API_KEY") or None,
            stripe_livemode=_stripe_livemode(env),
            alipay_app_id=env.get("ALIPAY_APP_ID") or None,
            alipay_seller_id=env.get("ALIPAY_SELLER_ID") or None,
            alipay_public_key=env.get("ALIPAY_PUBLIC_KEY") or None,
            alipay_cert=env.get("ALIPAY_CERT_PATH") or None,
            alipay_root_cert=env.get("ALIPAY_ROOT_CERT_PATH") or None,
            wechatpay_mchid=env.get("WECHATPAY_MCHID") or None,
            wechatpay_apiv3_key=env.get("WECHATPAY_APIV3_KEY") or None,
            wechatpay_platform_public_key=env.get("WECHATPAY_PLATFORM_PUBLIC_KEY") or None,
            wechatpay_platform_serial=env.get("WECHATPAY_PLATFORM_SERIAL") or None,
            paypal_webhook_id=env.get("PAYPAL_WEBHOOK_ID") or None,
            paypal_verify=(env.get("PAYPAL_VERIFY") or "offline").strip().lower(),
            paypal_api_base=env.get("PAYPAL_API_BASE") or None,
            paypal_client_id=env.get("PAYPAL_CLIENT_ID") or None,
            paypal_client_secret=env.get("PAYPAL_CLIENT_SECRET") or None,
        )


@dataclass(frozen=True)
class AppSettings:
    """Every setting of the service. Build with ``from_env``; override with ``with_``."""

    database_url: str
    secret_key: str | None = field(default=None, repr=False)
    environment: str = "production"  # production | test | demo
    max_upload_bytes: int = 50 * 1024 * 1024  # web and API uploads (RECON_MAX_UPLOAD_BYTES)
    max_file_bytes: int = 1024 * 1024 * 1024  # local files: CLI, inbox (RECON_MAX_FILE_BYTES)
    inbox_dir: Path = Path("inbox")
    reports_dir: Path = Path("reports")
    auto_threshold: Decimal = Decimal("0.97")
    suggest_threshold: Decimal = Decimal("0.50")
    writeoff_limit: Decimal = Decimal("50.00")
    balance_check_strict: bool = False
    smtp_url: str | None = field(default=None, repr=False)
    report_email: str | None = None
    tasks: TaskSettings = field(default_factory=TaskSettings)
    fx_rules: tuple[FxRateRule, ...] = ()
    ratelimit_storage_uri: str = field(default="memory://", repr=False)
    """Where the web rate limits count (``web.ratelimit``): ``redis://host:6379/0`` so every
    gunicorn worker shares the counts; ``memory://`` counts per process (one worker, the demo)."""
    login_rate_limit: str = "10/minute"
    search_rate_limit: str = "120/minute"
    extra: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> AppSettings:
        """Read ``RECON_*`` variables; ``overrides`` (e.g. ``database_url`` from ``--db``) win."""
        env = dict(os.environ if env is None else env)
        settings = cls(
            database_url=env.get("RECON_DATABASE_URL") or default_database_url(),
            secret_key=env.get("RECON_SECRET_KEY") or None,
            environment=env.get("RECON_ENV", "production"),
            max_upload_bytes=env_int(env, "RECON_MAX_UPLOAD_BYTES", 50 * 1024 * 1024),
            max_file_bytes=env_int(env, "RECON_MAX_FILE_BYTES", 1024 * 1024 * 1024),
            inbox_dir=Path(env.get("RECON_INBOX_DIR", "inbox")),
            reports_dir=Path(env.get("RECON_REPORTS_DIR", "reports")),
            auto_threshold=env_decimal(env, "RECON_AUTO_THRESHOLD", "0.97"),
            suggest_threshold=env_decimal(env, "RECON_SUGGEST_THRESHOLD", "0.50"),
            writeoff_limit=env_decimal(env, "RECON_WRITEOFF_LIMIT", "50.00"),
            balance_check_strict=env_bool(env, "RECON_BALANCE_CHECK_STRICT", False),
            smtp_url=env.get("RECON_SMTP_URL") or None,
            report_email=env.get("RECON_REPORT_EMAIL") or None,
            tasks=TaskSettings.from_env(env),
            fx_rules=env_fx_rules(env),
            ratelimit_storage_uri=env.get("RECON_RATELIMIT_STORAGE_URI") or "memory://",
            login_rate_limit=env.get("RECON_LOGIN_RATE_LIMIT") or "10/minute",
            search_rate_limit=env.get("RECON_SEARCH_RATE_LIMIT") or "120/minute",
            extra={k: v for k, v in env.items() if k.startswith(_GATEWAY_PREFIXES)},
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **clean) if clean else settings

    @property
    def gateways(self) -> GatewaySettings:
        """Gateway credentials, from the ``STRIPE_``/``ALIPAY_``/``WECHATPAY_`` variables."""
        return GatewaySettings.from_env(self.extra)

    def with_(self, **changes: object) -> AppSettings:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)

    def require_secret_key(self) -> str:
        """The secret key; outside tests and the demo a missing one is a configuration error."""
        if self.secret_key:
            return self.secret_key
        if self.environment in {"test", "demo"}:
            return f"insecure-{self.environment}-only-key"
        raise ConfigError("RECON_SECRET_KEY must be set (a long random string) outside tests/demo")
