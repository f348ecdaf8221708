"""One environment value parsed and checked (numbers, booleans, seconds, times of day, FX rules).

Each parser names the variable and the bad value in its ``ConfigError``, so a typo in a unit file
stops the process at start-up with a message a person can act on, not a traceback deep in a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "ConfigError",
    "FxRateRule",
    "env_bool",
    "env_decimal",
    "env_fx_rules",
    "env_int",
    "env_seconds",
    "env_time_of_day",
]


class ConfigError(RuntimeError):
    """A missing or malformed setting; the message names the environment variable."""


def env_decimal(env: Mapping[str, str], name: str, default: str) -> Decimal:
    raw = env.get(name, default)
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise ConfigError(f"{name}={raw!r} is not a decimal number") from exc


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not an integer") from exc


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


@dataclass(frozen=True)
class FxRateRule:
    """Receipts in ``from_currency`` may pay invoices in ``to_currency`` at ``rate`` +/- tolerance.

    1 unit of ``from_currency`` = ``rate`` units of ``to_currency`` (``matching.FxRule``).
    """

    from_currency: str
    to_currency: str
    rate: Decimal
    tolerance_percent: Decimal


def env_fx_rules(env: Mapping[str, str], name: str = "RECON_FX_RULES") -> tuple[FxRateRule, ...]:
    """``USD>EUR:0.92:1.5,GBP>EUR:1.17:1`` = from>to:rate:tolerance_percent; empty: none."""
    rules: list[FxRateRule] = []
    for item in (env.get(name) or "").split(","):
        if item.strip():
            rules.append(_fx_rule(name, item.strip()))
    return tuple(rules)


def _fx_rule(name: str, item: str) -> FxRateRule:
    bad = ConfigError(
        f"{name}: {item!r} is not from>to:rate:tolerance_percent (e.g. USD>EUR:0.92:1.5)"
    )
    parts = item.split(":")
    pair = parts[0].split(">")
    if len(parts) != 3 or len(pair) != 2:
        raise bad
    source, target = (c.strip().upper() for c in pair)
    if not (len(source) == len(target) == 3 and source.isalpha() and target.isalpha()):
        raise bad
    if source == target:
        raise bad
    try:
        rate, tolerance = Decimal(parts[1].strip()), Decimal(parts[2].strip())
    except InvalidOperation as exc:
        raise bad from exc
    if not rate.is_finite() or not tolerance.is_finite() or rate <= 0 or tolerance < 0:
        raise bad
    return FxRateRule(source, target, rate, tolerance)


def env_seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds") from exc
    if not value > 0:
        raise ConfigError(f"{name}={raw!r} must be more than 0 seconds")
    return value


def env_time_of_day(env: Mapping[str, str], name: str, default: str) -> str | None:
    """``HH:MM`` (24 h) or ``off``; ``None`` for off."""
    raw = (env.get(name) or default).strip().lower()
    if raw == "off":
        return None
    hour, _, minute = raw.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ConfigError(f"{name}={raw!r} is not a time of day HH:MM (or 'off')")
    return f"{int(hour):02d}:{int(minute):02d}"
