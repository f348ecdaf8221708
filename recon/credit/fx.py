"""Daily FX rates into one base currency: CSV import, the rate in force on a day, conversion.

``import_rates_csv(session, name, data, base=..., actor=...)`` reads ``date,currency,rate``
(optionally ``base``) rows, all or nothing: every bad line is named in one ``RateImportError``.
``rates_on(session, day, base)`` gives each currency's latest rate on or before ``day`` with its
date. ``Converter`` turns per-currency integer minor units into base minor units exactly (rates
as ``Fraction``, round half up), and offers float factors for weights that are not money.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recon import audit
from recon.models import FxRate
from recon.money import is_iso4217, minor_units

__all__ = ["Converter", "Rate", "RateImportError", "import_rates_csv", "rates_on"]


class RateImportError(ValueError):
    """A rates file with bad lines; ``problems`` names each as ``file:line: field: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


@dataclass(frozen=True)
class Rate:
    rate: Decimal
    day: dt.date | None  # None for the base currency itself


def _parse_row(name: str, n: int, row: dict[str, str], base: str) -> tuple | str:
    try:
        day = dt.date.fromisoformat((row.get("date") or "").strip())
    except ValueError:
        return f"{name}:{n}: date: not a YYYY-MM-DD date: {row.get('date')!r}"
    cur = (row.get("currency") or "").strip().upper()
    row_base = (row.get("base") or base).strip().upper()
    for field, code in (("currency", cur), ("base", row_base)):
        if not is_iso4217(code):
            return f"{name}:{n}: {field}: not an ISO 4217 currency: {code!r}"
    try:
        rate = Decimal((row.get("rate") or "").strip())
    except InvalidOperation:
        return f"{name}:{n}: rate: not a number: {row.get('rate')!r}"
    if not rate.is_finite() or rate <= 0:
        return f"{name}:{n}: rate: must be a positive number: {row.get('rate')!r}"
    return day, cur, row_base, rate


def import_rates_csv(session: Session, name: str, data: bytes, *, base: str, actor: str) -> int:
    """Upsert the file's rates (same date/currency/base replaces); returns the rows stored."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RateImportError([f"{name}:-: -: not UTF-8 text"]) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = {"date", "currency", "rate"} - set(reader.fieldnames or ())
    if missing:
        raise RateImportError([f"{name}:1: {f}: column missing" for f in sorted(missing)])
    parsed, problems = [], []
    for n, row in enumerate(reader, start=2):
        result = _parse_row(name, n, row, base)
        (problems if isinstance(result, str) else parsed).append(result)
    if problems:
        raise RateImportError(problems)
    for day, cur, row_base, rate in parsed:
        _upsert(session, day, cur, row_base, rate, name)
    audit.record(session, actor=actor, action="fx.import", object_type="fx_rate",
                 object_id=name, after={"rows": len(parsed)})
    return len(parsed)


def _upsert(session: Session, day: dt.date, cur: str, base: str, rate: Decimal, src: str) -> None:
    row = session.scalar(select(FxRate).where(
        FxRate.rate_date == day, FxRate.currency == cur, FxRate.base_currency == base))
    if row is None:
        session.add(FxRate(rate_date=day, currency=cur, base_currency=base, rate=str(rate),
                           source=src[:255]))
    else:
        row.rate, row.source = str(rate), src[:255]
    session.flush()


def rates_on(session: Session, day: dt.date, base: str) -> dict[str, Rate]:
    """Latest rate on or before ``day`` per currency into ``base`` (``base`` itself is 1)."""
    latest = (
        select(FxRate.currency, func.max(FxRate.rate_date).label("d"))
        .where(FxRate.base_currency == base, FxRate.rate_date <= day)
        .group_by(FxRate.currency).subquery()
    )
    stmt = select(FxRate).join(latest, (FxRate.currency == latest.c.currency)
                               & (FxRate.rate_date == latest.c.d)).where(
        FxRate.base_currency == base)
    rates = {r.currency: Rate(Decimal(r.rate), r.rate_date) for r in session.scalars(stmt)}
    rates[base] = Rate(Decimal(1), None)
    return rates


class Converter:
    """Exact conversion of minor units in ``currencies`` into ``base`` minor units."""

    def __init__(self, currencies: tuple[str, ...], rates: dict[str, Rate], base: str) -> None:
        self.base, self.currencies, self.rates = base, currencies, rates
        self.missing = tuple(c for c in currencies if c not in rates)
        eb = minor_units(base)
        self.factors = [
            Fraction(rates[c].rate) * Fraction(10) ** (eb - minor_units(c)) if c in rates
            else Fraction(0) for c in currencies
        ]
        self.float_factors = np.array([float(f) for f in self.factors] or [0.0])

    def total(self, by_currency: np.ndarray) -> np.ndarray:
        """``[..., K]`` int64 minor units per currency -> ``[...]`` base minor units (object)."""
        out = np.zeros(by_currency.shape[:-1], dtype=object)
        for k, f in enumerate(self.factors):
            if f:
                col = by_currency[..., k].astype(object)
                out = out + (col * f.numerator * 2 + f.denominator) // (2 * f.denominator)
        return out

    def rate_days(self) -> dict[str, str]:
        """Currency -> the date of the rate used (ISO), for showing beside converted figures."""
        return {c: (r.day.isoformat() if r.day else "") for c, r in self.rates.items()
                if c in self.currencies and c != self.base}
