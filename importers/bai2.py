"""BAI2 / BTRS (version 2 and 3) importer (layers 3-4: records -> ``ParsedFile``).

Hand-written because the ``bai2`` package fails on half the real files. One statement
per ``03`` account record: 010 opening and 015 closing ledger, ``16`` details signed by
type-code range (101-399 credit, 401-699 debit), amounts in implied minor units of the
account currency, value dates from funds type ``V``. Control totals are verified and
mismatches reported as warnings. Raises :class:`~importers.errors.BadRecord`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from iso4217 import Currency

from importers.bai2_records import Record, records
from importers.base import Importer, Source
from importers.decoding import decode
from importers.errors import BadRecord, EmptyStatement
from importers.model import ParsedFile, ParsedLine, ParsedStatement, Return, Status
from importers.statements import finish_statement
from importers.values import Where, check_date, currency_code

_FIRST = re.compile(rb"\A(\xef\xbb\xbf)?\s*\d{2},[^\r\n]*/")
_KEYED = re.compile(r"^([A-Z]{2,5}):\s*(.*)$")


class Bai2Importer(Importer):
    """BAI2 cash-management balance reports (incl. BTRS version 3)."""

    name = "bai2"
    title = "BAI2 / BTRS balance and transaction report"

    def identify(self, source: Source) -> bool:
        return _FIRST.match(source.head(512)) is not None

    def parse(self, source: Source) -> ParsedFile:
        decoded = decode(source.data, file=source.filename, fallbacks=("cp1252",))
        reader = _Reader(source.filename)
        for record in records(decoded.text):
            reader.feed(record)
        statements = reader.finish()
        return ParsedFile(source.filename, self.name, tuple(statements), decoded.encoding,
                          tuple(reader.file_notes))


def _minor(raw: str, currency: str, where: Where) -> Decimal:
    raw = raw.strip()
    if not re.fullmatch(r"[+-]?\d+", raw):
        raise where.error("amount must be digits in minor units", raw)
    try:  # BAI2 amounts are in the currency's ISO 4217 minor units (VND 0, KWD 3)
        places = Currency(currency).exponent
    except ValueError:
        raise where.error(f"currency {currency} is not an ISO 4217 code", currency) from None
    return Decimal(raw).scaleb(-(2 if places is None else places))


def _yymmdd(raw: str, where: Where) -> date:
    raw = raw.strip()
    try:
        value = date(2000 + int(raw[:2]) if int(raw[:2]) < 70 else 1900 + int(raw[:2]),
                     int(raw[2:4]), int(raw[4:6]))
    except (ValueError, IndexError) as exc:
        raise where.error("not a YYMMDD date", raw) from exc
    return check_date(value, where, raw)


def _funds_extra(fields: list[str], at: int) -> int:
    """How many fields the funds type at ``fields[at]`` adds after itself."""
    kind = fields[at].strip().upper() if at < len(fields) else ""
    if kind == "V":
        return 2
    if kind == "S":
        return 3
    if kind == "D":
        count = fields[at + 1].strip() if at + 1 < len(fields) else "0"
        return 1 + 2 * int(count or 0) if count.isdigit() else 1
    return 0


class _Reader:
    """State machine over 01/02/03/16/49/98/99 records."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.group_currency = "USD"
        self.as_of: date | None = None
        self.account: dict | None = None
        self.statements: list[ParsedStatement] = []
        self.file_notes: list[str] = []
        self.seen_header = False

    def where(self, record: Record, field: str) -> Where:
        return Where(self.file, record.line, f"{record.code}.{field}")

    def feed(self, record: Record) -> None:
        if not self.seen_header and record.code != "01":
            raise BadRecord("first record must be the 01 file header", file=self.file,
                            line=record.line, field="record code", value=record.code)
        handler = getattr(self, f"_r{record.code}", None)
        if handler is None:
            raise BadRecord("unknown BAI2 record code", file=self.file, line=record.line,
                            field="record code", value=record.code)
        handler(record)

    def _r01(self, record: Record) -> None:
        self.seen_header = True
        version = record.fields[7].strip() if len(record.fields) > 7 else ""
        if version not in ("2", "3"):
            self.file_notes.append(f"BAI version {version or 'missing'} (expected 2 or 3)")

    def _r02(self, record: Record) -> None:
        fields = record.fields + [""] * 7
        self.as_of = _yymmdd(fields[3], self.where(record, "as-of date"))
        self.group_currency = currency_code(fields[5], self.where(record, "currency")) or "USD"

    def _r03(self, record: Record) -> None:
        if self.as_of is None:
            raise BadRecord("03 account record outside a 02 group", file=self.file,
                            line=record.line, field="03")
        fields = [*record.fields, "", ""]
        currency = currency_code(fields[1], self.where(record, "currency")) or self.group_currency
        self.account = {"id": fields[0].strip() or None, "currency": currency, "lines": [],
                        "balances": {}, "total": Decimal(0), "line": record.line, "notes": []}
        self._summaries(record, fields[2:], currency)

    def _summaries(self, record: Record, fields: list[str], currency: str) -> None:
        at = 0
        while at + 1 < len(fields):
            if not fields[at].strip():  # stray empty field (",,,/" then 88): resynchronise
                at += 1
                continue
            code, raw = fields[at].strip(), fields[at + 1].strip()
            if raw:
                amount = _minor(raw, currency, self.where(record, f"{code} amount"))
                self.account["total"] += amount
                self.account["balances"].setdefault(code, amount)
            at += 4 + _funds_extra(fields, at + 3)

    def _r16(self, record: Record) -> None:
        if self.account is None:
            raise BadRecord("16 detail outside an 03 account", file=self.file,
                            line=record.line, field="16")
        self.account["lines"].append(self._detail(record))

    def _detail(self, record: Record) -> ParsedLine:
        fields = record.fields + [""] * 4
        currency = self.account["currency"]
        code = fields[0].strip()
        amount = _minor(fields[1], currency, self.where(record, "amount"))
        self.account["total"] += amount
        extra = _funds_extra(fields, 2)
        value_date = (_yymmdd(fields[3], self.where(record, "value date"))
                      if fields[2].strip().upper() == "V" and fields[3].strip() else None)
        rest = fields[3 + extra:]
        texts = [t for t in [",".join(rest[2:]).strip(), *record.texts] if t.strip()]
        return _line(code, amount, currency, self.as_of, value_date, rest, texts, record)

    def _r49(self, record: Record) -> None:
        if self.account is None:
            raise BadRecord("49 trailer without an account", file=self.file, line=record.line,
                            field="49")
        stated = ([*record.fields, ""])[0].strip()
        total = _minor(stated, self.account["currency"], self.where(record, "control total")
                       ) if stated else None
        if total is not None and total != self.account["total"]:
            self.account["notes"].append(
                f"account control total {total} != sum of amounts {self.account['total']}")
        self.statements.append(self._statement())
        self.account = None

    def _statement(self) -> ParsedStatement:
        acct = self.account
        return finish_statement(ParsedStatement(
            account_id=acct["id"], currency=acct["currency"], lines=tuple(acct["lines"]),
            opening_balance=acct["balances"].get("010"),
            opening_date=self.as_of if "010" in acct["balances"] else None,
            closing_balance=acct["balances"].get("015"),
            closing_date=self.as_of if "015" in acct["balances"] else None,
            available_balance=acct["balances"].get("045"),
            period_start=self.as_of, period_end=self.as_of, warnings=tuple(acct["notes"]),
        ))

    def _r98(self, record: Record) -> None:
        self.as_of = None

    def _r99(self, record: Record) -> None:
        self.seen_trailer = True

    def finish(self) -> list[ParsedStatement]:
        if self.account is not None:
            self.file_notes.append("last account has no 49 trailer")
            self.statements.append(self._statement())
        if not getattr(self, "seen_trailer", False):
            raise BadRecord("no 99 file trailer: the file is truncated", file=self.file,
                            field="99")
        if not self.statements:
            raise EmptyStatement("BAI2 file holds no 03 account record", file=self.file)
        return self.statements


RETURN_CODES = frozenset({"552", "555", "556", "557", "558", "566", "694"})
"""BAI2 debit detail codes that take back an earlier credit: credit reversal (552), deposited
item returned (555), ACH return items (556 total, 557 individual), ACH reversal debit (558),
return item (566), deposit reversal (694). Fees (567) and adjustments (568) are not returns."""
_REASON = re.compile(r"\bReason:\s*\"?([A-Z]\d{2,3})\b")
_RETURN_OF = re.compile(r"Return of Client Ref ID:\s*([^,\s]+)")


def _returns(code: str, texts: list[str], eref: str | None, customer: str) -> Return | None:
    """The return this debit is (reason and original reference), None when it is none."""
    if code not in RETURN_CODES:
        return None
    text = " ".join(texts)
    reason, original = _REASON.search(text), _RETURN_OF.search(text)
    return Return(reason.group(1) if reason else None,
                  eref or (original.group(1) if original else None) or customer or None)


def _line(code, amount, currency, as_of, value_date, rest, texts, record) -> ParsedLine:
    number = int(code) if code.isdigit() else -1
    status = Status.BOOKED
    if 100 < number < 400:
        signed = amount
    elif 400 < number < 700:
        signed = -amount
    else:
        signed, status = amount, Status.INFO
    keyed = dict(m.groups() for t in texts if (m := _KEYED.match(t.strip())))
    debit = signed < 0
    customer = rest[1].strip() if len(rest) > 1 else ""
    return ParsedLine(
        booking_date=as_of, value_date=value_date, amount=signed, currency=currency,
        status=status, bank_ref=rest[0].strip() or None, bank_tx_code=code,
        counterparty_name=keyed.get("CRNM" if debit else "DBNM") or None,
        counterparty_account=keyed.get("CACT" if debit else "DACT") or None,
        end_to_end_id=keyed.get("EREF") or None,
        returns=_returns(code, texts, keyed.get("EREF"), customer) if debit else None,
        remittance=" ".join(t.strip() for t in texts) or None,
        other_refs=(("customer_ref", customer),) if customer else (),
        raw=",".join(["16", *record.fields]) + "".join(f"\n88,{t}" for t in record.texts),
        source_line=record.line,
    )
