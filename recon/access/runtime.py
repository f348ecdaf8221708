"""The run-time settings in force, typed (service layer, pure): what ``settings_store.load`` gives.

``RuntimeSettings`` carries the matcher's thresholds, the bank fee tolerance and the write-off
limits (a default plus per-currency overrides). ``match_settings`` turns it into the matching
engine's ``MatchSettings`` (the bank channel's fee rule is the tolerance staff set), and
``limit_for`` answers the write-off limit of one currency for ``recon.allocation.adjustments``.
``report_language`` is the language of the daily report and the e-mail carrying it
(``REPORT_LANGUAGES``).
``parse_limits`` reads the settings page's "CNY=500, USD=80" field; it raises ``SettingError``
naming the bad entry.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import matching as m
from recon.errors import Code, ServiceError
from recon.money import is_iso4217, minor_units, to_minor

__all__ = ["BANK_CHANNEL", "LIMITS_KEY", "REPORT_LANGUAGES", "RuntimeSettings", "SettingError",
           "format_limits", "parse_limits"]

LIMITS_KEY = "writeoff_limits"  # JSON {currency: amount}: per-currency overrides


class SettingError(ServiceError):
    """A value the settings page refuses; ``field`` names the setting (its word is the
    message's ``%(setting)s``)."""

    def __init__(self, field: str, message: str, *, code: str = "bad_setting",
                 **params: Any) -> None:
        super().__init__(message, code=code, setting=Code(field), **params)
        self.field = field

# Languages of the daily report and its e-mail (the web's locale codes): code -> own name.
REPORT_LANGUAGES = {"en": "English", "zh_Hans": "简体中文"}
BANK_CHANNEL = "bank"  # the channel of every bank-statement receipt (recon.matchrun.load)
_SPLIT = re.compile(r"[,;\n]+")


@dataclass(frozen=True)
class RuntimeSettings:
    auto_threshold: Decimal
    suggest_threshold: Decimal
    writeoff_limit: Decimal
    fee_tolerance_abs: Decimal
    fee_tolerance_pct: Decimal
    writeoff_limits: Mapping[str, Decimal] = field(default_factory=dict)
    report_language: str = "en"

    def scalars(self) -> dict[str, Decimal]:
        """The single-valued numeric settings by key (limits per currency and the report
        language left out)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in ("writeoff_limits", "report_language")}

    def limit_for(self, currency: str) -> Decimal:
        """The write-off limit of ``currency``: its override, else the default."""
        return self.writeoff_limits.get(currency.upper(), self.writeoff_limit)

    def match_settings(self, base: m.MatchSettings | None = None) -> m.MatchSettings:
        """The engine's settings: these thresholds, and the bank fee rule set to the tolerance."""
        base = base or m.MatchSettings()
        bank = m.FeeRule(BANK_CHANNEL, self.fee_tolerance_abs, self.fee_tolerance_pct)
        rules = tuple(r for r in base.fee_rules
                      if not (r.channel == BANK_CHANNEL and r.currency is None))
        return dataclasses.replace(
            base, auto_threshold=float(self.auto_threshold),
            suggest_threshold=float(self.suggest_threshold), fee_rules=(bank, *rules),
        ).validate()


def parse_limits(text: str) -> dict[str, Decimal]:
    """``"CNY=500, USD=80"`` -> ``{"CNY": Decimal("500"), "USD": Decimal("80")}``; blank: none."""
    out: dict[str, Decimal] = {}
    for entry in (e.strip() for e in _SPLIT.split(text or "")):
        if not entry:
            continue
        currency, sep, raw = (p.strip() for p in entry.partition("="))
        currency = currency.upper()
        if not sep or not is_iso4217(currency):
            raise SettingError(LIMITS_KEY, "%(setting)s: %(entry)s is not CURRENCY=amount with "
                               "an ISO 4217 currency", entry=entry)
        try:
            amount = Decimal(raw)
        except InvalidOperation as exc:
            raise SettingError(LIMITS_KEY, "%(setting)s: %(entry)s: %(value)s is not an amount",
                               entry=entry, value=raw) from exc
        if not amount.is_finite() or amount < 0:
            raise SettingError(LIMITS_KEY, "%(setting)s: %(entry)s: the limit must be 0 or more",
                               entry=entry)
        try:
            to_minor(amount, currency)
        except ValueError as exc:
            raise SettingError(LIMITS_KEY, "%(setting)s: %(entry)s: %(currency)s has at most "
                               "%(digits)s decimals", entry=entry, currency=currency,
                               digits=minor_units(currency)) from exc
        if currency in out:
            raise SettingError(LIMITS_KEY, "%(setting)s: %(currency)s is given twice",
                               currency=currency)
        out[currency] = amount
    return out


def format_limits(limits: Mapping[str, Decimal]) -> str:
    """The per-currency limits as the settings page shows them."""
    return ", ".join(f"{cur}={amount}" for cur, amount in sorted(limits.items()))
