"""One error handler for the whole app: JSON for API and JSON requests, an HTML page otherwise.

``ApiError`` (and its subclasses) carry ``status_code`` and ``to_dict()``; HTTP errors
(``abort(403)``, CSRF failures) and service errors (``NotFound`` → 404, other ``ServiceError``
→ 422) are answered the same way. Also adds the security headers to every response.

Input no database column can hold is refused here, once for every view: a NUL character in a
query or form parameter (PostgreSQL refuses NUL in text) is 400 before any view runs, and a
value the database still refuses (``DataError``: a number out of range, text it cannot store)
is 422 naming the parameter-free reason, never a 500 with a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from recon.errors import NotFound, ServiceError

__all__ = ["HSTS", "SECURITY_HEADERS", "ApiError", "init_app", "wants_json"]

log = logging.getLogger(__name__)

_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class ApiError(Exception):
    """An error a view raises to answer ``status_code`` with a message (and optional details)."""

    status_code = 400

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        *,
        headers: dict[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        self.headers = headers or {}
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.message, "status": self.status_code, **self.details}


def wants_json() -> bool:
    """API paths, JSON bodies and clients asking for JSON get JSON errors."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _respond(error: ApiError) -> tuple[Any, int, dict[str, str]]:
    if wants_json():
        return jsonify(error.to_dict()), error.status_code, error.headers
    return render_template("errors.html", error=error), error.status_code, error.headers


def _http(exc: HTTPException) -> Any:
    if exc.code is None:
        return exc
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}  # e.g. Allow
    description = exc.description or exc.name
    if exc.code == 413:  # name the setting that raises the cap (local files have their own)
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        description = _("The file is larger than the upload limit of %(mib)s MiB; an "
                        "administrator can raise it with RECON_MAX_UPLOAD_BYTES, or import it "
                        "with the command line (recon statements import), whose limit is "
                        "RECON_MAX_FILE_BYTES.", mib=f"{limit / 1048576:g}")
    return _respond(ApiError(description, exc.code, headers=headers, title=exc.name))


def _service(exc: ServiceError) -> tuple[Any, int, dict[str, str]]:
    """The message in the request's language, with the stable machine ``code`` beside it."""
    return _respond(ApiError(str(exc), 404 if isinstance(exc, NotFound) else 422,
                             code=exc.code))


def _refuse_nul() -> None:
    """400 for a NUL in any query parameter (name or value), or in a form field of a page."""
    fields = list(request.args.items(multi=True))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += request.form.items(multi=True)
    for name, value in fields:
        if "\x00" in str(name) or "\x00" in str(value or ""):
            clean = str(name).replace("\x00", "")
            raise ApiError(_("Parameter %(name)s contains a NUL character.", name=clean),
                           400, field=clean)


def _data_error(exc: DataError) -> tuple[Any, int, dict[str, str]]:
    log.warning("refused input the database cannot store: %s", str(exc.orig)[:200])
    return _respond(ApiError(_("A value is out of range or cannot be stored."), 422))


# Sent with every answer (pages, API, and the webhooks, which Flask does not see: web.webhooks).
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Content-Security-Policy", _CSP),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")  # over HTTPS only


def _headers(response: Response) -> Response:
    headers = response.headers
    for name, value in SECURITY_HEADERS:
        headers.setdefault(name, value)
    if request.is_secure:
        headers.setdefault(*HSTS)
    if response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _respond)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(ServiceError, _service)
    app.register_error_handler(DataError, _data_error)
    app.before_request(_refuse_nul)
    app.after_request(_headers)
