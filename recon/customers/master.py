"""Customer master data: edits from the UI and the optional contact columns of an invoice
file (``email``, ``phone``, ``language``, ``terms``), payer bank accounts. Audited, never commits.

Raises ``ServiceError`` naming the field for a value the master refuses (bad language, channel,
status, e-mail or terms).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.refs import account_key
from recon import audit
from recon.customers.masking import mask_account
from recon.errors import Codes, ServiceError
from recon.models import (
    COLLECTION_STATUSES,
    CONTACT_CHANNELS,
    LANGUAGES,
    Customer,
    CustomerBankAccount,
)

__all__ = [
    "CONTACT_COLUMNS",
    "CustomerUpdate",
    "add_bank_account",
    "apply_import_contact",
    "check_contact",
    "update_customer",
]

# Optional invoice-file columns that update the customer instead of the invoice's meta.
CONTACT_COLUMNS = ("email", "phone", "language", "terms")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE_ALIASES = {"en": "en", "english": "en", "zh": "zh-CN", "zh-cn": "zh-CN",
                     "zh_hans": "zh-CN", "zh-hans": "zh-CN", "中文": "zh-CN"}


@dataclass(frozen=True)
class CustomerUpdate:
    """Fields a person may change; ``None`` = leave as is (``""`` clears a text field)."""

    contact_name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    channel: str | None = None
    terms_days: int | None = None
    collection_status: str | None = None
    notes: str | None = None


def normalize_language(raw: str) -> str:
    """``zh``/``zh_Hans``/``中文`` -> ``zh-CN``, ``en``/``English`` -> ``en``."""
    value = _LANGUAGE_ALIASES.get(raw.strip().lower())
    if value is None:
        raise ServiceError("language: %(value)s is not one of %(choices)s", code="bad_language",
                           value=raw, choices=Codes(LANGUAGES))
    return value


def check_contact(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validated, normalised values; raises ``ServiceError`` naming the first bad field."""
    out = dict(values)
    if out.get("email"):
        out["email"] = str(out["email"]).strip()
        if not _EMAIL.match(out["email"]) or len(out["email"]) > 255:
            raise ServiceError("e-mail: %(value)s is not an e-mail address", code="bad_email",
                               value=out["email"])
    if out.get("phone"):
        out["phone"] = re.sub(r"[\s\-()]", "", str(out["phone"]))
        if not re.fullmatch(r"\+?\d{5,20}", out["phone"]):
            raise ServiceError("phone: %(value)s is not a phone number", code="bad_phone",
                               value=values["phone"])
    if out.get("language"):
        out["language"] = normalize_language(str(out["language"]))
    if out.get("channel") and out["channel"] not in CONTACT_CHANNELS:
        raise ServiceError("channel: %(value)s is not e-mail or SMS", code="bad_channel",
                           value=out["channel"])
    status = out.get("collection_status")
    if status and status not in COLLECTION_STATUSES:
        raise ServiceError("collection status: %(value)s is not one of %(choices)s",
                           code="bad_status", value=status, choices=Codes(COLLECTION_STATUSES))
    terms = out.get("terms_days")
    if terms is not None and not (0 <= int(terms) <= 365):
        raise ServiceError("payment terms: %(value)s days is not between 0 and 365",
                           code="bad_terms", value=terms)
    return out


def update_customer(
    session: Session, customer: Customer, change: CustomerUpdate, *, actor: str
) -> dict[str, Any]:
    """Apply ``change``; returns the changed fields (audited as ``customer.update``)."""
    wanted = {f.name: getattr(change, f.name) for f in fields(change)}
    wanted = check_contact({k: v for k, v in wanted.items() if v is not None})
    wanted = {k: (v if v != "" else None) for k, v in wanted.items()}
    for required in ("language", "channel", "collection_status"):
        if required in wanted and wanted[required] is None:
            del wanted[required]
    return _apply(session, customer, wanted, actor=actor, action="customer.update")


def apply_import_contact(
    session: Session, customer: Customer, raw: Mapping[str, str], *, actor: str
) -> dict[str, Any]:
    """Fill the master from an invoice row's optional contact columns (blank cells skipped)."""
    wanted: dict[str, Any] = {}
    for column in CONTACT_COLUMNS:
        value = (raw.get(column) or "").strip()
        if value:
            wanted["terms_days" if column == "terms" else column] = value
    if "terms_days" in wanted:
        wanted["terms_days"] = parse_terms(wanted["terms_days"])
    if not wanted:
        return {}
    return _apply(session, customer, check_contact(wanted), actor=actor,
                  action="customer.import_contact")


def parse_terms(raw: str) -> int:
    """``30``, ``net 30``, ``30天`` -> 30."""
    found = re.search(r"\d+", raw)
    if not found:
        raise ServiceError("payment terms: %(value)s has no number of days", code="bad_terms",
                           value=raw)
    return int(found.group())


def _apply(session: Session, customer: Customer, wanted: Mapping[str, Any], *, actor: str,
           action: str) -> dict[str, Any]:
    changed = {k: v for k, v in wanted.items() if getattr(customer, k) != v}
    if not changed:
        return {}
    before = {k: getattr(customer, k) for k in changed}
    for key, value in changed.items():
        setattr(customer, key, value)
    audit.record(session, actor=actor, action=action, obj=customer,
                 before=before, after=changed)
    return changed


def add_bank_account(
    session: Session, customer: Customer, number: str, *, actor: str
) -> CustomerBankAccount:
    """Record an account the customer pays from; the audit row holds only its masked form."""
    key = account_key(number)
    if not re.fullmatch(r"[A-Z0-9]{5,64}", key):
        raise ServiceError("account: not an account number (letters and digits, 5-64)",
                           code="bad_account")
    owner = session.scalar(select(CustomerBankAccount).filter_by(account_key=key))
    if owner is not None:
        if owner.customer_id != customer.id:
            raise ServiceError("account %(account)s belongs to another customer",
                               code="account_taken", account=mask_account(key))
        return owner
    row = CustomerBankAccount(customer_id=customer.id, account_key=key, created_by=actor)
    session.add(row)
    audit.record(session, actor=actor, action="customer.bank_account", obj=customer,
                 after={"account": mask_account(key)})
    return row
