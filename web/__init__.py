"""The Flask app: pages for treasury staff, a JSON API, and the gateways' webhook endpoints.

``create_app(config)`` builds the app from a mapping or, when none is given, from the
environment (``AppSettings.from_env``). Each area is a blueprint listed in ``BLUEPRINTS``; views
are thin and change state only through ``recon`` services. The platform wired here: Flask-Login
(``web.auth``), CSRF on every form (Flask-WTF; the token-authenticated API is exempt, the signed
webhooks are answered in front of Flask by ``web.webhooks``), Flask-Babel with English and
Simplified Chinese (``web.i18n``), security headers and one error handler answering JSON or HTML
(``web.errors``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from recon.config import AppSettings
from recon.db import make_engine, make_session_factory
from recon.tasks import make_celery
from web.context import _close_session, db_session, settings, transaction

__all__ = [
    "BLUEPRINTS",
    "CSRF_EXEMPT",
    "create_app",
    "csrf",
    "db_session",
    "settings",
    "transaction",
]

# Each area appends its blueprint here (one line): "web.<module>:<blueprint object>".
BLUEPRINTS: list[str] = [
    "web.auth:bp",
    "web.pages:bp",
    "web.records:bp",
    "web.admin:bp",
    "web.uploads:bp",
    "web.reports_now:bp",
    "web.api:bp",
    "web.queue:bp",
    "web.credit:bp",
    "web.customers:bp",
    "web.customer_records:bp",
    "web.collections:bp",
    "web.statement_links:bp",
    "web.triage:bp",
    "web.rules:bp",
    "web.work:bp",
    "web.queue_work:bp",
    "web.matching_now:bp",
]

# Message catalogs (folders of web/): the platform's, then one per area, each area appends its own.
TRANSLATION_DIRS: list[str] = [
    "translations",
    "translations_queue",
    "translations_controls",
    "translations_credit",
    "translations_collections",
    "translations_triage",
    "translations_tasks",
    "translations_hardening",
    "translations_errors",
]

# Blueprints (by name) that authenticate without cookies: bearer tokens (the gateways' signed
# webhooks never reach Flask: web.webhooks answers them in front of it).
CSRF_EXEMPT = ("api",)

csrf = CSRFProtect()


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """App factory. ``config`` may hold ``RECON_SETTINGS`` (an ``AppSettings``) and Flask keys."""
    config = dict(config or {})
    settings: AppSettings = config.pop("RECON_SETTINGS", None) or AppSettings.from_env()
    app = Flask(__name__)
    production = settings.environment == "production"
    app.config.update(
        SECRET_KEY=settings.require_secret_key(),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=production,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        BABEL_DEFAULT_LOCALE="en",
        BABEL_DEFAULT_TIMEZONE="UTC",
        BABEL_TRANSLATION_DIRECTORIES=";".join(TRANSLATION_DIRS),
    )
    app.config.update(config)
    app.extensions["recon.settings"] = settings
    engine = make_engine(settings.database_url)
    app.extensions["recon.engine"] = engine
    app.extensions["recon.session_factory"] = make_session_factory(engine)
    # background work (recon.tasks): published to the broker, or run in-process without one
    app.extensions["recon.celery"] = make_celery(settings, engine)
    app.teardown_appcontext(_close_session)
    _init_platform(app)
    for spec in BLUEPRINTS:
        module_name, _, attr = spec.partition(":")
        app.register_blueprint(getattr(importlib.import_module(module_name), attr))
    for name in CSRF_EXEMPT:
        if name in app.blueprints:
            csrf.exempt(app.blueprints[name])
    from web import ratelimit

    ratelimit.init_app(app, settings)  # after the blueprints: it wraps their views
    from web import webhooks

    webhooks.install(app)  # in front of Flask: POST /webhooks/<gateway> never reaches it
    return app


def _init_platform(app: Flask) -> None:
    from web import auth, errors, i18n, labels, nav

    csrf.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)  # service errors render in the request's language
    errors.init_app(app)
    nav.init_app(app)
