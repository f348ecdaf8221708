"""Options of one daily run, built at the edge (CLI) from ``AppSettings`` plus ``RECON_RUN_*``.

``RunSettings.from_env(app, env)`` reads the run's own variables (the attention threshold, the
invoice-export name patterns, the e-mail sender); CLI options override them with ``with_``.
Raises ``ConfigError`` naming the variable when one is malformed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from recon.collections.settings import DunningSettings
from recon.config import AppSettings, ConfigError, FxRateRule

__all__ = ["DEFAULT_INVOICE_PATTERNS", "RunSettings"]

DEFAULT_INVOICE_PATTERNS = ("invoices*.csv", "invoices*.json", "open-items*.csv")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not an integer") from exc
    if value < 0:
        raise ConfigError(f"{name}={raw!r} must not be negative")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        return raw in {"1", "true", "yes", "on"}
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


@dataclass(frozen=True)
class RunSettings:
    """What one ``recon run`` does and when it says "needs a human" (exit code 1).

    Attention is raised by any quarantined file, by any payout whose bank deposit differs from
    its expected net (``attention_on_payout_difference``), and by any unmatched receipt at
    least ``attention_age_days`` old on the run date (0 = any unmatched receipt).
    """

    inbox: Path
    reports: Path
    run_date: dt.date
    match: bool = True
    attention_age_days: int = 0
    attention_on_payout_difference: bool = True
    invoice_patterns: tuple[str, ...] = DEFAULT_INVOICE_PATTERNS
    smtp_url: str | None = field(default=None, repr=False)
    mail_to: str | None = None
    mail_from: str = "recon@localhost"
    auto_threshold: Decimal | None = None
    suggest_threshold: Decimal | None = None
    fx_rules: tuple[FxRateRule, ...] = ()  # RECON_FX_RULES
    # the reminder step after matching (RECON_RUN_DUNNING=0 turns it off); None = not run
    dunning: DunningSettings | None = None
    sftp_sources: Path | None = None  # RECON_SFTP_SOURCES: fetched into the inbox first
    balance_check_strict: bool = False  # AppSettings.balance_check_strict, as every import path
    # the report's and its e-mail's language for this run only (``recon run --lang``); None =
    # the settings table's ``report_language`` (recon.access.settings_store)
    report_language: str | None = None

    @classmethod
    def from_env(
        cls, app: AppSettings, env: Mapping[str, str] | None = None, **overrides: object
    ) -> RunSettings:
        """Defaults from ``app`` and ``RECON_RUN_*``; ``overrides`` that are not None win."""
        env = os.environ if env is None else env
        patterns = env.get("RECON_INVOICE_PATTERN", "").strip()
        settings = cls(
            inbox=app.inbox_dir,
            reports=app.reports_dir,
            run_date=dt.date.today(),
            attention_age_days=_int(env, "RECON_ATTENTION_AGE_DAYS", 0),
            attention_on_payout_difference=_flag(env, "RECON_ATTENTION_PAYOUT_DIFFERENCE", True),
            invoice_patterns=tuple(p.strip() for p in patterns.split(",") if p.strip())
            or DEFAULT_INVOICE_PATTERNS,
            smtp_url=app.smtp_url,
            mail_to=app.report_email,
            mail_from=env.get("RECON_REPORT_FROM", "").strip() or "recon@localhost",
            auto_threshold=app.auto_threshold,
            suggest_threshold=app.suggest_threshold,
            fx_rules=app.fx_rules,
            dunning=DunningSettings.from_env(app, env)
            if _flag(env, "RECON_RUN_DUNNING", True) else None,
            sftp_sources=Path(env["RECON_SFTP_SOURCES"]) if env.get("RECON_SFTP_SOURCES")
            else None,
            balance_check_strict=app.balance_check_strict,
        )
        return settings.with_(**overrides)

    def with_(self, **changes: object) -> RunSettings:
        """A copy with the ``changes`` that are not None applied."""
        clean = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **clean) if clean else self
