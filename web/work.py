"""Web layer: what needs the person today (dashboard lead, nav badge) and the site's small
files (the favicon, so no page logs a 404).

``lead()`` counts the open queue (served from the queue's cache), the items assigned to the
person and the write-offs waiting for approval; ``approvals_waiting()`` is the nav's badge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, current_app
from flask_login import current_user

from recon.models import ItemAssignment
from recon.queue.listing import queue_counts
from recon.queue.pending_writeoffs import pending_count
from web import audit_words, run_words
from web.context import db_session

__all__ = ["approvals_waiting", "bp", "lead"]

bp = Blueprint("site", __name__)
for _name, _fn in {**audit_words.GLOBALS, **run_words.GLOBALS}.items():  # words, every template
    bp.add_app_template_global(_fn, _name)


@bp.get("/favicon.ico")
def favicon() -> Any:
    """Browsers ask for /favicon.ico before reading any page; answer with the SVG icon."""
    icon = Path(current_app.static_folder or "static") / "favicon.svg"
    return Response(
        icon.read_bytes(),
        mimetype="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def approvals_waiting() -> int:
    return pending_count(db_session())


def lead() -> dict[str, int]:
    session = db_session()
    items = sum(c["count"] for c in queue_counts(session).values())
    mine = 0
    if current_user.is_authenticated:
        mine = int(session.scalar(
            sa.select(sa.func.count()).select_from(ItemAssignment)
            .where(ItemAssignment.assignee == current_user.username)) or 0)  # fmt: skip
    return {"items": items, "mine": mine, "approvals": approvals_waiting()}
