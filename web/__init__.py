"""The Flask app: pages for treasury staff, a JSON API, and the gateways' webhook endpoints.

``create_app(config)`` builds the app from a mapping or, when none is given, from the
environment (``AppSettings.from_env``). Each area is a blueprint listed in ``BLUEPRINTS``; views
are thin and change state only through ``recon`` services.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from flask import Flask, g
from sqlalchemy.orm import Session

from recon.config import AppSettings
from recon.db import make_engine, make_session_factory

__all__ = ["BLUEPRINTS", "create_app", "db_session"]

# Each area appends its blueprint here (one line): "web.<module>:<blueprint object>".
BLUEPRINTS: list[str] = []


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """App factory. ``config`` may hold ``RECON_SETTINGS`` (an ``AppSettings``) and Flask keys."""
    config = dict(config or {})
    settings: AppSettings = config.pop("RECON_SETTINGS", None) or AppSettings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.require_secret_key(),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.environment == "production",
    )
    app.config.update(config)
    app.extensions["recon.settings"] = settings
    engine = make_engine(settings.database_url)
    app.extensions["recon.engine"] = engine
    app.extensions["recon.session_factory"] = make_session_factory(engine)
    app.teardown_appcontext(_close_session)
    for spec in BLUEPRINTS:
        module_name, _, attr = spec.partition(":")
        app.register_blueprint(getattr(importlib.import_module(module_name), attr))
    return app


def db_session() -> Session:
    """The request's session (created on first use, closed at the end of the request)."""
    if "db_session" not in g:
        from flask import current_app

        g.db_session = current_app.extensions["recon.session_factory"]()
    return g.db_session


def settings() -> AppSettings:
    from flask import current_app

    return current_app.extensions["recon.settings"]


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
