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

from web.audit_fields import FIELDS
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
    "alias.not_learned": _l("did not learn a payer name"),
    "alias.edit": _l("changed a payer name"),
    "alias.delete": _l("removed a payer name"),
    "adjustment.approve": _l("approved a write-off"),
    "user.logout": _l("logged out"),
    "user.locked": _l("was locked out"),
    "user.unlock": _l("unlocked a user"),
    "token.create": _l("created an API token"),
    "token.revoke": _l("revoked an API token"),
    "run.interrupted": _l("the daily run was interrupted"),
    "inbox.fetch": _l("fetched files into the inbox"),
    "invoice.disputed": _l("marked an invoice as disputed"),
    "gateway_txn.create": _l("recorded a gateway payment"),
    "gateway_txn.update": _l("updated a gateway payment"),
    "gateway_txn.refunds_itemised": _l("itemised the refunds of a gateway payment"),
    "gateway_report.import": _l("imported a settlement report"),
    "gateway_event.foreign": _l("stored an event of another account"),
    "gateway_event.fail": _l("failed to process a gateway event"),
    "gateway_account.add": _l("added a merchant account"),
    "fx.import": _l("imported exchange rates"),
    "credit.tier": _l("changed a credit tier"),
    "credit.recompute": _l("recomputed credit measures"),
    "credit.override": _l("overrode a credit tier"),
    "credit.override_cleared": _l("removed a credit tier override"),
    "credit.limit": _l("set a credit limit"),
    "credit.hold": _l("changed a credit hold"),
    "customer.update": _l("changed a customer"),
    "customer.rename": _l("renamed a customer"),
    "customer.import_contact": _l("took contact details from an invoice file"),
    "customer.export": _l("exported a customer's data"),
    "customer.erase": _l("erased a customer's personal data"),
    "customer.bank_account": _l("added a customer bank account"),
    "contact.log": _l("logged a contact"),
    "contact.follow_up_done": _l("finished a follow-up"),
    "dispute.open": _l("opened a dispute"),
    "dispute.resolve": _l("resolved a dispute"),
    "promise.create": _l("recorded a promise to pay"),
    "paylink.create": _l("created a pay link"),
    "paylink.register": _l("registered a pay link"),
    "reminder.create": _l("prepared a reminder"),
    "reminder.sent": _l("sent a reminder"),
    "reminder_template.save": _l("changed a reminder template"),
    "dunning_policy.create": _l("created a dunning policy"),
    "dunning_level.update": _l("changed a dunning level"),
    "money_back.raised": _l("flagged money that went back after payment"),
    "money_back.reduced": _l("reduced a money-back item"),
    "money_back.closed": _l("closed a money-back item"),
    "statements.return_linked": _l("linked a bank return to its credit"),
    "statements.return_unidentified": _l("queued a bank return whose credit is unknown"),
    "reports.now": _l("wrote a report on demand"),
}
# Actions whose second part is a status or reason (``run.attention``, ``reminder.failed``):
# the family in words and the status as its label.
FAMILIES = {
    "run": _l("the daily run ended: %(status)s"),
    "reminder": _l("reminder: %(status)s"),
    "promise": _l("promise to pay: %(status)s"),
    "suppression": _l("stopped sending to an address: %(status)s"),
    "match": _l("match: %(status)s"),
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
    "customer": (_l("customer"), None),
    "bank_account": (_l("bank account"), None),
    "gateway_event": (_l("gateway event"), None),
    "gateway_report": (_l("settlement report"), None),
    "fx_rate": (_l("exchange rates"), None),
    "credit_profile": (_l("credit profile"), None),
    "credit": (_l("credit measures"), None),
    "pay_link": (_l("pay link"), None),
    "statement_import": (_l("statement file"), None),
    "file": (_l("file"), None),
    "dunning_policy": (_l("dunning policy"), None),
    "dunning_level": (_l("dunning level"), None),
    "app_user": (_l("user"), None),
    "user": (_l("user"), None),
    "api_token": (_l("API token"), None),
    "setting": (_l("setting"), None),
    "suppression": (_l("suppressed address"), None),
    "customer_alias": (_l("payer name"), None),
    "customer_bank_account": (_l("customer bank account"), None),
    "promise_to_pay": (_l("promise to pay"), None),
    "dispute": (_l("dispute"), None),
    "contact_log": (_l("contact log"), None),
    "reminder": (_l("reminder"), None),
    "reminder_template": (_l("reminder template"), None),
    "gateway_account": (_l("merchant account"), None),
    "saved_view": (_l("saved view"), None),
    "item_note": (_l("note"), None),
    "item_assignment": (_l("assignment"), None),
    "bank_return": (_l("bank return"), None),
    "money_back_item": (_l("money-back item"), None),
    "import_job": (_l("file import"), None),
    "report": (_l("report"), None),
}  # fmt: skip


def says(event: Any) -> str:
    words = ACTIONS.get(event.action)
    if words is not None:
        return str(words)
    family, _, status = event.action.partition(".")
    if family in FAMILIES and status:
        return str(FAMILIES[family]) % {"status": label(status)}
    return event.action.replace(".", " ").replace("_", " ")


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
        name = str(FIELDS[key]) if key in FIELDS else key.replace("_", " ")
        out.append(f"{name}: {_value(old)} → {_value(new)}" if key in before
                   else f"{name}: {_value(new)}")  # fmt: skip
    return out


GLOBALS = {"audit_says": says, "audit_object": object_link, "audit_changes": changes}
