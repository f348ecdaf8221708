"""OFX transaction and statement fields from the element tree (layer 3 of the OFX reader).

The fast path reads every value here, in one linear pass; the ofxparse path takes the
five core values from ofxparse and the rest (currency, references, raw text, line) from
here. Dates are the bank's calendar dates in the offset written. Raises ``BadRecord``
naming the ``STMTTRN`` line and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from importers.model import ParsedLine
from importers.ofx_sgml import EMPTY_FITID, Node, local_date
from importers.values import Where, check_date, currency_code, parse_amount

STATEMENT_TAGS = ("STMTRS", "CCSTMTRS", "INVSTMTRS")
_OFX_DATE = re.compile(r"\d{8}(\d{4,6})?")


@dataclass(frozen=True, slots=True)
class Core:
    """The values ofxparse also reads: amount, posted date, user date, id, name, memo."""

    amount: Decimal
    posted: date
    user: date | None
    fitid: str | None
    name: str | None
    memo: str | None
    checknum: str | None = None
    trntype: str | None = None


def ofx_date(text: str | None, where: Where) -> date:
    """The calendar date of an OFX date-time, never shifted to UTC."""
    value = local_date(text)
    if not value or not _OFX_DATE.fullmatch(value):
        raise where.error("date is missing" if not value else "not an OFX date", text)
    try:
        result = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError as exc:
        raise where.error(f"not a valid date: {exc}", text) from exc
    return check_date(result, where, text)


def core_from_tree(txn: Node, file: str) -> Core:
    """Read the core values ourselves (fast path)."""
    where = Where(file, txn.line, "STMTTRN")
    texts = txn.texts()  # one dict of the transaction's texts: a lookup per field
    user = texts.get("DTUSER")
    return Core(
        amount=parse_amount(texts.get("TRNAMT"), where.at("STMTTRN/TRNAMT")),
        posted=_date(texts.get("DTPOSTED"), where, "STMTTRN/DTPOSTED"),
        user=_date(user, where, "STMTTRN/DTUSER") if user else None,
        fitid=_fitid(texts.get("FITID")),
        name=_text(texts.get("NAME")) or _text(txn.value("PAYEE", "NAME")),
        memo=_text(texts.get("MEMO")),
        checknum=_text(texts.get("CHECKNUM")),
        trntype=_text(texts.get("TRNTYPE")),
    )


_DATES: dict[str, date] = {}  # OFX date text -> date: a statement repeats a few hundred


def _date(text: str | None, where: Where, field: str) -> date:
    """:func:`ofx_date`, remembering valid dates (a bad one raises here every time)."""
    found = _DATES.get(text) if text is not None else None
    if found is None:
        found = ofx_date(text, where.at(field))
        if text is not None and len(_DATES) < 50_000:
            _DATES[text] = found
    return found


def _fitid(value: str | None) -> str | None:
    value = _text(value)
    return None if value in (None, EMPTY_FITID) else value


def _text(value: str | None) -> str | None:
    return value.strip() or None if value else None


_OTHER_REFS = ("SRVRTID", "REFNUM", "CHECKNUM", "CORRECTFITID", "CORRECTACTION", "TRNTYPE")


def to_line(txn: Node, core: Core, currency: str | None, raw: str) -> ParsedLine:
    """A ``ParsedLine`` from the core values plus the tree's other fields."""
    texts = txn.texts()
    others = [(tag, v) for tag in _OTHER_REFS if (v := _text(texts.get(tag)))]
    account_to = txn.find("BANKACCTTO") or txn.find("CCACCTTO")
    return ParsedLine(
        booking_date=core.posted,
        value_date=core.user,
        amount=core.amount,
        currency=(currency_code(_text(txn.value("CURRENCY", "CURSYM"))) if "CURRENCY" in texts
                  else None) or currency,
        bank_ref=core.fitid,
        counterparty_name=core.name,
        counterparty_account=account_to.value("ACCTID") if account_to else None,
        remittance=" ".join(p for p in (core.name, core.memo) if p) or None,
        bank_tx_code=core.trntype.upper() if core.trntype else None,
        other_refs=tuple(others),
        raw=raw,
        source_line=txn.line,
    )


TRANSACTION = frozenset({"STMTTRN"})


def statement_nodes(root: Node) -> list[Node]:
    """Every statement aggregate in document order."""
    return list(root.iter(*STATEMENT_TAGS, skip=TRANSACTION))


def transactions(statement: Node) -> list[Node]:
    """Every ``STMTTRN`` of a statement, across several ``BANKTRANLIST``s, document order.

    The walk does not descend into a ``STMTTRN`` (one never holds another): a full
    ``iter`` visited every field of every transaction, three times per import.
    """
    found: list[Node] = []
    stack = list(reversed(statement.children))
    while stack:
        node = stack.pop()
        if node.tag == "STMTTRN":
            found.append(node)
        elif node.children:
            stack.extend(reversed(node.children))
    return found
