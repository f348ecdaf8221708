"""Store one parsed statement of a file (the per-statement step of ``imports``).

The account is resolved, amounts are converted to minor units once, lines already stored are
skipped by key and possible duplicates flagged, and the new lines go in with one bulk insert
in ``rows.COLUMNS`` order; a bank return is linked to its credit. ``ImportReport`` lives here
because this step fills it (``imports`` re-exports it). Raises ``StatementImportError`` when a
strict balance check fails.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers import ParsedFile, ParsedStatement, Status
from recon.models import BankAccount, Statement, StatementImport
from recon.statements.amounts import Converter
from recon.statements.checks import (
    StatementImportError,
    balance_gap,
    continuity,
    foreign_lines,
    resolve_account,
)
from recon.statements.keys import Keyed, keys_for, known_keys, similar_key, stored_lines
from recon.statements.returns import link_returns
from recon.statements.rows import insert_rows

__all__ = ["ImportReport", "Progress", "StoreOptions", "store_statement"]

Progress = Callable[[int, int], None]
"""Called as ``progress(lines_just_written, lines_to_write)`` while inserting."""


@dataclass
class ImportReport:
    """What one file import did; ``lines_*`` count booked lines."""

    file_name: str
    file_sha256: str
    format: str = ""
    import_id: int | None = None
    statements: int = 0
    statements_known: int = 0
    lines_total: int = 0
    lines_new: int = 0
    lines_known: int = 0
    lines_flagged: int = 0
    warnings: list[str] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    """One note per bank return: linked to its credit (reopening invoices) or left in the queue."""

    def summary(self) -> str:
        """One sentence for the CLI and the daily-run report."""
        return (f"{self.file_name}: {self.format}, {self.statements} statement(s), "
                f"{self.lines_new} new line(s), {self.lines_known} already known, "
                f"{self.lines_flagged} flagged as possible duplicate(s)"
                + (f", {len(self.returns)} bank return(s)" if self.returns else "")
                + (f", {len(self.warnings)} warning(s)" if self.warnings else ""))


@dataclass(frozen=True)
class StoreOptions:
    """What every statement of one file shares while it is stored."""

    actor: str
    account: str | None
    currency: str | None
    strict: bool
    progress: Progress | None
    seen: dict[int, Counter[str]]
    """Per account: how often each key base occurred so far in this file."""
    written: dict[int, set[str]]
    """Per account: keys written by this import (not duplicates of themselves)."""
    assign: Mapping[str, int]
    """An account key the file names -> the existing account a person picked for it."""


def store_statement(session: Session, parsed: ParsedFile, statement: ParsedStatement,
                record: StatementImport, report: ImportReport, options: StoreOptions) -> None:
    file = parsed.filename
    bank = resolve_account(session, statement, file=file, actor=options.actor,
                           account=options.account, currency=options.currency,
                           assign=options.assign)
    amounts = Converter(file, investment=statement.investment)
    keyed = keys_for(_minor_lines(statement, bank.currency, amounts),
                     options.seen.setdefault(bank.id, Counter()))
    opening = amounts.minor(statement.opening_balance, bank.currency, "opening balance")
    closing = amounts.minor(statement.closing_balance, bank.currency, "closing balance")
    notes = _checks(session, bank, statement, opening, options.strict, file)
    written = options.written.setdefault(bank.id, set())
    decided = _decide(session, bank, keyed, written)
    written.update(k.key for k, _ in decided)
    new_booked = sum(1 for k, _ in decided if k.line.status is Status.BOOKED)
    booked = len(statement.booked_lines)
    report.lines_total += booked
    report.lines_known += booked - new_booked
    if not decided and _already_stored(session, bank, statement, opening, record.id):
        report.statements_known += 1
        return
    notes += amounts.warnings
    report.warnings += [f"{statement.account_id or bank.account_key}: {n}" for n in notes]
    row = Statement(import_id=record.id, bank_account_id=bank.id, currency=bank.currency,
                    statement_ref=(statement.statement_ref or "")[:140] or None,
                    period_start=statement.period_start, period_end=statement.period_end,
                    opening_minor=opening, opening_date=statement.opening_date,
                    closing_minor=closing,
                    closing_date=statement.closing_date, lines_new=new_booked,
                    lines_total=booked,
                    warnings=list(dict.fromkeys([*statement.warnings, *notes])))
    session.add(row)
    session.flush()
    report.statements += 1
    report.lines_new += new_booked
    report.lines_flagged += sum(1 for _, flagged in decided if flagged)
    _insert(session, _Rows(row.id, bank.id, bank.currency,
                           amounts if statement.investment else None),
            decided, options.progress)
    booked_new = [k for k, _ in decided if k.line.status is Status.BOOKED]
    report.returns += link_returns(
        session, bank, [k.key[:160] for k in booked_new if k.line.returns is not None],
        retry=any(k.amount_minor > 0 for k in booked_new), actor=options.actor)


def _minor_lines(statement: ParsedStatement, currency: str, amounts: Converter):
    minor = amounts.minor
    for line in statement.lines:
        code = line.currency or currency
        balance = line.running_balance
        yield (line, minor(line.amount, code, "amount", line.source_line),
               None if balance is None
               else minor(balance, code, "running balance", line.source_line))


def _checks(session: Session, bank: BankAccount, statement: ParsedStatement,
            opening: int | None, strict: bool, file: str) -> list[str]:
    notes = [*statement.incomplete]  # cut short (MT940 without :62F:): flagged, strict refuses
    notes += [n for n in (continuity(session, bank, statement, opening),
                          balance_gap(statement, bank.currency),
                          foreign_lines(statement, bank.currency)) if n]
    if notes and strict:
        raise StatementImportError(notes[0], file=file, field="balance")
    return notes


def _decide(session: Session, bank: BankAccount, keyed: list[Keyed], written: set[str]
            ) -> list[tuple[Keyed, bool]]:
    """The lines to insert, each with its possible-duplicate flag."""
    stored = stored_lines(session, bank.id, keyed)
    known = stored.known
    out = []
    similar = None
    for item in keyed:
        found = known.get(item.key)
        if found is not None and found == (item.line.booking_date, item.amount_minor):
            continue  # the same line, already imported
        if similar is None:
            similar = stored.similar  # built on the first line that is not known
        others = similar.get(similar_key(item)) if similar else None
        flagged = found is not None or bool(others and others - written - {item.key})
        if found is not None:  # a bank id reused for another payment: keep both, flag
            item = Keyed(item.line, item.amount_minor, item.balance_minor,
                         f"{item.key}~{item.fingerprint[:16]}")
            if item.key in known or item.key in known_keys(session, bank.id, [item.key]):
                continue
        out.append((item, flagged))
    return out


def _already_stored(session: Session, bank: BankAccount, statement: ParsedStatement,
                    opening: int | None, import_id: int) -> bool:
    """True when an earlier import stored this very statement (a re-import or a re-sent copy)."""
    return session.scalar(select(Statement.id).where(
        Statement.bank_account_id == bank.id, Statement.import_id != import_id,
        Statement.statement_ref == ((statement.statement_ref or "")[:140] or None),
        Statement.period_start == statement.period_start,
        Statement.period_end == statement.period_end,
        Statement.opening_minor == opening,
        Statement.lines_total == len(statement.booked_lines)).limit(1)) is not None


@dataclass(frozen=True, slots=True)
class _Rows:
    """What every inserted line of one statement shares (the account's id and currency read
    once: an ORM attribute per line cost more than building the row)."""

    statement_id: int
    bank_id: int
    currency: str
    exact: Converter | None
    """Set for investment statements: lines posted rounded keep their exact amount."""


_STATUS_TEXT = {status: status.value for status in Status}


def _insert(session: Session, rows: _Rows, decided: list[tuple[Keyed, bool]],
            progress: Progress | None) -> None:
    total = len(decided)
    insert_rows(session, (_values(rows, k, f) for k, f in decided),
                done=(lambda n: progress(n, total)) if progress else None)


def _values(rows: _Rows, keyed: Keyed, flagged: bool) -> tuple:
    """One row in ``statement_rows.COLUMNS`` order."""
    line = keyed.line
    refs = ([list(pair) for pair in line.other_refs] + [["invoice", r] for r in line.invoice_refs]
            if line.other_refs or line.invoice_refs else [])
    currency = line.currency or rows.currency
    extra: dict = {"reversal": True} if line.reversal else {}
    if line.returns is not None:  # read back by recon.statements.returns
        extra["returns"] = {"reason": line.returns.reason,
                            "original_ref": line.returns.original_ref}
    if rows.exact is not None and rows.exact.is_rounded(line.amount, keyed.amount_minor,
                                                        currency):
        extra["exact_amount"] = str(line.amount)
    return (
        rows.statement_id, rows.bank_id, (line.bank_ref or "")[:140] or None, keyed.key[:160],
        line.booking_date, line.value_date, keyed.amount_minor, currency, _STATUS_TEXT[line.status],
        (line.counterparty_name or "")[:255] or None,
        (line.counterparty_account or "")[:64] or None, line.remittance,
        (line.end_to_end_id or "")[:64] or None, (line.creditor_ref or "")[:64] or None, refs,
        (line.bank_tx_code or "")[:64] or None, keyed.balance_minor, line.raw or None,
        flagged, 0, extra, None,
    )
