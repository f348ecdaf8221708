"""Web layer: request rate limits on logging in and on searching, per address and per user.

Flask-Limiter does the counting in a shared store (``RECON_RATELIMIT_STORAGE_URI``, e.g.
``redis://127.0.0.1:6379/0``), so a limit holds across every gunicorn worker and host; the
default ``memory://`` counts per process, which is right for one worker or the demo only (a
warning at start-up says so in production). Each limited view gets two limits, one keyed by the
client address and one by the user (the username typed into the login form; the logged-in user
or API token's user on searches), so neither many addresses against one account nor one address
across many accounts gets past. A breach is the app's usual 429 (JSON or HTML, ``web.errors``).

The limits are attached here, to the registered views named in ``LIMITED``, so every rate limit
of the app is in one table. Searches count only when they search (a ``q`` parameter), so paging
through the queue stays free. The login's failure throttle and account lockout (``web.auth``,
``recon.access.users``) stay the authority on guessing; this caps the request rate in front.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

from recon.config import AppSettings

__all__ = ["LIMITED", "init_app"]

log = logging.getLogger(__name__)


def _address() -> str:
    return "addr:" + (get_remote_address() or "-")


def _login_user() -> str:
    return "login:" + (request.form.get("username") or "").strip().lower()[:64]


def _search_user() -> str:
    api_user = g.get("api_user")
    if api_user is not None:
        return f"user:{api_user.id}"
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return _address()


def _not_a_search() -> bool:
    return not (request.args.get("q") or "").strip()


def _not_a_post() -> bool:
    return request.method != "POST"


def _busy() -> str:
    return _("Too many requests. Try again in a minute.")


# endpoint -> (which rate setting, key of the per-user limit, when the request does not count)
LIMITED: dict[str, tuple[str, Callable[[], str], Callable[[], bool]]] = {
    "auth.login": ("login_rate_limit", _login_user, _not_a_post),
    "queue.index": ("search_rate_limit", _search_user, _not_a_search),
    "queue.invoices": ("search_rate_limit", _search_user, _not_a_search),
    "records.invoices": ("search_rate_limit", _search_user, _not_a_search),
}


def init_app(app: Flask, settings: AppSettings) -> Limiter:
    """Attach the limits of ``LIMITED`` to the app's registered views (call after blueprints)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.ratelimit_storage_uri)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    if settings.environment == "production" and settings.ratelimit_storage_uri == "memory://":
        log.warning("RECON_RATELIMIT_STORAGE_URI is not set: rate limits count per worker")
    limiter = Limiter(key_func=_address, app=app)
    for endpoint, (setting, user_key, exempt) in LIMITED.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        rate = getattr(settings, setting)
        for key in (_address, user_key):
            view = limiter.limit(rate, key_func=key, exempt_when=exempt, error_message=_busy,
                                 scope=f"{endpoint}:{key.__name__}")(view)
        app.view_functions[endpoint] = view
    app.extensions["recon.limiter"] = limiter
    return limiter
