"""Web layer: words for the codes the services use, so no code reaches a page or an error.

Adjustment kinds and statuses (``bank_fee``, ``write_off``, ``pending_approval``,
``other_income`` ...) are stored as codes; ``label(code)`` gives the person's word for one, and
``plain(message)`` rewrites a service error's text (English, written for logs) so that the
codes in it read as words. The templates get ``label`` as a global. Raises nothing.
"""

from __future__ import annotations

import re

from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

__all__ = ["LABELS", "init_app", "label", "plain"]

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
}
# Fixed service messages (recon raises them in English, for logs): said in the person's language.
def _mark(text: str) -> str:
    """Marks a string for extraction (``pybabel extract -k _mark``); translated later."""
    return text


SERVICE_MESSAGES = (
    _mark("the preparer of a write-off cannot approve it (four eyes)"),
    _mark("a debit or refund cannot pay customer invoices"),
    _mark("a match needs at least one allocation or adjustment"),
    _mark("undo needs a reason"),
    _mark("a write-off needs a reason"),
    _mark("select at least one suggestion"),
    _mark("a rule needs a payer or a text to look for"),
    _mark("the rule's customer does not exist"),
    _mark("name the clearing account"),
    _mark("the lowest amount is above the highest"),
    _mark("an amount range needs a currency"),
    _mark("a note needs some text"),
    _mark("a view needs a name"),
    _mark("that view is not yours"),
)
_KNOWN = frozenset(SERVICE_MESSAGES)
_CODE = re.compile(r"\b(" + "|".join(re.escape(k) for k in LABELS if "_" in k) + r")\b")


def label(code: str | None) -> str:
    """The word for a code; an unknown code is shown with spaces, never with underscores."""
    if not code:
        return ""
    word = LABELS.get(code)
    return str(word) if word is not None else code.replace("_", " ")


def plain(message: str) -> str:
    """A service error's text in the person's language when it is a fixed message, else with
    every known code replaced by its word."""
    if message in _KNOWN:
        return gettext(message)
    return _CODE.sub(lambda m: label(m.group(1)), message)


def init_app(app: Flask) -> None:
    app.add_template_global(label, "label")
