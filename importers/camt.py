"""ISO 20022 camt.052/.053/.054 importer (layers 2-4: XML events -> ``ParsedFile``).

Streams the document with :mod:`importers.xmlsafe` (hardened lxml): each ``Ntry`` is
turned into lines on its end tag and then cleared, so memory stays flat for large
files. Statements (``Stmt``/``Rpt``/``Ntfctn``) take opening OPBD else PRCD, closing
CLBD (never "first/last Bal"). Zipped deliveries are unpacked with limits. Raises
:class:`~importers.errors.BadRecords` listing every bad entry with its XML path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from lxml import etree

from importers import archive
from importers.base import Importer, Limits, Source
from importers.camt_entry import RECORDS, parse_entry
from importers.camt_fields import date_of, money, where
from importers.errors import BadRecord, BadRecords, EmptyStatement, UnknownFormat
from importers.model import ParsedFile, ParsedLine, ParsedStatement
from importers.statements import finish_statement
from importers.values import parse_iso_date
from importers.xmlflat import local_name
from importers.xmlsafe import (
    child,
    children,
    iter_end_events,
    local,
    namespace,
    strip_namespaces,
    text,
)

NAMESPACE = re.compile(r"urn:iso:std:iso:2002[0-9]:tech:xsd:camt\.05[234]\.001\.\d\d")
SNIFF = re.compile(rb"BkToCstmr(Stmt|AcctRpt|DbtCdtNtfctn)|camt\.05[234]")
MAX_ERRORS = 20
EVENT_TAGS = ("Ntry", "Stmt", "Rpt", "Ntfctn", "MsgPgntn", "BkToCstmrStmt",
              "BkToCstmrAcctRpt", "BkToCstmrDbtCdtNtfctn")


class CamtImporter(Importer):
    """camt.053 statements, camt.052 reports, camt.054 notifications; also zipped."""

    name = "camt"
    title = "ISO 20022 camt.052/.053/.054 (XML, or a zip of them)"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def identify(self, source: Source) -> bool:
        if archive.is_zip(source):
            return b".xml" in source.data[:1 << 16].lower() and b"xl/" not in source.data[:4096]
        head = source.head(8192).lstrip(b"\xef\xbb\xbf \t\r\n")
        return head.startswith(b"<") and SNIFF.search(head) is not None

    def parse(self, source: Source) -> ParsedFile:
        if archive.is_zip(source):
            return self._parse_zip(source)
        statements, warnings = read_document(source)
        return ParsedFile(source.filename, self.name, tuple(statements), "utf-8", tuple(warnings))

    def _parse_zip(self, source: Source) -> ParsedFile:
        statements: list[ParsedStatement] = []
        warnings: list[str] = []
        for member in archive.members(source, self.limits):
            if not self.identify(member):
                raise UnknownFormat(file=member.filename, tried=[self.name])
            found, notes = read_document(member)
            statements += found
            warnings += notes
        if not statements:
            raise EmptyStatement("zip holds no camt statement", file=source.filename)
        return ParsedFile(source.filename, self.name, tuple(statements), "utf-8", tuple(warnings))


def read_document(source: Source) -> tuple[list[ParsedStatement], list[str]]:
    """All statements of one camt XML document."""
    reader = _Reader(source.filename)
    feed = reader.feed
    for element in iter_end_events(source.data, source.filename, EVENT_TAGS):
        feed(element)
    return reader.finish()


class _Reader:
    """Collects lines per record while the parser streams end events."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[ParsedLine] = []
        self.notes: list[str] = []
        self.errors: list[BadRecord] = []
        self.statements: list[ParsedStatement] = []
        self.file_notes: list[str] = []
        self.root_checked = False
        self._record: etree._Element | None = None
        self._fallback_date: Callable[[], date | None] = lambda: None

    def feed(self, element: etree._Element) -> None:
        name = local_name(element.tag)
        if name == "Ntry":  # the bulk of the events: one test, then the parent's name
            parent = element.getparent()
            if parent is not None and local_name(parent.tag) in RECORDS:
                self._entry(element, parent)
        elif name.startswith("BkToCstmr"):
            self._check_namespace(namespace(element))
        elif name in RECORDS and local(element.getparent()).startswith("BkToCstmr"):
            # its entries are read and cleared (tails too): dropped here, so the record's own
            # lookups below (balances, ids, renaming) do not walk 100,000 empty siblings each
            for entry in list(element.iterchildren("{*}Ntry")):
                element.remove(entry)
            strip_namespaces(element)
            self.statements.append(self._statement(element))
            self.lines, self.notes = [], []
            element.clear()
        elif name == "MsgPgntn":
            strip_namespaces(element)
            if (text(element, "LastPgInd") or "").lower() == "false":
                self.file_notes.append(f"page {text(element, 'PgNb')} of a paginated message")

    def _entry(self, element: etree._Element, record: etree._Element) -> None:
        if record is not self._record:  # one fallback per record, not a closure per entry
            self._record, file = record, self.file
            self._fallback_date = lambda: _creation_date(record, file)
        try:
            self.lines += parse_entry(element, self.file, self._fallback_date, self.notes)
        except BadRecord as exc:
            if len(self.errors) < MAX_ERRORS:
                self.errors.append(exc)
        element.clear(keep_tail=False)

    def _check_namespace(self, uri: str) -> None:
        if uri and not NAMESPACE.fullmatch(uri):
            raise UnknownFormat(file=self.file, tried=[f"camt (unsupported namespace {uri})"])

    def _statement(self, record: etree._Element) -> ParsedStatement:
        account = child(record, "Acct")
        opening, closing = _balances(record, self.file)
        currency = (text(account, "Ccy") or _first_currency(self.lines)
                    or (opening or closing or (None, None, None))[1])
        notes = list(self.notes)
        if (copy := text(record, "CpyDplctInd")) is not None:
            notes.append(f"statement is marked {copy} (a re-sent copy)")
        for label, bal in (("opening", opening), ("closing", closing)):
            if bal and currency and bal[1] != currency:
                notes.append(f"{label} balance is in {bal[1]}, statement in {currency}")
        return finish_statement(ParsedStatement(
            account_id=text(account, "Id", "IBAN") or text(account, "Id", "Othr", "Id"),
            currency=currency,
            lines=tuple(self.lines),
            opening_balance=opening[0] if opening else None,
            opening_date=opening[2] if opening else None,
            closing_balance=closing[0] if closing else None,
            closing_date=closing[2] if closing else None,
            available_balance=_pick(record, self.file, ("CLAV",)),
            period_start=_period(record, "FrDtTm", self.file),
            period_end=_period(record, "ToDtTm", self.file),
            statement_ref=text(record, "Id"),
            sequence=text(record, "ElctrncSeqNb") or text(record, "LglSeqNb"),
            bank_id=_servicer(account),
            warnings=tuple(notes),
        ))

    def finish(self) -> tuple[list[ParsedStatement], list[str]]:
        if self.errors:
            raise BadRecords(self.errors)
        if not self.statements:
            raise EmptyStatement("no camt Stmt/Rpt/Ntfctn record in the file", file=self.file)
        return self.statements, self.file_notes


Balance = tuple[Decimal, str | None, date | None]


def _balances(record, file: str) -> tuple[Balance | None, Balance | None]:
    found: dict[str, Balance] = {}
    for bal in children(record, "Bal"):
        code = text(bal, "Tp", "CdOrPrtry", "Cd") or text(bal, "Tp", "CdOrPrtry", "Prtry")
        if code and code not in found:
            value, currency = money(bal, file)
            indicator = text(bal, "CdtDbtInd")
            if indicator not in ("CRDT", "DBIT"):
                raise where(bal, file, "CdtDbtInd").error("CdtDbtInd must be CRDT or DBIT",
                                                          indicator)
            found[code] = (-value if indicator == "DBIT" else value, currency,
                           date_of(child(bal, "Dt"), file) if child(bal, "Dt") is not None
                           else None)
    return found.get("OPBD") or found.get("PRCD"), found.get("CLBD")


def _pick(record, file: str, codes: tuple[str, ...]) -> Decimal | None:
    for bal in children(record, "Bal"):
        if text(bal, "Tp", "CdOrPrtry", "Cd") in codes:
            value, _ = money(bal, file)
            return -value if text(bal, "CdtDbtInd") == "DBIT" else value
    return None


def _period(record, name: str, file: str) -> date | None:
    value = text(record, "FrToDt", name) or text(record, "FrToDt", name[:2] + "Dt")
    return None if value is None else _iso(value, record, file)


def _iso(value: str, record, file: str) -> date:
    return parse_iso_date(value, where(record, file, "FrToDt"))


def _creation_date(record, file: str) -> date | None:
    found = record.find("{*}CreDtTm")  # the record itself is not renamed yet
    value = found.text.strip() if found is not None and found.text else None
    return None if value is None else _iso(value, record, file)


def _first_currency(lines: list[ParsedLine]) -> str | None:
    return next((line.currency for line in lines if line.currency), None)


def _servicer(account) -> str | None:
    agent = child(account, "Svcr", "FinInstnId")
    return text(agent, "BICFI") or text(agent, "BIC") or text(agent, "Nm")

