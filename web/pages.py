"""Web layer: the dashboard (any logged-in user)."""

from __future__ import annotations

from flask import Blueprint, render_template

from web.auth import require_login

__all__ = ["bp"]

bp = Blueprint("pages", __name__)
require_login(bp)


@bp.route("/")
def dashboard() -> str:
    return render_template("pages/dashboard.html")
