"""The navigation bar: the pages a user's role may open, in order, skipping areas not installed.

``nav_items()`` is available in every template (``base.html`` renders it). Another area's page
appears once its endpoint exists (the exception queue: ``queue.index``). The approvals page
shows how many write-offs wait (``recon.queue.pending_writeoffs.pending_count``), for those who
decide or prepare them.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from recon.queue.pending_writeoffs import pending_count
from web.context import db_session

__all__ = ["NAV", "init_app", "nav_items"]

_ANY = ("viewer", "clerk", "approver", "admin")
# (endpoint, label, roles that see it)
NAV = (
    ("pages.dashboard", _l("Dashboard"), _ANY),
    ("queue.index", _l("Queue"), _ANY),
    ("queue.approvals", _l("Approvals"), ("clerk", "approver", "admin")),
    ("triage.index", _l("Triage"), _ANY),
    ("records.invoices", _l("Invoices"), _ANY),
    ("credit.index", _l("Credit"), _ANY),
    ("customers.index", _l("Customers"), _ANY),
    ("collections.preview", _l("Collections"), _ANY),
    ("records.gateways", _l("Gateways"), _ANY),
    ("records.runs", _l("Runs"), _ANY),
    ("admin.upload", _l("Upload"), ("clerk", "approver", "admin")),
    ("rules.index", _l("Rules"), _ANY),
    ("records.audit", _l("Audit log"), _ANY),
    ("admin.settings_page", _l("Settings"), ("admin",)),
)


def nav_items() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    views = current_app.view_functions
    return [
        (endpoint, _label(endpoint, str(label)))
        for endpoint, label, roles in NAV
        if endpoint in views and current_user.has_role(*roles)
    ]


def _label(endpoint: str, label: str) -> str:
    """The approvals entry carries how many write-offs wait for a second person."""
    if endpoint != "queue.approvals":
        return label
    waiting = pending_count(db_session())
    return _("Approvals (%(n)d waiting)", n=waiting) if waiting else label


def init_app(app: Flask) -> None:
    from web.paging import page_url

    app.context_processor(lambda: {"nav_items": nav_items})
    app.add_template_global(page_url)
