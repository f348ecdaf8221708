"""``:86:`` information-to-account-owner dialects (layer 3: text -> structured fields).

German DK/ZKA (``GVC?00..?20-?29..?32``, with SEPA keys ``EREF+``/``SVWZ+`` that may be
split across sub-fields, so ?20-?29 are joined first), Dutch SWIFT-structured
(``/EREF/../CNTP/iban/bic/name/../REMI/USTD//..``, lines joined without separator) and
free text. Returns a :class:`Details`; never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_GERMAN = re.compile(r"^\s*\d{3}\?|\?2\d")
_SUBFIELD = re.compile(r"\?(\d{2})")
_SEPA = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC)\+")
_DUTCH_KEYS = ("EREF", "ORDP", "BENM", "NAME", "ADDR", "REMI", "CNTP", "TRTP", "PREF",
               "MARF", "CSID", "RTRN", "ISDT", "IBAN", "BIC", "SUM", "BUSP", "PURP", "ULTC",
               "ULTD", "ID")
_DUTCH = re.compile(r"/(" + "|".join(_DUTCH_KEYS) + r")/")
_REMI_PREFIX = re.compile(r"^(USTD|STRD/CUR)/+")


@dataclass(frozen=True, slots=True)
class Details:
    """What a ``:86:`` text says about the counterparty and the payment."""

    remittance: str | None = None
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    end_to_end_id: str | None = None
    creditor_ref: str | None = None
    code: str | None = None
    return_reason: str | None = None
    """The Dutch ``/RTRN/`` code: the payment is a return (e.g. ``AC06``, ``MD06``)."""
    ultimate: str | None = None
    """The party the payer acts for: German SEPA ``ABWA+``, Dutch ``/ULTD/`` (name first)."""


def parse_details(text: str | None) -> Details:
    """Pick the dialect and parse it."""
    if not text or not text.strip():
        return Details()
    if _GERMAN.search(text):
        return _german(text)
    joined = text.replace("\n", "")
    if joined.startswith("/") and _DUTCH.search(joined):
        return _dutch(joined)
    return Details(remittance=" ".join(text.split()))


def _german(text: str) -> Details:
    flat = text.replace("\n", "")
    pieces = _SUBFIELD.split(flat)
    fields: dict[str, str] = {}
    for key, value in zip(pieces[1::2], pieces[2::2], strict=False):
        fields[key] = fields.get(key, "") + value
    purpose = "".join(fields.get(f"2{i}", "") for i in range(10))
    sepa = _sepa_keys(purpose)
    name = ((fields.get("32", "") + fields.get("33", "")).strip()) or None
    return Details(
        remittance=(sepa.get("SVWZ") or purpose or fields.get("00", "")).strip() or None,
        counterparty_name=name,
        counterparty_account=(sepa.get("IBAN") or fields.get("31", "")).strip() or None,
        end_to_end_id=_usable(sepa.get("EREF")),
        creditor_ref=sepa.get("KREF"),
        code=pieces[0].strip() or None,
        ultimate=_usable(sepa.get("ABWA")),
    )


def _sepa_keys(purpose: str) -> dict[str, str]:
    parts = _SEPA.split(purpose)
    return {k: v.strip() for k, v in zip(parts[1::2], parts[2::2], strict=False)}


def _dutch(text: str) -> Details:
    parts = _DUTCH.split(text)
    fields: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        fields.setdefault(key, value.strip("/ "))
    cntp = fields.get("CNTP", "").split("/")
    name = fields.get("NAME") or (cntp[2] if len(cntp) > 2 else "")
    account = fields.get("IBAN") or (cntp[0] if cntp else "")
    remi = fields.get("REMI", "")
    creditor = None
    if remi.startswith("STRD"):
        creditor = remi.rsplit("/", 1)[-1] or None
    remi = _REMI_PREFIX.sub("", remi)
    return Details(
        remittance=remi.strip() or None,
        counterparty_name=name.strip() or None,
        counterparty_account=account.strip() or None,
        end_to_end_id=_usable(fields.get("EREF")),
        creditor_ref=creditor,
        return_reason=fields.get("RTRN", "").split("/")[0].strip() or None,
        ultimate=_usable(fields.get("ULTD", "").split("/")[0]),
    )


def _usable(value: str | None) -> str | None:
    if not value or value.strip().upper() in ("NOTPROVIDED", "NONREF"):
        return None
    return value.strip()
