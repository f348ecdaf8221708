"""The navigation bar: the pages a user's role may open, in order, skipping areas not installed.

``nav_items()`` is available in every template (``base.html`` renders it). Another area's page
appears once its endpoint exists (the exception queue: ``queue.index``).
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

__all__ = ["NAV", "init_app", "nav_items"]

_ANY = ("viewer", "clerk", "approver", "admin")
# (endpoint, label, roles that see it)
NAV = (
    ("pages.dashboard", _l("Dashboard"), _ANY),
    ("queue.index", _l("Queue"), _ANY),
    ("triage.index", _l("Triage"), _ANY),
    ("records.invoices", _l("Invoices"), _ANY),
    ("records.gateways", _l("Gateways"), _ANY),
    ("records.runs", _l("Runs"), _ANY),
    ("admin.upload", _l("Upload"), ("clerk", "approver", "admin")),
    ("rules.index", _l("Rules"), _ANY),
    ("queue.approvals", _l("Approvals"), ("approver",)),
    ("records.audit", _l("Audit log"), _ANY),
    ("admin.settings_page", _l("Settings"), ("admin",)),
)


def nav_items() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    views = current_app.view_functions
    items = [
        (endpoint, str(label))
        for endpoint, label, roles in NAV
        if endpoint in views and current_user.has_role(*roles)
    ]
    return [(e, _with_count(e, label)) for e, label in items]


def _with_count(endpoint: str, label: str) -> str:
    """The approvals entry carries how many write-offs wait for a second person."""
    if endpoint != "queue.approvals":
        return label
    from web.work import approvals_waiting

    n = approvals_waiting()
    return f"{label} ({n})" if n else label


def init_app(app: Flask) -> None:
    from web.paging import page_url

    app.context_processor(lambda: {"nav_items": nav_items})
    app.add_template_global(page_url)
