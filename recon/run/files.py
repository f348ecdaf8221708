"""Daily run, step 1: import each inbox file in its own transaction, inside a trap (STYLE §9).

``process_file`` reads one file, skips it as a duplicate when its content hash is known, else
imports it (bank statement, gateway settlement file or ERP invoice export) and records its hash
in the same transaction. Then the file is moved: to ``archive/YYYY-MM-DD/`` when imported or a
duplicate, to ``quarantine/`` with a ``.reason.txt`` when it failed. An expected failure
(``ImportFailure``, ``ReportError``, ``ServiceError``) is quarantined with its message, file,
line and field; anything else is a bug: quarantined with the traceback and marked as such.
Never raises for a bad file; the caller counts the outcomes.
"""

from __future__ import annotations

import datetime as dt
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gateways.errors import GatewayError
from importers.errors import ImportFailure
from recon.db.types import utcnow
from recon.errors import ServiceError
from recon.models.run import InboxFile
from recon.money import MoneyError
from recon.run import inbox
from recon.run.importers import import_by_kind
from recon.run.settings import RunSettings

__all__ = ["EXPECTED", "FileOutcome", "process_file", "reason_text"]

EXPECTED: tuple[type[BaseException], ...] = (
    ImportFailure,
    GatewayError,
    ServiceError,
    MoneyError,
)


@dataclass
class FileOutcome:
    """What became of one inbox file."""

    name: str
    kind: str = "?"
    outcome: str = "imported"  # imported | duplicate | quarantined
    lines: int = 0
    detail: str = ""
    bug: bool = False
    moved_to: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "kind": self.kind,
            "outcome": self.outcome,
            "lines": self.lines,
            "detail": self.detail,
            "bug": self.bug,
            "moved_to": self.moved_to,
        }


def process_file(
    factory: sessionmaker[Session],
    item: inbox.InboxItem,
    *,
    run_id: int,
    day: dt.date,
    actor: str,
    options: RunSettings,
    max_bytes: int,
) -> FileOutcome:
    """Import, dedupe or quarantine ``item``; the database work is one transaction."""
    result = FileOutcome(item.label)
    try:
        data = _read(item, max_bytes)
        digest = inbox.sha256_of(data)
        result.kind = inbox.classify(item.name, data, options.invoice_patterns)
        if _known(factory, digest):
            result.outcome, result.detail = "duplicate", "same content imported before"
            result.moved_to = str(inbox.archive(item, options.inbox, day, duplicate=True))
            return result
        with factory.begin() as session:
            summary = import_by_kind(
                session, result.kind, item.name, data, actor=actor, account=item.account,
                max_bytes=max_bytes, strict=options.balance_check_strict,
            )
            session.add(
                InboxFile(
                    sha256=digest,
                    file_name=item.name,
                    kind=result.kind,
                    run_id=run_id,
                    detail=summary.as_json(),
                )
            )
        result.lines, result.detail = summary.lines, summary.text
    except EXPECTED as exc:
        return _quarantine(item, options.inbox, result, exc, bug=False)
    except Exception as exc:  # a bug: keep going with the other files (STYLE §9)
        return _quarantine(item, options.inbox, result, exc, bug=True)
    result.moved_to = str(inbox.archive(item, options.inbox, day))
    return result


def _read(item: inbox.InboxItem, max_bytes: int) -> bytes:
    if item.size > max_bytes:
        raise ImportFailure(
            f"file is {item.size} bytes, over the limit of {max_bytes}", file=item.name
        )
    return item.path.read_bytes()


def _known(factory: sessionmaker[Session], digest: str) -> bool:
    with factory() as session:
        return session.scalar(select(InboxFile.id).where(InboxFile.sha256 == digest)) is not None


def _quarantine(
    item: inbox.InboxItem, folder: Path, result: FileOutcome, exc: BaseException, *, bug: bool
) -> FileOutcome:
    result.outcome, result.bug = "quarantined", bug
    result.detail = _one_line(exc, bug)
    reason = reason_text(item.label, result.kind, exc, bug=bug)
    result.moved_to = str(inbox.quarantine(item, folder, reason))
    return result


def _one_line(exc: BaseException, bug: bool) -> str:
    prefix = f"BUG {type(exc).__name__}: " if bug else ""
    return prefix + str(exc).splitlines()[0] if str(exc) else prefix + type(exc).__name__


def reason_text(name: str, kind: str, exc: BaseException, *, bug: bool) -> str:
    """The ``.reason.txt`` of a quarantined file: file, line, field, value, message."""
    lines = [
        f"file: {name}",
        f"kind: {kind}",
        f"when: {utcnow():%Y-%m-%d %H:%M:%S} UTC",
        "verdict: "
        + (
            "BUG - unexpected error, please report it with this file"
            if bug
            else "rejected - the file has a problem; fix it and drop it again"
        ),
        f"error: {type(exc).__name__}",
        f"line: {_where(exc, 'line', 'row') or '-'}",
        f"field: {_where(exc, 'field') or '-'}",
    ]
    value = getattr(exc, "value", None)
    if value is not None:
        lines.append(f"value: {str(value)[:200]!r}")
    lines.append(f"message: {getattr(exc, 'message', None) or exc}")
    if getattr(exc, "field", None) == "account":
        lines.append(
            "hint: drop the file into a sub-folder of the inbox named after the bank "
            "account (e.g. inbox/DE89370400440532013000.EUR/ = account.currency)"
        )
    lines += _more_problems(exc)
    if bug:
        lines += ["", "traceback:", *traceback.format_exception(exc)]
    return "\n".join(lines).rstrip() + "\n"


def _where(exc: BaseException, *names: str) -> object:
    """``exc.line`` (or ``.field``), else the first listed problem's, else None."""
    problems = list(getattr(exc, "errors", None) or getattr(exc, "problems", None) or ())
    for source in (exc, *problems[:1]):
        for name in names:
            if getattr(source, name, None) is not None:
                return getattr(source, name)
    return None


def _more_problems(exc: BaseException) -> list[str]:
    """Every listed problem of an error that carries several (bad rows, bad records)."""
    problems = getattr(exc, "errors", None) or getattr(exc, "problems", None) or ()
    if len(problems) < 2:
        return []
    return ["", f"all {len(problems)} problems:", *(f"  {p}" for p in list(problems)[:100])]
