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
    fingerprint: str


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


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
    for line, minor, balance in lines:
        fp = fingerprint(line, minor, balance)
        base = f"ref:{_short(line.bank_ref)}" if line.bank_ref else f"fp:{fp}"
        if line.status is not Status.BOOKED:
            base = f"{line.status.value}:{base}"
        out.append(Keyed(line, minor, balance, f"{base}#{seen[base]}", fp))
        seen[base] += 1
    return out


def _short(ref: str) -> str:
    return ref if len(ref) <= 120 else hashlib.sha256(ref.encode()).hexdigest()[:40]


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


def similar_lines(session: Session, account_id: int, first: dt.date, last: dt.date
                  ) -> dict[tuple, set[str]]:
    """``(date, amount, counterparty) -> keys`` of stored lines in the period, for flags."""
    query = select(StatementLine.booking_date, StatementLine.amount_minor,
                   StatementLine.counterparty_name, StatementLine.dedupe_key).where(
        StatementLine.bank_account_id == account_id,
        StatementLine.booking_date.between(first, last))
    found: dict[tuple, set[str]] = {}
    for day, amount, name, key in session.execute(query):
        found.setdefault((day, amount, _norm(name)), set()).add(key)
    return found


def similar_key(keyed: Keyed) -> tuple:
    """The ``similar_lines`` key of a new line."""
    return (keyed.line.booking_date, keyed.amount_minor, _norm(keyed.line.counterparty_name))
