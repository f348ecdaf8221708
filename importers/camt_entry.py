"""camt ``Ntry`` -> ``ParsedLine`` records (layer 3 of the camt reader).

One entry becomes one line, except a batch entry with several ``TxDtls``: each detail is
its own line with its own amount. Direction comes from ``CdtDbtInd``; ``RvslInd`` is kept
as a flag and never flips the sign. Only ``BOOK`` entries are booked money. Raises
:class:`~importers.errors.BadRecord` naming the XML path of the bad field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from lxml import etree

from importers.errors import BadRecord
from importers.model import ParsedLine, Status
from importers.values import Where, currency_code, parse_amount, parse_iso_date
from importers.xmlsafe import (
    child,
    children,
    index,
    local,
    path_of,
    text,
    unindex,
)

STATUS = {"BOOK": Status.BOOKED, "PDNG": Status.PENDING, "INFO": Status.INFO}
REF_TAGS = ("InstrId", "TxId", "PmtInfId", "MsgId", "MndtId", "ChqNb", "UETR", "ClrSysRef")
PLACEHOLDER_REFS = {"NONREF", "NOTPROVIDED", "NONE"}


class XmlWhere(Where):
    """A ``Where`` whose XML path is only computed when an error is raised (it is O(n))."""

    __slots__ = ("element", "suffix")

    def __init__(self, file: str, element: etree._Element, suffix: str = "") -> None:
        super().__init__(file, element.sourceline, None)
        self.element, self.suffix = element, suffix

    def at(self, field: str) -> Where:
        return XmlWhere(self.file, self.element, self.suffix + field.rpartition("/")[2])

    def error(self, message: str, value: object = None) -> BadRecord:
        self.field = path_of(self.element) + (f"/{self.suffix}" if self.suffix else "")
        return super().error(message, value)


def where(element: etree._Element, file: str, name: str | None = None) -> Where:
    """A location naming the XML path (and line) of ``element`` or its child ``name``."""
    return XmlWhere(file, element, name or "")


def money(element: etree._Element, file: str, name: str = "Amt") -> tuple[Decimal, str | None]:
    """The unsigned amount and currency of child ``name`` of ``element``."""
    amount_el = child(element, name)
    if amount_el is None:
        raise where(element, file, name).error("amount is missing")
    loc = where(amount_el, file)
    value = parse_amount(amount_el.text, loc, decimal_comma=False)
    return value, currency_code(amount_el.get("Ccy"), where(amount_el, file, "@Ccy"))


def signed(value: Decimal, indicator: str | None, element: etree._Element, file: str) -> Decimal:
    """Apply ``CdtDbtInd``: DBIT is negative, CRDT positive, anything else an error."""
    if indicator == "CRDT":
        return value
    if indicator == "DBIT":
        return -value
    raise where(element, file, "CdtDbtInd").error("CdtDbtInd must be CRDT or DBIT", indicator)


def date_of(element: etree._Element | None, file: str) -> date | None:
    """The calendar date of a ``Dt``/``DtTm`` choice (also ``Dt`` holding a date-time)."""
    if element is None:
        return None
    value = text(element, "Dt") or text(element, "DtTm") or text(element, "Dt", "DtTm")
    return parse_iso_date(value, where(element, file)) if value else None


def date_at(root: etree._Element, name: str, file: str) -> date | None:
    """:func:`date_of` for child ``name`` of an indexed ``root`` (full-path dict lookups)."""
    value = (text(root, name + "/Dt") or text(root, name + "/DtTm")
             or text(root, name + "/Dt/DtTm"))
    return parse_iso_date(value, where(child(root, name), file)) if value else None


def _ref(value: str | None) -> str | None:
    return None if value is None or value.upper() in PLACEHOLDER_REFS else value


def bank_tx_code(entry: etree._Element) -> str | None:
    """``Domn/Cd/Fmly/Cd/SubFmlyCd`` joined by ``/``, else the proprietary code."""
    if child(entry, "BkTxCd/Domn") is not None:
        parts = (text(entry, "BkTxCd/Domn/Cd"), text(entry, "BkTxCd/Domn/Fmly/Cd"),
                 text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd"))
        return "/".join(p for p in parts if p)
    return text(entry, "BkTxCd/Prtry/Cd")


def parse_entry(
    entry: etree._Element, file: str, fallback_date: Callable[[], date | None],
    warnings: list[str],
) -> list[ParsedLine]:
    """All lines of one ``Ntry`` (several for a batch); oddities go to ``warnings``."""
    # the entry's fields are read outside NtryDtls, so each node is walked once
    details = [d for dtls in index(entry, skip="NtryDtls") for d in children(dtls, "TxDtls")]
    try:
        for detail in details:
            index(detail)
        return _parse_entry(entry, details, file, fallback_date, warnings)
    finally:
        unindex(entry, *details)


def _parse_entry(entry, details, file, fallback_date, warnings) -> list[ParsedLine]:
    amount, currency = money(entry, file)
    indicator = text(entry, "CdtDbtInd")
    total = signed(amount, indicator, entry, file)
    booked = date_at(entry, "BookgDt", file) or fallback_date()
    if booked is None:
        raise where(entry, file, "BookgDt").error("booking date is missing")
    if child(entry, "BookgDt") is None:
        warnings.append(f"Ntry line {entry.sourceline}: "
                        f"no BookgDt, used the message creation date")
    sts = text(entry, "Sts") or text(entry, "Sts/Cd") or "BOOK"
    common = {
        "booking_date": booked,
        "value_date": date_at(entry, "ValDt", file),
        "currency": currency,
        "status": STATUS.get(sts.upper(), Status.INFO),
        "reversal": (text(entry, "RvslInd") or "").lower() == "true",
        "bank_tx_code": bank_tx_code(entry),
        "source_line": entry.sourceline,
    }
    entry_ref = _ref(text(entry, "AcctSvcrRef"))
    if len(details) <= 1:
        detail = details[0] if details else None
        return [_line(entry, detail, total, entry_ref, common)]
    amounts = _detail_amounts(details, indicator, file)
    if amounts is None:
        warnings.append(f"Ntry line {entry.sourceline}: "
                        f"batch without detail amounts, kept as one line")
        return [_line(entry, None, total, entry_ref, common)]
    if sum(amounts) != total:
        warnings.append(f"Ntry line {entry.sourceline}: "
                        f"batch details sum to {sum(amounts)}, entry {total}")
    return [_line(entry, d, a, entry_ref, common) for d, a in zip(details, amounts, strict=True)]


def _detail_amounts(details, indicator: str | None, file: str) -> list[Decimal] | None:
    """Signed amounts of batch details (``AmtDtls/TxAmt`` or v3+ ``Amt``); None if absent."""
    amounts = []
    for detail in details:
        holder = child(detail, "AmtDtls", "TxAmt")
        if holder is None and child(detail, "Amt") is not None:
            holder = detail
        if holder is None:
            return None
        value, _ = money(holder, file)
        amounts.append(signed(value, text(detail, "CdtDbtInd") or indicator, detail, file))
    return amounts


def _line(entry, detail, amount, entry_ref, common) -> ParsedLine:
    refs = _leaves(child(detail, "Refs"))  # one pass instead of a find per reference
    debit = amount < 0
    party = "Cdtr" if debit else "Dbtr"
    others = [(tag, v) for tag in REF_TAGS if (v := refs.get(tag))]
    if (tx_ref := refs.get("AcctSvcrRef")) and tx_ref != entry_ref:
        others.append(("TxAcctSvcrRef", tx_ref))
    if ntry_ref := text(entry, "NtryRef"):
        others.append(("NtryRef", ntry_ref))
    if reason := text(detail, "RtrInf/Rsn/Cd"):
        others.append(("ReturnReason", reason))
    return ParsedLine(
        amount=amount,
        bank_ref=entry_ref or _ref(tx_ref),
        counterparty_name=_party_name(detail, party),
        counterparty_account=_party_account(detail, party),
        remittance=_remittance(entry, detail),
        end_to_end_id=_ref(refs.get("EndToEndId")),
        creditor_ref=text(detail, "RmtInf/Strd/CdtrRefInf/Ref"),
        invoice_refs=_invoice_refs(detail),
        other_refs=tuple(others),
        raw=etree.tostring(entry, encoding="unicode", with_tail=False)[:4000],
        **common,
    )


def _invoice_refs(detail) -> tuple[str, ...]:
    if child(detail, "RmtInf/Strd") is None:  # the common case: no structured remittance
        return ()
    return tuple(v for s in children(child(detail, "RmtInf"), "Strd")
                 for d in children(s, "RfrdDocInf") if (v := text(d, "Nb")))


def _leaves(element) -> dict[str, str]:
    """Stripped texts of the direct children of ``element`` by tag (empty when None)."""
    if element is None:
        return {}
    return {local(c): v for c in element if c.text and (v := c.text.strip())}


# full paths below the indexed detail, joined once: a dict lookup each, no ElementPath search
_PARTY_NAME = {p: (f"RltdPties/{p}/Nm", f"RltdPties/{p}/Pty/Nm", f"RltdPties/Ultmt{p}/Nm",
                   f"RltdPties/Ultmt{p}/Pty/Nm") for p in ("Cdtr", "Dbtr")}
_PARTY_ACCOUNT = {p: (f"RltdPties/{p}Acct/Id/IBAN", f"RltdPties/{p}Acct/Id/Othr/Id")
                  for p in ("Cdtr", "Dbtr")}


def _first_text(element, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if value := text(element, key):
            return value
    return None


def _party_name(detail, party: str) -> str | None:
    return _first_text(detail, _PARTY_NAME[party])


def _party_account(detail, party: str) -> str | None:
    return _first_text(detail, _PARTY_ACCOUNT[party])


def _remittance(entry, detail) -> str | None:
    info = child(detail, "RmtInf")
    parts = [p for u in children(info, "Ustrd") if (p := text(u))] if info is not None else []
    if p := text(detail, "AddtlTxInf"):
        parts.append(p)
    if not parts and (extra := text(entry, "AddtlNtryInf")):
        parts.append(extra)
    return " ".join(parts) or None


def is_entry(element: etree._Element) -> bool:
    """True for an ``Ntry`` directly inside a statement/report/notification."""
    parent = element.getparent()
    return local(element) == "Ntry" and parent is not None and local(parent) in RECORDS


RECORDS = {"Stmt": "camt.053", "Rpt": "camt.052", "Ntfctn": "camt.054"}
