"""The exception queue's blueprint and the receipt page both its modules render.

``web.queue`` (pages) and ``web.queue_actions`` (POST actions) both register routes on ``bp``
and answer with ``render_detail``; keeping them here lets both import it without importing each
other.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from recon import money_back
from recon.allocation import alias_policy
from recon.models import MONEY_BACK_CAUSES
from recon.money import minor_units
from recon.queue.detail import receipt_detail
from web.auth import require_login
from web.context import db_session, runtime

__all__ = ["KINDS", "bp", "render_detail"]

bp = Blueprint("queue", __name__, url_prefix="/queue")
require_login(bp)

KINDS = ("line", "charge")


def render_detail(kind: str, receipt_id: int, notice: tuple[str, str] | None = None) -> str:
    """The receipt page (also the fragment htmx swaps in after an action)."""
    data = receipt_detail(db_session(), kind, receipt_id)
    return render_template(
        "queue/detail.html",
        d=data,
        alias_offers=alias_policy.offers(db_session(), data.matches),
        notice=notice,
        limit=runtime().limit_for(data.item.currency),
        exp=_exponent(data.item.currency),
        money_back=money_back.items_of(db_session(), kind, receipt_id),
        money_back_causes=MONEY_BACK_CAUSES,
    )


def _exponent(currency: str) -> int:
    return minor_units(currency)
