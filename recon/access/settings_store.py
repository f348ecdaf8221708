"""Run-time settings staff change from the UI (service layer): thresholds and fee tolerances.

Stored in the ``setting`` table as decimal strings; a key never set falls back to the default
from ``AppSettings`` (the environment). ``effective(session, app)`` returns every known key with
its current ``Decimal``; ``set_value`` validates, stores and audits one change. Raises
``ServiceError`` for an unknown key or a value out of range. Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon import audit
from recon.config import AppSettings
from recon.db.types import utcnow
from recon.errors import ServiceError
from recon.models import Setting

__all__ = ["KNOWN", "SettingSpec", "effective", "set_value"]


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    low: Decimal
    high: Decimal | None
    default_attr: str | None = None  # AppSettings field giving the default
    default: Decimal = Decimal(0)

    def default_for(self, app: AppSettings) -> Decimal:
        return Decimal(getattr(app, self.default_attr)) if self.default_attr else self.default


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
                    Decimal(100), default=Decimal("3.0")),
    )
}


def effective(session: Session, app: AppSettings) -> dict[str, Decimal]:
    """Every known setting: the stored value, else the default."""
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    return {
        key: Decimal(str(stored[key])) if key in stored else spec.default_for(app)
        for key, spec in KNOWN.items()
    }


def _parse(spec: SettingSpec, raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation as exc:
        raise ServiceError(f"{spec.key}: {raw!r} is not a number") from exc
    if not value.is_finite() or value < spec.low or (spec.high is not None and value > spec.high):
        upper = f"..{spec.high}" if spec.high is not None else " or more"
        raise ServiceError(f"{spec.key}: {raw!r} is out of range ({spec.low}{upper})")
    return value


def set_value(session: Session, key: str, raw: str, *, actor: str) -> Decimal:
    """Store ``key`` = ``raw`` (validated); audited with the value before and after."""
    spec = KNOWN.get(key)
    if spec is None:
        raise ServiceError(f"unknown setting {key!r}")
    value = _parse(spec, raw)
    row = session.get(Setting, key)
    before = None if row is None else {"value": row.value}
    if row is None:
        row = Setting(key=key, value=str(value), updated_by=actor)
        session.add(row)
    elif Decimal(str(row.value)) == value:
        return value
    else:
        row.value, row.updated_by, row.updated_at = str(value), actor, utcnow()
    audit.record(session, actor=actor, action="setting.change", object_type="setting",
                 object_id=key, before=before, after={"value": str(value)})
    return value
