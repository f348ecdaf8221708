"""OFX/QFX 1.x (SGML) and 2.x (XML) importer through ofxparse (layers 3-4).

:mod:`importers.ofx_sgml` pre-processes the file (our decoding, closed tags, local
dates); small files then go through ``ofxparse`` (``fail_fast=False``, every discarded
entry surfaced as a ``BadRecord``), large ones through our linear fast path in
:mod:`importers.ofx_fields`, because ofxparse's BeautifulSoup pass costs about 0.7 ms per
transaction. Both paths give the same result (tested on every fixture). OFX has no
opening balance: it is derived as ledger minus the listed lines. A non-zero ``STATUS``
is an :class:`~importers.errors.ErrorResponse`, not an empty statement.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal, InvalidOperation

from importers.base import Importer, Source
from importers.errors import BadRecord, BadRecords, EmptyStatement, ErrorResponse
from importers.model import ParsedFile, ParsedLine, ParsedStatement
from importers.ofx_fields import (
    TRANSACTION,
    Core,
    core_from_tree,
    ofx_date,
    statement_nodes,
    to_line,
    transactions,
)
from importers.ofx_sgml import EMPTY_FITID, Node, read, to_sgml
from importers.statements import derived_opening, finish_statement
from importers.values import Where, currency_code, parse_amount

_SNIFF = re.compile(rb"OFXHEADER|<OFX>", re.IGNORECASE)
FAST_PATH_OVER = 2000
"""Statements with more transactions than this skip ofxparse (linear fast path)."""


class OfxImporter(Importer):
    """OFX 1.x/2.x bank, credit-card and investment-cash statements (also QFX)."""

    name = "ofx"
    title = "OFX / QFX (1.x SGML and 2.x XML)"

    def __init__(self, fast_path_over: int = FAST_PATH_OVER) -> None:
        self.fast_path_over = fast_path_over

    def identify(self, source: Source) -> bool:
        return _SNIFF.search(source.head(4096)) is not None

    def parse(self, source: Source) -> ParsedFile:
        document = read(source.data, source.filename)
        root, file = document.root, source.filename
        if root.find("OFX") is None or b"</OFX>" not in source.data[-4096:].upper():
            raise BadRecord("file ends before </OFX>: truncated or not OFX", file=file,
                            line=source.data.count(b"\n") + 1, field="OFX")
        _check_status(root, file)
        nodes = statement_nodes(root)
        if not nodes:
            raise EmptyStatement("no STMTRS/CCSTMTRS/INVSTMTRS in the file", file=file)
        count = sum(len(transactions(n)) for n in nodes)
        cores = (_cores_from_tree(nodes, file) if count > self.fast_path_over
                 else _cores_from_ofxparse(root, nodes, file))
        statements = tuple(_statement(n, c, file) for n, c in zip(nodes, cores, strict=True))
        path = "fast path" if count > self.fast_path_over else "ofxparse"
        return ParsedFile(file, self.name, statements, document.encoding, (f"read by {path}",))


def _check_status(root: Node, file: str) -> None:
    for status in root.iter("STATUS", skip=TRANSACTION):
        code = (status.value("CODE") or "0").strip()
        if code != "0":
            message = status.value("MESSAGE") or "no message"
            raise ErrorResponse(
                f"the bank sent an error response: STATUS {code} "
                f"{status.value('SEVERITY') or ''} {message}".strip(),
                file=file, line=status.line, field="STATUS/CODE", value=code)


def _cores_from_tree(nodes: list[Node], file: str) -> list[list[Core]]:
    errors: list[BadRecord] = []
    result = []
    for node in nodes:
        cores = []
        for txn in transactions(node):
            try:
                cores.append(core_from_tree(txn, file))
            except BadRecord as exc:
                errors.append(exc)
        result.append(cores)
    if errors:
        raise BadRecords(errors)
    return result


def _cores_from_ofxparse(root: Node, nodes: list[Node], file: str) -> list[list[Core]]:
    text = to_sgml(root).encode("utf-8")
    import ofxparse  # BeautifulSoup and soupsieve: a tenth of a second, for small OFX files only

    try:
        parsed = ofxparse.OfxParser.parse(io.BytesIO(text), fail_fast=False)
    except (ofxparse.OfxParserException, ValueError, IndexError, AttributeError, TypeError,
            KeyError, ArithmeticError) as exc:  # the library's errors are not typed
        raise BadRecord(f"ofxparse could not read the file: {exc}", file=file) from exc
    accounts = _accounts_in_document_order(parsed.accounts, nodes)
    errors: list[BadRecord] = []
    result = []
    for node, account in zip(nodes, accounts, strict=True):
        statement = account.statement
        txns = transactions(node)
        errors += [_discarded(entry, txns, file) for entry in statement.discarded_entries]
        result.append([_core(t, node, file) for t in statement.transactions])
    if errors:
        _cores_from_tree(nodes, file)  # names the exact STMTTRN line and field, if it can
        raise BadRecords(errors)
    return result


def _accounts_in_document_order(accounts: list, nodes: list[Node]) -> list:
    """ofxparse lists bank, then card, then investment accounts; realign to the file."""
    by_kind: dict[str, list] = {"STMTRS": [], "CCSTMTRS": [], "INVSTMTRS": []}
    kinds = iter(["STMTRS"] * sum(n.tag == "STMTRS" for n in nodes)
                 + ["CCSTMTRS"] * sum(n.tag == "CCSTMTRS" for n in nodes)
                 + ["INVSTMTRS"] * sum(n.tag == "INVSTMTRS" for n in nodes))
    for account in accounts:
        by_kind[next(kinds)].append(account)
    return [by_kind[n.tag].pop(0) for n in nodes]


def _core(txn, node: Node, file: str) -> Core:
    amount = Decimal(txn.amount)
    return Core(amount=amount, posted=txn.date.date(),
                user=txn.user_date.date() if txn.user_date else None,
                fitid=None if txn.id in ("", EMPTY_FITID) else txn.id,
                name=txn.payee or None, memo=txn.memo or None,
                checknum=txn.checknum or None, trntype=txn.type or None)


def _discarded(entry: dict, txns: list[Node], file: str) -> BadRecord:
    """A ``BadRecord`` for an entry ofxparse discarded, located by its FITID/amount."""
    content = entry.get("content")
    fitid = content.find("fitid").get_text().strip() if content and content.find("fitid") else None
    node = next((t for t in txns if fitid and t.value("FITID") == fitid), txns[0] if txns else None)
    message = str(entry.get("error", "bad transaction")).split("(")[0].strip()
    field = next((f"STMTTRN/{tag}" for tag in ("DTPOSTED", "TRNAMT", "FITID")
                  if tag.lower() in message.lower().replace(" ", "")
                  or ("date" in message.lower() and tag == "DTPOSTED")
                  or ("amount" in message.lower() and tag == "TRNAMT")), "STMTTRN")
    return BadRecord(message, file=file, line=node.line if node else None, field=field)


def _statement(node: Node, cores: list[Core], file: str) -> ParsedStatement:
    notes: list[str] = []
    currency = currency_code(node.value("CURDEF"))
    txns = transactions(node)
    if currency is None:
        currency = next((c for t in txns if (c := currency_code(t.value("CURRENCY", "CURSYM")))),
                        None)
        notes.append("statement has no CURDEF" + (f"; lines say {currency}" if currency else ""))
    lines = tuple(to_line(t, c, currency, _raw(t)) for t, c in zip(txns, cores, strict=True))
    ledger = _balance(node, "LEDGERBAL", file, notes)
    account = node.find("BANKACCTFROM") or node.find("CCACCTFROM") or node.find("INVACCTFROM")
    if account is None:
        notes.append("no account aggregate: the account must be given on import")
    dates = [ofx_date(v, Where(file, node.line, t)) for t in ("DTSTART", "DTEND")
             if (v := node.value("BANKTRANLIST", t))]
    return finish_statement(ParsedStatement(
        account_id=account.value("ACCTID").strip() if account and account.value("ACCTID")
        else None,
        currency=currency, lines=lines,
        opening_balance=derived_opening(ledger[0], lines), opening_date=None,
        closing_balance=ledger[0], closing_date=ledger[1],
        available_balance=_balance(node, "AVAILBAL", file, [])[0],
        period_start=dates[0] if len(dates) == 2 else None,
        period_end=dates[1] if len(dates) == 2 else None,
        bank_id=(account.value("BANKID") or "").strip() or None if account else None,
        warnings=tuple(notes), investment=node.tag == "INVSTMTRS",
    ))


def _balance(node: Node, tag: str, file: str, notes: list[str]):
    aggregate = node.find(tag)
    if aggregate is None:
        return None, None
    where = Where(file, aggregate.line, f"{tag}/BALAMT")
    raw = aggregate.value("BALAMT")
    if not raw or not raw.strip():
        notes.append(f"{tag}/BALAMT is empty: no closing balance")
        return None, None
    try:
        amount = parse_amount(raw, where)
    except (BadRecord, InvalidOperation):
        notes.append(f"{tag}/BALAMT {raw!r} is not an amount")
        return None, None
    as_of = aggregate.value("DTASOF")
    return amount, ofx_date(as_of, where.at(f"{tag}/DTASOF")) if as_of else None


def _raw(txn: Node) -> str:
    parts = []
    for child in txn.children:
        parts.append(f"<{child.tag}>{child.text or ''}")
    return "<STMTTRN>" + "".join(parts)


__all__ = ["OfxImporter", "ParsedLine"]
