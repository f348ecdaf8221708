"""Web layer: the API blueprint itself, its bearer-token authentication and role check.

Kept apart from the routes so that every module of routes on ``/api/v1`` (``web.api``,
``web.api_jobs``) imports it without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, g, request

from recon.access import users
from web.auth import WebUser
from web.context import transaction
from web.errors import ApiError

__all__ = ["bp", "token_roles"]

bp = Blueprint("api", __name__, url_prefix="/api/v1")
F = TypeVar("F", bound=Callable[..., Any])


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


@bp.before_request
def _authenticate() -> None:
    """Every API call needs a valid bearer token; its user is ``g.api_user``."""
    token = _bearer()
    user = None
    if token:
        with transaction() as session:
            found = users.user_for_token(session, token)
            user = WebUser.of(found) if found is not None else None
    if user is None:
        raise ApiError("a valid bearer token is required", 401,
                       headers={"WWW-Authenticate": 'Bearer realm="recon"'})
    g.api_user = user


def token_roles(*roles: str) -> Callable[[F], F]:
    """Only tokens of users with one of ``roles`` (or admin) may call the view (else 403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not g.api_user.has_role(*roles):
                raise ApiError(f"this call needs the role {' or '.join(roles)}", 403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate
