"""Web layer: log in and out, who the current user is, and the role checks every view uses.

- ``roles_required(*roles)`` decorates a view: anonymous → redirect to ``/login`` (pages) or
  401 JSON (API / JSON requests); a role not listed → 403. ``admin`` passes every check.
- ``require_login(bp, *roles)`` does the same for every view of a blueprint (opt-in per blueprint,
  so the webhook endpoints stay public and are checked by signature instead).
- Throttling: ``recon.access.users`` locks an account after repeated wrong passwords; on top
  of that an address with too many recent failures gets 429. Failures are audit rows, so the
  count is shared by every gunicorn worker (and host), not kept in one worker's memory; the
  count and the new failure are one atomic step (see ``users.recent_failed_logins``).
- Sessions: the session id is ``"<user id>:<nonce>"`` (Flask-Login's alternative-token pattern);
  logout renews the user's nonce, so a copied cookie stops working on the server too.
- ``safe_next`` is the one check of every ``next`` the app redirects to: a path on this host.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from recon import audit
from recon.access import users
from recon.models import ROLES, User
from web.context import db_session, transaction
from web.errors import wants_json

__all__ = ["ROLES", "WebUser", "bp", "init_app", "require_login", "roles_required", "safe_next"]

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
F = TypeVar("F", bound=Callable[..., Any])

IP_WINDOW_SECONDS = 15 * 60
IP_MAX_FAILURES = 30


@dataclass(frozen=True)
class WebUser:
    """What a request knows about its user (detached from the database session)."""

    id: int
    username: str
    role: str
    nonce: str = ""
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return f"{self.id}:{self.nonce}"

    def has_role(self, *roles: str) -> bool:
        """The role is one of ``roles`` or above it (``users.role_allows``)."""
        return users.role_allows(self.role, *roles)

    @classmethod
    def of(cls, user: User, nonce: str = "") -> WebUser:
        return cls(id=user.id, username=user.username, role=user.role, nonce=nonce)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=1024)])


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)


def _load_user(session_id: str) -> WebUser | None:
    """The user of a session whose nonce is still the user's (else the session has ended)."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce or len(user_id) > 18:
        return None
    user = db_session().get(User, int(user_id))
    if user is None or not user.active or not user.session_nonce:
        return None
    if not hmac.compare_digest(user.session_nonce.encode(), nonce.encode()):
        return None
    return WebUser.of(user, nonce)


def _unauthorized() -> Any:
    if wants_json() or request.headers.get("HX-Request") == "true":
        abort(401)  # an htmx request must not swap the login page into a form
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _check(roles: tuple[str, ...]) -> Any:
    """None when the current user may go on, else the response (redirect / 401 / 403)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if roles and not current_user.has_role(*roles):
        abort(403)
    return None


def roles_required(*roles: str) -> Callable[[F], F]:
    """Let only users whose role is in ``roles`` (or admin) in; no roles = any logged-in user."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            denied = _check(roles)
            return denied if denied is not None else view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def require_login(blueprint: Blueprint, *roles: str) -> None:
    """Every view of ``blueprint`` needs a login (and one of ``roles`` when given)."""
    blueprint.before_request(lambda: _check(roles))


def safe_next(target: str | None, default: str = "pages.dashboard") -> str:
    """``target`` when it is a path on this host, else the URL of the endpoint ``default``.

    Browsers drop tabs and newlines from URLs and read a backslash as ``/`` (``/%09/evil``
    decoded, or ``/<backslash>evil``, becomes ``//evil``: another host), and a CR/LF would
    split the header: any control character or backslash refuses the target, as does a scheme
    or a host."""
    if not target or any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return url_for(default)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for(default)
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    error = None
    address = request.remote_addr or "-"
    if form.validate_on_submit():
        with transaction() as s:
            throttled = users.recent_failed_logins(
                s, address, seconds=IP_WINDOW_SECONDS) >= IP_MAX_FAILURES
            user = None if throttled else users.authenticate(
                s, form.username.data or "", form.password.data or "")
            if user is not None:
                audit.record(s, actor=user.username, action="user.login", obj=user)
                web_user = WebUser.of(user, users.session_nonce(s, user))
            elif not throttled:
                users.record_failed_login(s, address=address, username=form.username.data or "")
        if throttled:
            error = _("Too many attempts. Try again later.")
            return render_template("auth/login.html", form=form, error=error), 429
        if user is not None:
            lang = session.get("lang")
            session.clear()  # no session fixation: a fresh session for the logged-in user
            if lang:
                session["lang"] = lang
            login_user(web_user)
            return redirect(safe_next(request.args.get("next")))
        error = _("Wrong username or password, or the account is locked.")
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    if current_user.is_authenticated:
        with transaction() as s:
            users.end_sessions(s, current_user.id, actor=current_user.username)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/locale", methods=["POST"])
def set_locale() -> Any:
    """Switch the language (a form in the page header; also works before logging in)."""
    from web.i18n import LOCALES

    lang = request.form.get("lang", "")
    if lang not in LOCALES:
        abort(400, description="unknown language")
    session["lang"] = lang
    return redirect(safe_next(request.form.get("next")))
