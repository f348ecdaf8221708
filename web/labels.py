"""Web layer: words for the codes the services use, so no code reaches a page or an error.

Adjustment kinds and statuses (``bank_fee``, ``write_off``, ``pending_approval``,
``other_income`` ...) are stored as codes; ``label(code)`` gives the person's word for one, and
``plain(message)`` rewrites a text so that the codes in it read as words. ``render`` is how a
service error's message (``recon.errors.Message``: a message id and named parameters) reads in
the request's language: the id through the catalogs (``web/translations_errors`` holds the ids
of ``recon/``), a ``Money`` in the locale's money format, a ``Code`` as its word; ``init_app``
installs it, so ``str(exc)`` of a service error is already translated in a request. The
templates get ``label`` as a global. Raises nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask import Flask, has_request_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from recon.errors import Code, Codes, Message, set_renderer
from recon.money import Money
from web import i18n

__all__ = ["LABELS", "init_app", "label", "plain", "render"]

LABELS = {
    "bank_fee": _l("bank charges"),
    "fx_difference": _l("currency difference"),
    "discount": _l("discount"),
    "write_off": _l("write-off"),
    "other_income": _l("other income"),
    "own_transfer": _l("transfer between own accounts"),
    "refund": _l("refund"),
    "pending_approval": _l("waiting for approval"),
    "applied": _l("applied"),
    "proposed": _l("proposed"),
    "rejected": _l("rejected"),
    "reversed": _l("reversed"),
    "suggested": _l("suggested"),
    "auto": _l("matched automatically"),
    "manual": _l("matched by hand"),
    "undone": _l("undone"),
    "superseded": _l("replaced by a newer suggestion"),
    "payout_deposit": _l("payout deposit"),
    "fee_gap": _l("bank charges gap"),
    "unknown_payer": _l("unknown payer"),
    "line": _l("bank line"),
    "charge": _l("gateway charge"),
    "match": _l("match"),
    "adjustment": _l("adjustment"),
    "auto_threshold": _l("auto-confirm threshold"),
    "suggest_threshold": _l("suggestion threshold"),
    "writeoff_limit": _l("write-off limit"),
    "writeoff_limits": _l("write-off limits per currency"),
    "fee_tolerance_abs": _l("bank fee tolerance"),
    "fee_tolerance_pct": _l("bank fee tolerance (percent)"),
    "viewer": _l("viewer"),
    "clerk": _l("clerk"),
    "approver": _l("approver"),
    "admin": _l("administrator"),
    "paid": _l("paid"),
    "open": _l("open"),
    "partial": _l("partly paid"),
    "cancelled": _l("cancelled"),
    "attention": _l("needs attention"),
    "clean": _l("all clear"),
    "failed": _l("failed"),
    "interrupted": _l("interrupted"),
    "pending": _l("not sent yet"),
    "sent": _l("sent"),
    "dead": _l("given up"),
    "kept": _l("kept"),
    "broken": _l("broken"),
    "opt_out": _l("opted out"),
    "bounce": _l("bounced"),
}
_CODE = re.compile(r"\b(" + "|".join(re.escape(k) for k in LABELS if "_" in k) + r")\b")


def label(code: str | None) -> str:
    """The word for a code; an unknown code is shown with spaces, never with underscores."""
    if not code:
        return ""
    word = LABELS.get(code)
    return str(word) if word is not None else code.replace("_", " ")


def plain(message: object) -> str:
    """A message with every known code replaced by its word (a service error renders itself
    in the person's language first)."""
    return _CODE.sub(lambda m: label(m.group(1)), str(message))


def _param(value: Any) -> str:
    if isinstance(value, Money):
        return i18n.money(value.amount, value.currency)
    if isinstance(value, Code):
        return label(value.value)
    if isinstance(value, Codes):
        return gettext(", ").join(label(v) for v in value.values)
    if isinstance(value, Decimal):
        return i18n.number(value)
    return str(value)


def render(message: Message) -> str:
    """The message in the request's language (outside a request: English)."""
    if not has_request_context():
        return message.english()
    params = {k: _param(v) for k, v in message.params.items()}
    return gettext(message.msgid, **params) if params else gettext(message.msgid)


def init_app(app: Flask) -> None:
    app.add_template_global(label, "label")
    set_renderer(render)
