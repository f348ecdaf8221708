"""SWIFT MT940/MT942 importer over wolph's ``mt-940`` (layers 3-4: tags -> ``ParsedFile``).

:mod:`importers.mt940_pre` cleans the text; ``mt940.parse_statements`` (never ``parse``,
which merges statements) reads the tags with a ``:61:`` pattern relaxed to allow the
18-character customer references ASN Bank writes. We then sign amounts ourselves (``RC``
is a debit, ``RD`` a credit; ``CR``/``DR`` are mark + funds code), infer entry-date years
nearest the value date, join ``:62M:``/``:60M:`` pages and parse ``:86:`` dialects.
Raises :class:`~importers.errors.BadRecord`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import mt940
from mt940 import tags as mt_tags

from importers.base import Importer, Source
from importers.errors import BadRecord, EmptyStatement
from importers.model import INCOMPLETE, ParsedFile, ParsedLine, ParsedStatement, Return
from importers.mt940_details import Details, parse_details
from importers.mt940_pre import TAG, checked_amounts, clean, decode_mt940
from importers.statements import finish_statement

_SNIFF = re.compile(rb"(^|[\r\n])\s*:(20|25|28C?|60F|61):", re.MULTILINE)
_RAW_KEYS = frozenset(("status", "amount", "id", "customer_reference", "bank_reference",
                       "extra_details"))
_SIGN = {"C": 1, "RD": 1, "EC": 1, "D": -1, "RC": -1, "ED": -1}


class Statement(mt_tags.Statement):
    """``:61:`` accepting customer references up to 34 characters (ASN Bank writes 18).

    The class keeps the name ``Statement``: mt-940 derives the processor slug from it, and
    its ``statement`` pre-processor clamps impossible dates like 30 February.
    """

    pattern = mt_tags.Statement.pattern.replace(r"[^\n]){0,16}", r"[^\n]){0,34}")


class Mt940Importer(Importer):
    """SWIFT MT940 customer statements and MT942 interim reports."""

    name = "mt940"
    title = "SWIFT MT940 / MT942"

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding

    def identify(self, source: Source) -> bool:
        head = source.head(4096)
        return b":61:" in head or len(_SNIFF.findall(head)) >= 2

    def parse(self, source: Source) -> ParsedFile:
        decoded = decode_mt940(source.data, source.filename, self.encoding)
        text, notes = clean(checked_amounts(decoded.text, source.filename))
        blocks = self._library_parse(text, source.filename)
        try:
            statements = _join_pages([_statement(b, source.filename) for b in blocks])
        finally:
            _release(blocks)
        if not statements:
            raise EmptyStatement("no :20: statement in the file", file=source.filename)
        return ParsedFile(source.filename, self.name,
                          tuple(finish_statement(s) for s in statements),
                          decoded.encoding, tuple(notes))

    def _library_parse(self, text: str, file: str) -> list:
        try:
            return mt940.parse_statements(text, tags={61: Statement()}, options=_OPTIONS)
        except (RuntimeError, ValueError, KeyError, TypeError, IndexError, AttributeError,
                ArithmeticError) as exc:  # the library's own parse errors are not typed
            line, field = _locate(text, str(exc))
            raise BadRecord(f"MT940 tag not understood: {exc}", file=file, line=line,
                            field=field) from exc


# The German ``:86:`` ?31 is the payer's account: mt-940 5.x glues it to the front of the
# name unless asked not to (its issue #132), and then the account is lost as evidence.
_OPTIONS = mt940.Options(applicant_iban=True)


def _release(blocks: list) -> None:
    """Break mt-940's transaction <-> collection back-references once we have read them.

    Each line's objects are then freed by reference counting at once instead of waiting
    for a cyclic GC pass over them all (0.3 s for 100,000 lines).
    """
    for block in blocks:
        block.transactions.clear()


def _locate(text: str, message: str) -> tuple[int | None, str | None]:
    """Best effort: the line of the tag named in an mt-940 error message."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = TAG.match(line)
        if match and line[match.end():].strip()[:12] and line[match.end():][:12] in message:
            return number, f":{match[1]}:"
    return None, None


def _balance(data: dict, *keys: str):
    for key in keys:
        if data.get(key) is not None:
            return data[key], key
    return None, None


def _statement(block, file: str) -> ParsedStatement:
    data = block.data
    opening, opening_key = _balance(data, "final_opening_balance", "intermediate_opening_balance")
    closing, closing_key = _balance(data, "final_closing_balance", "intermediate_closing_balance")
    currency = next((b.amount.currency for b in (opening, closing) if b is not None), None)
    account = data.get("account_identification")
    currency, account = _split_currency(account, currency)
    lines = tuple(_line(t, currency, file) for t in block.transactions)
    if currency is None:
        currency = next((ln.currency for ln in lines if ln.currency), None)
    # :62F: is mandatory: without it the message was cut short (lines may be missing)
    notes = [] if closing is not None or not opening else [
        f"{INCOMPLETE}no closing balance (:62F:), the statement may be cut short"]
    number = data.get("statement_number")
    sequence = "/".join(x for x in (number, data.get("sequence_number")) if x) or None
    return ParsedStatement(
        account_id=account, currency=currency, lines=lines,
        opening_balance=opening.amount.amount if opening else None,
        opening_date=_date(opening.date) if opening else None,
        closing_balance=closing.amount.amount if closing else None,
        closing_date=_date(closing.date) if closing else None,
        available_balance=data["available_balance"].amount.amount
        if data.get("available_balance") else None,
        period_start=_date(opening.date) if opening else None,
        period_end=_date(closing.date) if closing else None,
        statement_ref=data.get("transaction_reference"),
        sequence=f"{sequence}|{opening_key or ''}|{closing_key or ''}",
        warnings=tuple(notes),
    )


def _split_currency(account: str | None, currency: str | None) -> tuple[str | None, str | None]:
    """``NL77INGB0574908765EUR`` -> account and currency glued on by the bank."""
    if not account:
        return currency, None
    match = re.fullmatch(r"(.*?[\d\s])\s*([A-Z]{3})", account.strip())
    if match and (currency is None or match[2] == currency):
        return match[2], match[1].strip()
    return currency, account.strip()


def _date(value) -> date | None:
    return None if value is None else date(value.year, value.month, value.day)


def _entry_date(value: date, entry) -> date:
    """The entry date's year: the one that puts it nearest the value date."""
    if entry is None:
        return value
    try:  # the common case: the same year is within half a year, so it is the nearest
        same = date(value.year, entry.month, entry.day)
        if abs((same - value).days) <= 182:  # other years are >= 183 days away
            return same
    except ValueError:
        pass
    options = []
    for year in (value.year - 1, value.year, value.year + 1):
        try:
            options.append(date(year, entry.month, entry.day))
        except ValueError:
            continue
    return min(options, key=lambda d: abs((d - value).days)) if options else value


def _line(transaction, currency: str | None, file: str) -> ParsedLine:
    data = transaction.data
    status = data.get("status") or ""
    if status not in _SIGN:
        raise BadRecord("debit/credit mark not understood", file=file, field=":61:",
                        value=status)
    amount = abs(Decimal(data["amount"].amount)) * _SIGN[status]
    value_date = _date(data["date"])
    details = _details(data)
    customer = (data.get("customer_reference") or "").strip()
    others = [("customer_ref", customer)] if customer and customer != "NONREF" else []
    if extra := (data.get("extra_details") or "").strip():
        others.append(("supplementary", extra))
    if details.ultimate and details.ultimate != details.counterparty_name:
        others.append(("Ultimate", details.ultimate))  # the customer an agent pays for
    bank_ref = (data.get("bank_reference") or "").strip()
    returns = None
    if amount < 0 and (status == "RC" or details.return_reason):  # a credit taken back
        returns = Return(details.return_reason, details.end_to_end_id
                         or (customer if customer and customer != "NONREF" else None))
    return ParsedLine(
        booking_date=_entry_date(value_date, data.get("entry_date")),
        value_date=value_date, amount=amount,
        currency=data.get("currency") or currency,
        bank_ref=bank_ref if bank_ref and bank_ref.upper() != "NONREF" else None,
        bank_tx_code=data.get("id"), reversal=status.startswith("R"),
        counterparty_name=details.counterparty_name,
        counterparty_account=details.counterparty_account,
        remittance=details.remittance, end_to_end_id=details.end_to_end_id,
        creditor_ref=details.creditor_ref, other_refs=tuple(others), returns=returns,
        raw=":61:" + " ".join([f"{k}={v}" for k, v in data.items() if k in _RAW_KEYS])
        + "\n:86:" + (data.get("transaction_details") or ""),
    )


def _details(data: dict) -> Details:
    """Our ``:86:`` dialect parser, or mt-940's own German GV-code fields when it used them."""
    if data.get("transaction_details") or "purpose" not in data:
        return parse_details(data.get("transaction_details"))

    def get(*keys: str) -> str | None:
        return next(((data[k] or "").strip() or None for k in keys if data.get(k)), None)

    return Details(
        remittance=" ".join((data.get("purpose") or "").split()) or None,
        counterparty_name=get("applicant_name"),
        counterparty_account=get("applicant_iban", "gvc_applicant_iban"),
        end_to_end_id=get("end_to_end_reference"),
        creditor_ref=get("additional_position_reference"),
        code=get("transaction_code"),
        ultimate=get("deviate_applicant"),
    )


def _join_pages(statements: list[ParsedStatement]) -> list[ParsedStatement]:
    """Join ``:62M:`` -> ``:60M:`` continuation pages of one account into one statement."""
    from dataclasses import replace

    joined: list[ParsedStatement] = []
    for statement in statements:
        previous = joined[-1] if joined else None
        if (previous is not None and previous.sequence.endswith("intermediate_closing_balance")
                and "|intermediate_opening_balance|" in statement.sequence
                and previous.account_id == statement.account_id):
            joined[-1] = replace(
                previous, lines=previous.lines + statement.lines,
                closing_balance=statement.closing_balance, closing_date=statement.closing_date,
                period_end=statement.period_end, sequence=statement.sequence,
                available_balance=statement.available_balance,
                warnings=previous.warnings + statement.warnings)
        else:
            joined.append(statement)
    return [replace(s, sequence=s.sequence.split("|")[0] or None) for s in joined]
