"""Bank returns reopen what they undo (service, called by ``import_statement``).

A debit the importer marked as taking back an earlier credit (``ParsedLine.returns``: camt
``RtrInf``/``RvslInd``, BAI2 return codes, MT940 ``RC`` or ``/RTRN/``) is linked to that credit
on the same account: by the original reference (end-to-end id, bank or client reference), else
by the same amount from the same counterparty (when the return names one) within
``WINDOW_DAYS`` before the return. Exactly one candidate links; none or several leave the
return ``unidentified`` in the queue. A linked credit gives back, through
``recon.allocation.reversals.take_back``, the sum of every return linked to it, so the invoices
it paid reopen (audited, with a ``refunded_after_payment`` item).

Idempotent: a return line is linked once (``bank_return.return_line_id`` is unique, and a
re-imported line is not inserted again); ``take_back`` converges on a target, never adds.
Race-safe: the original credit's row is locked before its matches are read, the same lock a
match on it takes. Unidentified returns of the account are tried again on every import (their
credit may come in a later file). Never commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.names import fold_name
from matching.refs import account_key
from recon import audit, money_back
from recon.allocation import reversals, targets
from recon.models import UNIDENTIFIED_RETURN, BankAccount, BankReturn, StatementLine

__all__ = ["UNIDENTIFIED", "WINDOW_DAYS", "link_returns"]

WINDOW_DAYS = 120
"""How far before a return its credit may lie when only amount and counterparty link them
(SEPA direct debits can be returned for up to 13 months, but by reference, not by amount)."""
UNIDENTIFIED = UNIDENTIFIED_RETURN  # the queue cause of a return whose credit is not found


def link_returns(session: Session, bank: BankAccount, keys: Iterable[str], *, retry: bool,
                 actor: str) -> list[str]:
    """Link the new return lines (dedupe ``keys``) of ``bank``, then, when new credits came
    (``retry``), try the account's unidentified ones again; one note per return."""
    keys = list(keys)
    notes = []
    if keys:
        new = session.scalars(select(StatementLine).where(
            StatementLine.bank_account_id == bank.id, StatementLine.dedupe_key.in_(keys),
            StatementLine.amount_minor < 0).order_by(StatementLine.id)).all()
        notes += [_link(session, line, actor=actor) for line in new]
    if not retry:
        return notes
    waiting = session.scalars(
        select(BankReturn).join(StatementLine, StatementLine.id == BankReturn.return_line_id)
        .where(StatementLine.bank_account_id == bank.id, BankReturn.original_line_id.is_(None))
        .order_by(BankReturn.id)).all()
    notes += [n for r in waiting if (n := _retry(session, r, actor=actor))]
    return notes


def _link(session: Session, line: StatementLine, *, actor: str) -> str:
    if session.scalar(select(BankReturn.id).filter_by(return_line_id=line.id)) is not None:
        return f"return {_name(line)}: already linked"
    info = (line.extra or {}).get("returns") or {}
    row = BankReturn(return_line_id=line.id, reason=(info.get("reason") or "")[:35] or None,
                     original_ref=(info.get("original_ref") or "")[:140] or None)
    session.add(row)
    session.flush()
    original, how = _find(session, line, row.original_ref)
    if original is None:
        money_back.raise_item(session, line, UNIDENTIFIED, -line.amount_minor, actor=actor,
                              detail=_detail(row, how))
        audit.record(session, actor=actor, action="statements.return_unidentified", obj=row,
                     after={"line": line.id, "why": how, "reason": row.reason,
                            "original_ref": row.original_ref})
        return f"return {_name(line)}: {how}; left in the queue"
    return _apply(session, row, line, original, how, actor=actor)


def _retry(session: Session, row: BankReturn, *, actor: str) -> str | None:
    line = session.get(StatementLine, row.return_line_id)
    assert line is not None
    original, how = _find(session, line, row.original_ref)
    if original is None:
        return None
    note = _apply(session, row, line, original, how, actor=actor)
    money_back.reduce(session, line, UNIDENTIFIED, -line.amount_minor, actor=actor,
                      resolution="linked")
    return note


def _apply(session: Session, row: BankReturn, line: StatementLine, original: StatementLine,
           how: str, *, actor: str) -> str:
    original = targets.line(session, original.id)  # locked before its matches are read
    row.original_line_id, row.linked_by = original.id, how
    session.flush()
    target = -session.scalar(
        select(func.coalesce(func.sum(StatementLine.amount_minor), 0))
        .join(BankReturn, BankReturn.return_line_id == StatementLine.id)
        .where(BankReturn.original_line_id == original.id))
    reopened = reversals.take_back(session, original, target, actor=actor,
                                   detail=f"bank return {_name(line)}"
                                   + (f" ({row.reason})" if row.reason else ""))
    audit.record(session, actor=actor, action="statements.return_linked", obj=row,
                 after={"line": line.id, "original": original.id, "by": how,
                        "reason": row.reason, "target_minor": target,
                        "reopened_minor": reopened})
    return (f"return {_name(line)} linked to credit {_name(original)} by {how}"
            + (f", reopened {reopened} minor units of invoices" if reopened else ""))


def _find(session: Session, line: StatementLine, ref: str | None
          ) -> tuple[StatementLine | None, str]:
    """The one credit this return takes back and how it was found, or None and why not."""
    credits = select(StatementLine).where(
        StatementLine.bank_account_id == line.bank_account_id, StatementLine.id != line.id,
        StatementLine.amount_minor > 0, StatementLine.status == "booked",
        StatementLine.currency == line.currency,
        StatementLine.booking_date <= line.booking_date).order_by(StatementLine.id)
    if ref:  # each reference column on its own index; the few rows are then checked here
        found = sorted({c for column in (StatementLine.end_to_end_id, StatementLine.bank_ref)
                        for c in session.scalars(select(StatementLine).where(column == ref))
                        if _credit_for(c, line)}, key=lambda c: c.id)
        exact = [c for c in found if c.amount_minor == -line.amount_minor] or found
        if len(exact) == 1:
            return exact[0], "reference"
        if len(exact) > 1:
            return None, f"{len(exact)} credits carry the reference {ref}"
    since = line.booking_date - dt.timedelta(days=WINDOW_DAYS)
    same = [c for c in session.scalars(credits.where(
        StatementLine.amount_minor == -line.amount_minor, StatementLine.booking_date >= since))
        if _same_party(c, line) and not _taken(session, c)]
    if len(same) == 1:
        return same[0], "amount"
    if same:
        return None, f"{len(same)} credits of the same amount and payer"
    return None, "no credit of that reference, or of that amount and payer"


def _credit_for(credit: StatementLine, line: StatementLine) -> bool:
    """``credit`` is a booked credit of the return's account and currency, not after it."""
    return (credit.bank_account_id == line.bank_account_id and credit.id != line.id
            and credit.amount_minor > 0 and credit.status == "booked"
            and credit.currency == line.currency and credit.booking_date <= line.booking_date)


def _same_party(credit: StatementLine, line: StatementLine) -> bool:
    """Counterparty evidence: the same account when both name one, else the same folded name.
    A return that names no counterparty at all (an MT940 ``RC`` storno) cannot contradict the
    credit: then the amount, the window and a single candidate decide."""
    if not (line.counterparty_account or line.counterparty_name):
        return True
    if credit.counterparty_account and line.counterparty_account:
        return (account_key(credit.counterparty_account)
                == account_key(line.counterparty_account))
    if credit.counterparty_name and line.counterparty_name:
        return fold_name(credit.counterparty_name) == fold_name(line.counterparty_name)
    return False


def _taken(session: Session, credit: StatementLine) -> bool:
    """Already taken back in full by another return."""
    linked = session.scalar(
        select(func.coalesce(func.sum(StatementLine.amount_minor), 0))
        .join(BankReturn, BankReturn.return_line_id == StatementLine.id)
        .where(BankReturn.original_line_id == credit.id))
    return -linked >= credit.amount_minor


def _detail(row: BankReturn, why: str) -> str:
    parts = [f"reason {row.reason}" if row.reason else "",
             f"original reference {row.original_ref}" if row.original_ref else "", why]
    return "; ".join(p for p in parts if p)


def _name(line: StatementLine) -> str:
    return f"#{line.id} {line.booking_date} {line.bank_ref or line.end_to_end_id or ''}".strip()
