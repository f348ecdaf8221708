"""Daily run: one import function per inbox-file kind, over the services of each area.

``import_by_kind(session, kind, name, data, actor=...)`` calls the statement import
(``recon.services.statements.import_statement``), the gateway settlement import
(``recon.services.gateway_reports``) or the invoice import, in the caller's transaction, and
returns an ``ImportSummary``. Raises what those services raise, and ``Unavailable`` when the
service for a kind is not part of this build (the file then stays in the inbox).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from recon.services.invoices import import_invoices

__all__ = ["ImportSummary", "Unavailable", "import_by_kind"]

# Candidate entry points of the gateway-report service, first found wins.
_GATEWAY_FUNCS = ("import_report", "import_settlement_file", "import_settlement")


class Unavailable(RuntimeError):
    """The service that imports this kind of file is not installed in this build."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: a line count and one sentence for the summary."""

    lines: int
    text: str
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"lines": self.lines, "text": self.text, **self.data}


def import_by_kind(
    session: Session,
    kind: str,
    name: str,
    data: bytes,
    *,
    actor: str,
    account: str | None = None,
) -> ImportSummary:
    """Import one file of ``kind`` (``bank``, ``gateway`` or ``invoices``).

    ``account`` (the inbox sub-folder, ``ACCOUNT`` or ``ACCOUNT.CUR``) names the bank account
    (and currency) of a statement whose format does not carry them; other kinds ignore it.
    """
    if kind == "bank":
        return _bank(session, name, data, actor, account)
    return _IMPORTERS[kind](session, name, data, actor)


def _bank(
    session: Session, name: str, data: bytes, actor: str, account: str | None = None
) -> ImportSummary:
    statements = _module("recon.services.statements", "bank statement import")
    from importers.base import Source

    account, currency = _account_folder(account)
    report = statements.import_statement(
        session, Source(name, data), actor=actor, account=account, currency=currency
    )
    lines = _first_int(report, "lines_new", "new", "lines_total")
    return ImportSummary(lines, _text(report, f"{lines} new line(s)"), _fields(report))


def _account_folder(folder: str | None) -> tuple[str | None, str | None]:
    """``"NL91ABNA0417164300.EUR"`` -> (account, currency); a bare name is just the account."""
    if (
        folder
        and len(folder) > 4
        and folder[-4] == "."
        and folder[-3:].isalpha()
        and folder[-3:].isupper()
    ):
        return folder[:-4], folder[-3:]
    return folder, None


def _gateway(session: Session, name: str, data: bytes, actor: str) -> ImportSummary:
    module = _module("recon.services.gateway_reports", "gateway settlement import")
    func = next((getattr(module, f) for f in _GATEWAY_FUNCS if hasattr(module, f)), None)
    if func is None:
        raise Unavailable("gateway settlement import has no entry point yet")
    report = func(session, name, data, actor=actor)
    lines = _first_int(report, "created", "transactions", "lines", "rows")
    return ImportSummary(lines, _text(report, f"{lines} transaction(s)"), _fields(report))


def _invoices(session: Session, name: str, data: bytes, actor: str) -> ImportSummary:
    report = import_invoices(session, name, data, actor=actor)
    lines = report.created + report.updated
    return ImportSummary(
        lines, report.summary(), {"created": report.created, "updated": report.updated}
    )


def _module(path: str, what: str) -> Any:
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError as exc:
        if exc.name != path:
            raise
        raise Unavailable(f"{what} ({path}) is not available in this build") from exc


def _first_int(report: Any, *names: str) -> int:
    for name in names:
        value = getattr(report, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, list | tuple):
            return len(value)
    return 0


def _text(report: Any, default: str) -> str:
    summary = getattr(report, "summary", None)
    return str(summary()) if callable(summary) else default


def _fields(report: Any) -> dict[str, Any]:
    return (
        {k: v for k, v in vars(report).items() if isinstance(v, int | str)}
        if hasattr(report, "__dict__")
        else {}
    )


_IMPORTERS: dict[str, Callable[[Session, str, bytes, str], ImportSummary]] = {
    "bank": _bank,
    "gateway": _gateway,
    "invoices": _invoices,
}
