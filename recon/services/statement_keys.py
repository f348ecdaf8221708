"""Dedupe keys and the known-line lookup for statement imports (helper of ``statements``).

A line is known when its account already holds its key. With a stable bank id the key is
``ref:<id>#<n>`` (``n`` = occurrence of that id in the file: banks split one FITID into
two lines); without one it is ``fp:<hash>#<n>`` over booking date, amount, currency,
counterparty, remittance and running balance, ``n`` counting identical lines in the file,
so two genuinely identical payments both import and a re-export adds nothing twice.
Pending and info lines carry their status in the key, so the booked line still imports.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers import ParsedLine, Status
from recon.models import StatementLine

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Keyed:
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
    booked = Status.BOOKED
    for line, minor, balance in lines:
        ref = line.bank_ref
        base = (f"ref:{_short(ref)}" if ref
                else f"fp:{fingerprint(line, minor, balance)}")
        if line.status is not booked:
            base = f"{line.status.value}:{base}"
        n = seen[base]
        seen[base] = n + 1
        out.append(Keyed(line, minor, balance, f"{base}#{n}"))
    return out


def _short(ref: str) -> str:
    return ref if len(ref) <= 120 else hashlib.sha256(ref.encode()).hexdigest()[:40]


@dataclass(slots=True)
class Stored:
    """What the account already holds around a statement: by key and by (day, amount, name)."""

    known: dict[str, tuple]
    """``key -> (booking_date, amount_minor)``."""
    similar: dict[tuple, set[str]]
    """``(booking_date, amount_minor, counterparty) -> keys``, for possible-duplicate flags."""


def stored_lines(session: Session, account_id: int, keyed: list[Keyed]) -> Stored:
    """One query over the account's lines in the date range of ``keyed``.

    Only bank-id keys not found there are then looked up by key (a bank id reused on
    another day); a content key holds its date, so it cannot be stored outside the range.
    """
    stored = Stored({}, {})
    if not keyed:
        return stored
    days = [k.line.booking_date for k in keyed]
    query = select(StatementLine.dedupe_key, StatementLine.booking_date,
                   StatementLine.amount_minor, StatementLine.counterparty_name).where(
        StatementLine.bank_account_id == account_id,
        StatementLine.booking_date.between(min(days), max(days)))
    names: dict[str | None, str] = {}
    for key, day, amount, name in session.execute(query):
        stored.known[key] = (day, amount)
        norm = names.get(name)
        if norm is None:
            norm = names[name] = _norm(name)
        stored.similar.setdefault((day, amount, norm), set()).add(key)
    rest = [k.key for k in keyed if k.key not in stored.known and not k.key.startswith(_CONTENT)]
    stored.known.update(known_keys(session, account_id, rest))
    return stored


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
