"""Dedupe keys and the known-line lookup for statement imports (helper of ``statements``).

A line is known when its account already holds its key. With a stable bank id the key is
``ref:<id>#<n>`` (``n`` = occurrence of that id in the file: banks split one FITID into
two lines); without one it is ``fp:<hash>#<n>`` over booking date, amount, currency,
counterparty, remittance and running balance, ``n`` counting identical lines in the file,
so two genuinely identical payments both import and a re-export adds nothing twice.
Pending and info lines carry their status in the key, so the booked line still imports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import String, or_, select, type_coerce
from sqlalchemy.orm import Session

from importers import ParsedLine, Status
from recon.models import StatementLine

_CHUNK = 500


class Keyed(NamedTuple):
    """A parsed line with its amount in minor units and its dedupe key."""

    line: ParsedLine
    amount_minor: int
    balance_minor: int | None
    key: str

    @property
    def fingerprint(self) -> str:
        """Content hash of the line (computed when needed: lines with a bank id rarely do)."""
        return fingerprint(self.line, self.amount_minor, self.balance_minor)


def _norm(text: str | None) -> str:
    return " ".join(text.split()).casefold() if text else ""


def fingerprint(line: ParsedLine, amount_minor: int, balance_minor: int | None) -> str:
    """Content hash of a line, without any occurrence number."""
    parts = (line.booking_date.isoformat(), str(amount_minor), line.currency or "",
             _norm(line.counterparty_name), _norm(line.remittance),
             "" if balance_minor is None else str(balance_minor))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def keys_for(lines: Iterable[tuple[ParsedLine, int, int | None]], seen: Counter[str]
             ) -> list[Keyed]:
    """Keys for lines of one account in file order; ``seen`` counts per file and account."""
    out = []
    append = out.append
    booked = Status.BOOKED
    get = seen.get
    new = tuple.__new__  # Keyed's own __new__ is a Python function: a call per line more
    for line, minor, balance in lines:
        ref = line.bank_ref
        if ref:
            base = "ref:" + (ref if len(ref) <= 120 else _short(ref))
        else:
            base = "fp:" + fingerprint(line, minor, balance)
        if line.status is not booked:
            base = f"{line.status.value}:{base}"
        n = get(base, 0)
        seen[base] = n + 1
        append(new(Keyed, (line, minor, balance, f"{base}#{n}")))
    return out


def _short(ref: str) -> str:
    return ref if len(ref) <= 120 else hashlib.sha256(ref.encode()).hexdigest()[:40]


class Stored:
    """What the account already holds around a statement: by key and by (day, amount, name)."""

    __slots__ = ("_rows", "_similar", "known")

    def __init__(self, rows: list[tuple[str, dt.date, int, str | None]]) -> None:
        self._rows = rows
        self._similar: dict[tuple, set[str]] | None = None
        self.known: dict[str, tuple] = {key: (day, amount) for key, day, amount, _ in rows}
        """``key -> (booking_date, amount_minor)``."""

    @property
    def similar(self) -> dict[tuple, set[str]]:
        """``(booking_date, amount_minor, counterparty) -> keys``, for possible-duplicate flags.

        Built on first use: a re-export whose lines are all known never needs it.
        """
        if self._similar is None:
            self._similar = {}
            names: dict[str | None, str] = {}
            for key, day, amount, name in self._rows:
                norm = names.get(name)
                if norm is None:
                    norm = names[name] = _norm(name)
                self._similar.setdefault((day, amount, norm), set()).add(key)
        return self._similar


def stored_lines(session: Session, account_id: int, keyed: list[Keyed]) -> Stored:
    """One query over the account's lines in the date range of ``keyed``.

    Only bank-id keys not found there are then looked up by key (a bank id reused on
    another day); a content key holds its date, so it cannot be stored outside the range.
    """
    if not keyed:
        return Stored([])
    days = [k.line.booking_date for k in keyed]
    first, last = min(days), max(days)
    # the day is read as the driver gives it (SQLite: ISO text, PostgreSQL: a date) and
    # converted once per distinct day: the Date type's per-row processing cost more than
    # the query at 100,000 known lines
    day_column = type_coerce(StatementLine.booking_date, String)
    query = select(StatementLine.dedupe_key, day_column, StatementLine.amount_minor,
                   StatementLine.counterparty_name).where(
        StatementLine.bank_account_id == account_id,
        StatementLine.booking_date.between(first, last))
    as_date: dict[object, dt.date] = {}
    rows = []
    for key, raw_day, amount, name in session.execute(query):
        day = as_date.get(raw_day)
        if day is None:
            day = as_date[raw_day] = _as_date(raw_day)
        rows.append((key, day, amount, name))
    stored = Stored(rows)
    rest = [k.key for k in keyed if k.key not in stored.known and not k.key.startswith(_CONTENT)]
    if rest and _holds_lines_outside(session, account_id, first, last):
        stored.known.update(known_keys(session, account_id, rest))
    return stored


def _holds_lines_outside(session: Session, account_id: int, first: dt.date, last: dt.date
                         ) -> bool:
    """Whether the account has any line booked outside ``first..last`` (one indexed probe):
    without one, no bank id can be stored on another day and the by-key lookup is skipped."""
    return session.scalar(select(StatementLine.id).where(
        StatementLine.bank_account_id == account_id,
        or_(StatementLine.booking_date < first, StatementLine.booking_date > last)).limit(1)
    ) is not None


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


_CONTENT = ("fp:", "pending:fp:", "info:fp:")


def known_keys(session: Session, account_id: int, keys: list[str]) -> dict[str, tuple]:
    """Existing ``key -> (booking_date, amount_minor)`` of ``account_id`` among ``keys``."""
    found: dict[str, tuple] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        query = select(StatementLine.dedupe_key, StatementLine.booking_date,
                       StatementLine.amount_minor).where(
            StatementLine.bank_account_id == account_id, StatementLine.dedupe_key.in_(chunk))
        found.update({k: (d, a) for k, d, a in session.execute(query)})
    return found


def similar_key(keyed: Keyed) -> tuple:
    """The ``Stored.similar`` key of a new line."""
    return (keyed.line.booking_date, keyed.amount_minor, _norm(keyed.line.counterparty_name))
