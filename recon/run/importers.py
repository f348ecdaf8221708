"""One import function per kind of incoming file (bank, gateway, invoices), shared by the daily
run's inbox, the web upload page and the JSON API.

``import_by_kind(session, kind, name, data, actor=..., strict=...)`` calls the statement import,
the gateway settlement import or the invoice import in the caller's transaction and returns an
``ImportSummary``; it raises whatever those services raise (``ImportFailure``,
``ReportError``, ``InvoiceImportError``, ...), so the caller decides between quarantine, 422
and an error message. ``strict`` is ``AppSettings.balance_check_strict``
(``RECON_BALANCE_CHECK_STRICT``): every path that imports a bank statement (CLI, daily run and
its inbox, web upload, API) passes it, so a statement that does not reconcile or is cut short
is refused on every path alike, never only on one; it has no default for that reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from importers.base import Limits, Source
from recon.gateway.reports import import_report
from recon.invoices.imports import import_invoices
from recon.statements.imports import NewAccounts, Progress, import_statement

__all__ = ["KINDS", "ImportSummary", "import_by_kind"]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: a line count and one sentence for the summary."""

    lines: int
    text: str
    data: dict[str, Any]
    warnings: tuple[str, ...] = ()
    """The importer's warnings in words (balance mismatches, skipped lines), for a person."""

    def as_json(self) -> dict[str, Any]:
        return {"lines": self.lines, "text": self.text, **self.data}


def import_by_kind(
    session: Session,
    kind: str,
    name: str,
    data: bytes,
    *,
    actor: str,
    strict: bool,
    account: str | None = None,
    max_bytes: int | None = None,
    accounts: NewAccounts | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one file of ``kind`` (``bank``, ``gateway`` or ``invoices``).

    ``account`` (the inbox sub-folder, ``ACCOUNT`` or ``ACCOUNT.CUR``) names the bank account
    (and currency) of a statement whose format does not carry them; other kinds ignore it.
    ``accounts`` and ``progress`` (the upload task) go to `import_statement`.
    """
    if kind == "bank":
        return _bank(session, name, data, actor, account, max_bytes, accounts, progress,
                     strict=strict)
    return _IMPORTERS[kind](session, name, data, actor)


def _bank(
    session: Session, name: str, data: bytes, actor: str, account: str | None = None,
    max_bytes: int | None = None, accounts: NewAccounts | None = None,
    progress: Progress | None = None, *, strict: bool = False,
) -> ImportSummary:
    account, currency = _account_folder(account)
    limits = Limits.for_size(max_bytes) if max_bytes else None
    report = import_statement(
        session, Source(name, data), actor=actor, account=account, currency=currency,
        limits=limits, accounts=accounts, progress=progress, strict=strict,
    )
    return ImportSummary(report.lines_new, report.summary(), {
        "format": report.format, "statements": report.statements,
        "lines_new": report.lines_new, "lines_known": report.lines_known,
        "lines_flagged": report.lines_flagged, "warnings": len(report.warnings),
    }, tuple(report.warnings))


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
    report = import_report(session, name, data, actor=actor)
    return ImportSummary(report.created + report.updated, report.summary(), {
        "format": report.format, "created": report.created, "updated": report.updated,
        "unchanged": report.unchanged, "settled": report.settled,
    }, tuple(report.warnings))


def _invoices(session: Session, name: str, data: bytes, actor: str) -> ImportSummary:
    report = import_invoices(session, name, data, actor=actor)
    return ImportSummary(report.created + report.updated, report.summary(),
                         {"created": report.created, "updated": report.updated})


_IMPORTERS: dict[str, Callable[[Session, str, bytes, str], ImportSummary]] = {
    "bank": _bank,
    "gateway": _gateway,
    "invoices": _invoices,
}
KINDS = tuple(_IMPORTERS)
