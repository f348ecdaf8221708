"""Run-time settings staff change from the UI (service layer): the ONE source every path reads.

Stored in the ``setting`` table; a key never set falls back to its default from ``AppSettings``
(the environment) or the spec. ``load(session, defaults)`` returns a typed ``RuntimeSettings``
that the web queue, ``/api/v1``, ``recon match``, ``recon run`` and the event worker all use
(thresholds and the bank fee tolerance go to the matcher through ``match_settings``, write-off
limits per currency to ``recon.allocation.adjustments``). ``save(session, form, actor=...)``
validates every field and the rules between them (suggest <= auto) before storing anything,
and audits each change with its old and new value. ``report_language`` (one of
``REPORT_LANGUAGES``; default ``RECON_REPORT_LANGUAGE``, else English) is the language of the
daily report and its e-mail, for the run, the Celery task and ``recon run`` alike. Raises
``SettingError`` (a ``ServiceError`` naming the field). Never commits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon import audit
from recon.access.runtime import (
    LIMITS_KEY,
    REPORT_LANGUAGES,
    RuntimeSettings,
    SettingError,
    parse_limits,
)
from recon.db.types import utcnow
from recon.models import Setting

__all__ = [
    "KNOWN",
    "LANGUAGE_KEY",
    "LIMITS_KEY",
    "RuntimeSettings",
    "SettingError",
    "SettingSpec",
    "effective",
    "load",
    "parse_language",
    "report_language",
    "save",
]

LANGUAGE_KEY = "report_language"  # a REPORT_LANGUAGES code




@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    low: Decimal
    high: Decimal | None
    default_attr: str | None = None  # attribute of the defaults (AppSettings) giving the default
    default: Decimal = Decimal(0)

    def default_for(self, defaults: Any) -> Decimal:
        value = getattr(defaults, self.default_attr, None) if self.default_attr else None
        return Decimal(str(value)) if value is not None else self.default


# The bank fee tolerance defaults to the matcher's own bank rule (25 in any currency, 0 %), so
# an untouched settings page changes nothing. A shortfall above 20 % is a partial payment, not
# a fee: the percentage is capped there.
KNOWN: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("auto_threshold", "Auto-confirm threshold (score 0-1)", Decimal(0),
                    Decimal(1), "auto_threshold"),
        SettingSpec("suggest_threshold", "Suggestion threshold (score 0-1)", Decimal(0),
                    Decimal(1), "suggest_threshold"),
        SettingSpec("writeoff_limit", "Write-off limit needing approval (amount)", Decimal(0),
                    None, "writeoff_limit"),
        SettingSpec("fee_tolerance_abs", "Bank fee tolerance (amount)", Decimal(0), None,
                    default=Decimal("25.00")),
        SettingSpec("fee_tolerance_pct", "Bank fee tolerance (percent of the amount)", Decimal(0),
                    Decimal(20), default=Decimal("0")),
    )
}


def _stored(session: Session) -> dict[str, Any]:
    return {s.key: s.value for s in session.scalars(select(Setting))}


def effective(session: Session, defaults: Any) -> dict[str, Decimal]:
    """Every scalar setting: the stored value, else the default."""
    stored = _stored(session)
    return {
        key: Decimal(str(stored[key])) if key in stored else spec.default_for(defaults)
        for key, spec in KNOWN.items()
    }


def load(session: Session, defaults: Any) -> RuntimeSettings:
    """The settings in force now (one query), typed."""
    stored = _stored(session)
    values = {
        key: Decimal(str(stored[key])) if key in stored else spec.default_for(defaults)
        for key, spec in KNOWN.items()
    }
    limits = {cur: Decimal(str(v)) for cur, v in (stored.get(LIMITS_KEY) or {}).items()}
    language = stored.get(LANGUAGE_KEY) or _default_language(defaults)
    return RuntimeSettings(**values, writeoff_limits=limits, report_language=language)


def report_language(session: Session, defaults: Any = None) -> str:
    """The language of the daily report and its e-mail in force (one query)."""
    stored = session.get(Setting, LANGUAGE_KEY)
    return (stored.value if stored is not None and stored.value in REPORT_LANGUAGES
            else _default_language(defaults))


def _default_language(defaults: Any) -> str:
    code = getattr(defaults, "report_language", None) or os.environ.get("RECON_REPORT_LANGUAGE")
    return code if code in REPORT_LANGUAGES else "en"


def parse_language(raw: str) -> str:
    """A report language code (``zh_Hans``; ``zh``, ``zh-CN`` and ``zh_CN`` read the same)."""
    code = raw.strip()
    code = {"zh": "zh_Hans", "zh-CN": "zh_Hans", "zh_CN": "zh_Hans", "zh-Hans": "zh_Hans"}.get(
        code, code)
    if code not in REPORT_LANGUAGES:
        raise SettingError(LANGUAGE_KEY, "%(setting)s: %(value)s is not one of %(choices)s",
                           code="bad_language", value=raw, choices=", ".join(REPORT_LANGUAGES))
    return code


def _parse(spec: SettingSpec, raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation as exc:
        raise SettingError(spec.key, "%(setting)s: %(value)s is not a number",
                           value=raw) from exc
    if not value.is_finite() or value < spec.low or (spec.high is not None and value > spec.high):
        if spec.high is None:
            raise SettingError(spec.key, "%(setting)s: %(value)s is below %(low)s", value=raw,
                               low=spec.low)
        raise SettingError(spec.key, "%(setting)s: %(value)s is not between %(low)s and "
                           "%(high)s", value=raw, low=spec.low, high=spec.high)
    return value


def _check(values: Mapping[str, Decimal]) -> None:
    """Rules between fields: a suggestion threshold above the auto threshold makes no sense."""
    if values["suggest_threshold"] > values["auto_threshold"]:
        raise SettingError(
            "suggest_threshold", "%(setting)s: %(value)s must not exceed the auto-confirm "
            "threshold %(auto)s", value=values["suggest_threshold"],
            auto=values["auto_threshold"])


def save(session: Session, form: Mapping[str, str], *, actor: str, defaults: Any) -> list[str]:
    """Validate every field given in ``form`` (blank = unchanged), then store and audit the
    changes; returns the keys changed. Nothing is stored when any field is refused."""
    current = load(session, defaults)
    new = current.scalars()
    for key, spec in KNOWN.items():
        raw = form.get(key)
        if raw is not None and raw.strip():
            new[key] = _parse(spec, raw)
    _check(new)
    limits = current.writeoff_limits
    if LIMITS_KEY in form:
        limits = parse_limits(form[LIMITS_KEY])
    raw_language = (form.get(LANGUAGE_KEY) or "").strip()
    language = parse_language(raw_language) if raw_language else current.report_language
    changed = [k for k in KNOWN if new[k] != current.scalars()[k]]
    for key in changed:
        _store(session, key, str(new[key]), str(current.scalars()[key]), actor)
    if dict(limits) != dict(current.writeoff_limits):
        as_json = {c: str(v) for c, v in sorted(limits.items())}
        old = {c: str(v) for c, v in sorted(current.writeoff_limits.items())}
        _store(session, LIMITS_KEY, as_json, old, actor)
        changed.append(LIMITS_KEY)
    if language != current.report_language:
        _store(session, LANGUAGE_KEY, language, current.report_language, actor)
        changed.append(LANGUAGE_KEY)
    return changed


def _store(session: Session, key: str, value: Any, old: Any, actor: str) -> None:
    row = session.get(Setting, key, with_for_update=True)
    if row is None:
        session.add(Setting(key=key, value=value, updated_by=actor))
    else:
        row.value, row.updated_by, row.updated_at = value, actor, utcnow()
    audit.record(session, actor=actor, action="setting.change", object_type="setting",
                 object_id=key, before={"value": old}, after={"value": value})
