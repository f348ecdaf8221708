"""camt ``Ntry`` -> ``ParsedLine`` records (layer 3 of the camt reader).

One entry becomes one line, except a batch entry with several ``TxDtls``: each detail is
its own line with its own amount. Direction comes from ``CdtDbtInd``; ``RvslInd`` is kept
as a flag and never flips the sign; a debit with ``RtrInf`` or ``RvslInd`` takes back an earlier
credit (``ParsedLine.returns``: the reason code and the original end-to-end id). Only
``BOOK`` entries are booked money. Raises :class:`~importers.errors.BadRecord` naming the XML
path of the bad field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from lxml import etree

from importers.camt_fields import DATE_KEYS, date_at, entry_currency, money, signed, where
from importers.model import ParsedLine, Return, Status
from importers.values import parse_amount
from importers.xmlflat import Flat, local_name
from importers.xmlsafe import children, text

STATUS = {"BOOK": Status.BOOKED, "PDNG": Status.PENDING, "INFO": Status.INFO}
REF_TAGS = ("InstrId", "TxId", "PmtInfId", "MsgId", "MndtId", "ChqNb", "UETR", "ClrSysRef")
PLACEHOLDER_REFS = {"NONREF", "NOTPROVIDED", "NONE"}


_PLAIN_AMOUNT = re.compile(r"\d{1,15}(\.\d{1,6})?")
"""What ``parse_amount`` would take as it is (no blanks, sign or separators): read directly."""

def _ref(value: str | None) -> str | None:
    return None if value is None or value.upper() in PLACEHOLDER_REFS else value


def bank_tx_code(texts: dict[str, str | None], nodes: dict[str, object]) -> str | None:
    """``Domn/Cd/Fmly/Cd/SubFmlyCd`` joined by ``/``, else the proprietary code."""
    if "BkTxCd/Domn" in nodes:
        parts = (texts.get("BkTxCd/Domn/Cd"), texts.get("BkTxCd/Domn/Fmly/Cd"),
                 texts.get("BkTxCd/Domn/Fmly/SubFmlyCd"))
        return "/".join(p for p in parts if p)
    return texts.get("BkTxCd/Prtry/Cd")


def parse_entry(
    entry: etree._Element, file: str, fallback_date: Callable[[], date | None],
    warnings: list[str],
) -> list[ParsedLine]:
    """All lines of one ``Ntry`` (several for a batch); oddities go to ``warnings``."""
    # the entry's fields are read outside NtryDtls, so each node is walked once
    flat = Flat(entry, skip="NtryDtls")
    details = [Flat(d) for dtls in flat.skipped for d in dtls.iterchildren("{*}TxDtls")]
    return _parse_entry(flat, details, file, fallback_date, warnings)


def _parse_entry(flat: Flat, details: list[Flat], file: str,
                 fallback_date: Callable[[], date | None], warnings: list[str]
                 ) -> list[ParsedLine]:
    entry, texts, nodes = flat.element, flat.texts, flat.nodes
    amount_el = nodes.get("Amt")
    if amount_el is None:
        raise where(entry, file, "Amt").error("amount is missing")
    raw = amount_el.text
    amount = (Decimal(raw) if raw is not None and _PLAIN_AMOUNT.fullmatch(raw)
              else parse_amount(raw, where(amount_el, file), decimal_comma=False))
    currency = entry_currency(amount_el, file)
    indicator = texts.get("CdtDbtInd")
    total = signed(amount, indicator, entry, file)
    booked = date_at(flat, "BookgDt", DATE_KEYS["BookgDt"], file) or fallback_date()
    if booked is None:
        raise where(entry, file, "BookgDt").error("booking date is missing")
    line_no = entry.sourceline
    if "BookgDt" not in nodes:
        warnings.append(f"Ntry line {line_no}: no BookgDt, used the message creation date")
    sts = texts.get("Sts") or texts.get("Sts/Cd") or "BOOK"
    common = _Common(booked, date_at(flat, "ValDt", DATE_KEYS["ValDt"], file), currency,
                     STATUS.get(sts.upper(), Status.INFO),
                     (texts.get("RvslInd") or "").lower() == "true", bank_tx_code(texts, nodes),
                     line_no)
    entry_ref = _ref(texts.get("AcctSvcrRef"))
    if len(details) <= 1:
        detail = details[0] if details else None
        return [_line(flat, detail, total, entry_ref, common)]
    amounts = _detail_amounts(details, indicator, file)
    if amounts is None:
        warnings.append(f"Ntry line {line_no}: batch without detail amounts, kept as one line")
        return [_line(flat, None, total, entry_ref, common)]
    if sum(amounts) != total:
        warnings.append(f"Ntry line {line_no}: "
                        f"batch details sum to {sum(amounts)}, entry {total}")
    return [_line(flat, d, a, entry_ref, common) for d, a in zip(details, amounts, strict=True)]


def _detail_amounts(details: list[Flat], indicator: str | None, file: str
                    ) -> list[Decimal] | None:
    """Signed amounts of batch details (``AmtDtls/TxAmt`` or v3+ ``Amt``); None if absent."""
    amounts = []
    for detail in details:
        holder = detail.nodes.get("AmtDtls/TxAmt")
        if holder is None and "Amt" in detail.nodes:
            holder = detail.element
        if holder is None:
            return None
        value, _ = money(holder, file)
        amounts.append(signed(value, detail.texts.get("CdtDbtInd") or indicator,
                              detail.element, file))
    return amounts


_NONE: dict = {}


class _Common(NamedTuple):
    """What every line of one entry shares."""

    booking_date: date
    value_date: date | None
    currency: str | None
    status: Status
    reversal: bool
    bank_tx_code: str | None
    source_line: int | None


def _line(flat: Flat, detail: Flat | None, amount: Decimal, entry_ref: str | None,
          common: _Common) -> ParsedLine:
    texts, nodes = (detail.texts, detail.nodes) if detail is not None else (_NONE, _NONE)
    refs = _leaves(nodes.get("Refs"))  # one pass instead of a find per reference
    party = "Cdtr" if amount < 0 else "Dbtr"
    others = [(tag, v) for tag in REF_TAGS if (v := refs.get(tag))] if refs else []
    if (tx_ref := refs.get("AcctSvcrRef")) and tx_ref != entry_ref:
        others.append(("TxAcctSvcrRef", tx_ref))
    if ntry_ref := flat.texts.get("NtryRef"):
        others.append(("NtryRef", ntry_ref))
    reason = texts.get("RtrInf/Rsn/Cd") or texts.get("RtrInf/Rsn/Prtry")
    if reason:
        others.append(("ReturnReason", reason))
    name = _first_text(texts, _PARTY_NAME[party])
    if (ultimate := _first_text(texts, _PARTY_NAME[party][2:])) and ultimate != name:
        others.append(("Ultimate", ultimate))  # the customer an agent or a treasury pays for
    end_to_end = _ref(refs.get("EndToEndId"))
    returns = None
    if amount < 0 and (common.reversal or "RtrInf" in nodes):  # a credit taken back
        returns = Return(reason, end_to_end or _ref(refs.get("InstrId")))
    # positional, in ParsedLine's field order (no keyword dict per line)
    return ParsedLine(
        common.booking_date, amount, common.currency, entry_ref or _ref(tx_ref),
        common.value_date, common.status, name,
        _first_text(texts, _PARTY_ACCOUNT[party]), _remittance(flat, texts, nodes), end_to_end,
        texts.get("RmtInf/Strd/CdtrRefInf/Ref"),
        _invoice_refs(nodes) if "RmtInf/Strd" in nodes else (), common.bank_tx_code, None,
        common.reversal, returns, tuple(others),
        etree.tostring(flat.element, encoding="unicode", with_tail=False)[:4000],
        common.source_line,
    )


def _invoice_refs(nodes: dict[str, etree._Element]) -> tuple[str, ...]:
    return tuple(v for s in children(nodes["RmtInf"], "Strd")
                 for d in children(s, "RfrdDocInf") if (v := text(d, "Nb")))


def _leaves(element: etree._Element | None) -> dict[str, str]:
    """Stripped texts of the direct children of ``element`` by tag (empty when None)."""
    if element is None:
        return _NONE
    return {local_name(c.tag): v for c in element if c.text and (v := c.text.strip())}


# full paths below the flattened detail, joined once: a dict lookup each; the name of the
# party itself first, then of the ultimate party (``[2:]``) it acts for
_PARTY_NAME = {p: (f"RltdPties/{p}/Nm", f"RltdPties/{p}/Pty/Nm", f"RltdPties/Ultmt{p}/Nm",
                   f"RltdPties/Ultmt{p}/Pty/Nm") for p in ("Cdtr", "Dbtr")}
_PARTY_ACCOUNT = {p: (f"RltdPties/{p}Acct/Id/IBAN", f"RltdPties/{p}Acct/Id/Othr/Id")
                  for p in ("Cdtr", "Dbtr")}


def _first_text(texts: dict[str, str | None], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if value := texts.get(key):
            return value
    return None


def _remittance(flat: Flat, texts: dict[str, str | None], nodes: dict) -> str | None:
    parts = ([p for u in nodes["RmtInf"].iterchildren("{*}Ustrd")
              if (t := u.text) and (p := t.strip())]
             if "RmtInf/Ustrd" in nodes else [])
    if p := texts.get("AddtlTxInf"):
        parts.append(p)
    if not parts and (extra := flat.texts.get("AddtlNtryInf")):
        parts.append(extra)
    return " ".join(parts) or None


RECORDS = {"Stmt": "camt.053", "Rpt": "camt.052", "Ntfctn": "camt.054"}
