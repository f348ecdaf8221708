"""Masking of personal and bank data for reminders, logs and pages (pure functions).

A full bank account number never appears in a reminder, a log line or a page: only its last
four characters. E-mail and phone masks are for roles that may not see contact data.
"""

from __future__ import annotations

import hashlib

__all__ = ["address_hash", "mask_account", "mask_email", "mask_phone"]


def mask_account(number: str | None) -> str:
    """``NL91ABNA0417164300`` -> ``••••4300``; short numbers are masked whole."""
    digits = "".join((number or "").split())
    if len(digits) <= 4:
        return "••••" if digits else ""
    return "••••" + digits[-4:]


def mask_email(address: str | None) -> str:
    """``ap@acme.example`` -> ``a•@acme.example``."""
    if not address or "@" not in address:
        return ""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•@{domain}"


def mask_phone(number: str | None) -> str:
    """``+8613800138000`` -> ``•••8000``."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    return "•••" + digits[-4:] if digits else ""


def address_hash(address: str) -> str:
    """What an erased customer's opt-out keeps of its address: enough to keep honouring it."""
    return "sha256:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()
