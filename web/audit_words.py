"""Web layer: audit events in words, with a link to the thing they are about.

The audit table stores codes (``match.accept``, ``statement_line:12``, before/after JSON) for
machines and auditors' exports; the audit page shows ``says(event)`` ("accepted a suggestion"),
``object_link(event)`` (where the object can be opened, and its name in words) and
``changes(event)`` (only what changed, one "field: before → after" per line, codes in words).
Templates get the three as globals (registered by ``web.work``). Raises nothing: an unknown
action reads with its dots as spaces, an unknown object as its type and id.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from web.labels import LABELS, label

__all__ = ["GLOBALS", "changes", "object_link", "says"]

ACTIONS = {
    "match.accept": _l("accepted a suggestion"),
    "match.reject": _l("rejected a suggestion"),
    "match.undo": _l("undid a match"),
    "match.supersede": _l("replaced an older suggestion"),
    "match.auto": _l("matched automatically"),
    "match.manual": _l("matched by hand"),
    "match.suggested": _l("suggested a match"),
    "adjustment.apply": _l("booked a difference or classification"),
    "adjustment.prepare": _l("sent a write-off for approval"),
    "adjustment.reject": _l("refused a write-off"),
    "adjustment.undo": _l("undid an adjustment"),
    "rule.create": _l("created a rule"),
    "rule.enable": _l("switched a rule on"),
    "rule.disable": _l("switched a rule off"),
    "rule.hit": _l("a rule was applied"),
    "item.assign": _l("assigned an item"),
    "item.unassign": _l("took an item back"),
    "item.note": _l("added a note"),
    "view.save": _l("saved a view"),
    "view.delete": _l("removed a view"),
    "matching.now": _l("ran matching"),
    "statements.import": _l("imported a bank statement"),
    "invoices.import": _l("imported invoices"),
    "invoice.create": _l("added an invoice"),
    "invoice.update": _l("changed an invoice"),
    "setting.change": _l("changed a setting"),
    "user.login": _l("logged in"),
    "user.login_failed": _l("failed to log in"),
    "user.create": _l("created a user"),
    "run.start": _l("started the daily run"),
    "bank_account.create": _l("added a bank account"),
    "gateway_event.receive": _l("received a gateway event"),
    "gateway_event.process": _l("processed a gateway event"),
    "alias.positive": _l("learned a payer name"),
    "alias.negative": _l("learned a payer is not this customer"),
}
OBJECTS = {
    "statement_line": (_l("bank line"),
                       lambda i: url_for("queue.detail", kind="line", receipt_id=i)),
    "gateway_transaction": (_l("gateway payment"),
                            lambda i: url_for("queue.detail", kind="charge", receipt_id=i)),
    "invoice": (_l("invoice"), lambda i: url_for("records.invoice_detail", invoice_id=i)),
    "recon_run": (_l("run"), lambda i: url_for("records.run_detail", run_id=i)),
    "rule": (_l("rule"), lambda i: url_for("rules.index") + f"#rule-{i}"),
    "match": (_l("match"), None),
    "adjustment": (_l("adjustment"), None),
    "job": (_l("matching job"), lambda i: url_for("matching.status", job=i)),
}  # fmt: skip


def says(event: Any) -> str:
    words = ACTIONS.get(event.action)
    return str(words) if words is not None else event.action.replace(".", " ").replace("_", " ")


def object_link(event: Any) -> tuple[str, str | None]:
    """(name in words, URL or None)."""
    name, link = OBJECTS.get(event.object_type, (None, None))
    text = f"{name or event.object_type.replace('_', ' ')} {event.object_id}"
    ident = event.object_id
    if link is None or not ident:
        return text, None
    try:
        return text, link(int(ident) if str(ident).isdigit() else ident)
    except Exception:
        return text, None


def _value(value: Any) -> str:
    if isinstance(value, str) and value in LABELS:
        return label(value)
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value[:5]) + (" …" if len(value) > 5 else "")
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {_value(v)}" for k, v in list(value.items())[:5])
    return "—" if value is None else str(value)


def changes(event: Any) -> list[str]:
    """One line per field that changed (or was set), codes in words."""
    before, after = event.before or {}, event.after or {}
    out = []
    for key in list(dict.fromkeys([*before, *after]))[:12]:
        old, new = before.get(key), after.get(key)
        if key in before and old == new:
            continue
        name = key.replace("_", " ")
        out.append(f"{name}: {_value(old)} → {_value(new)}" if key in before
                   else f"{name}: {_value(new)}")  # fmt: skip
    return out


GLOBALS = {"audit_says": says, "audit_object": object_link, "audit_changes": changes}
