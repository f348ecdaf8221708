"""Users and API tokens, layer 2: create users, check passwords with lockout, issue bearer tokens.

Passwords are hashed with argon2id (argon2-cffi); tokens are random and only their SHA-256 is
stored, so the database never holds anything that logs in. ``authenticate`` returns the user or
``None`` and never says which part was wrong; after ``MAX_FAILED`` wrong passwords in a row the
account is locked for ``LOCK_MINUTES``. The failure counter is read and written under a row lock
(``SELECT ... FOR UPDATE``) and the per-address failure count under a transaction-scoped advisory
lock, so parallel logins cannot slip past either limit on PostgreSQL. ``ROLES`` is an order:
``role_allows`` is the one place that says a higher role may do what a lower one may. Each user
has a session nonce that the web login stores in the cookie; ``end_sessions`` renews it, which
ends every session of that user on the server (logout, a copied cookie). Raises
``ServiceError`` on bad input, ``NotFound`` for an unknown user. Like every service it takes a
``Session`` and never commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from recon import audit
from recon.db.types import as_utc, utcnow
from recon.errors import Codes, NotFound, ServiceError
from recon.models import ROLES, ApiToken, AuditEvent, User

__all__ = [
    "LOCK_MINUTES",
    "MAX_FAILED",
    "MIN_PASSWORD",
    "authenticate",
    "create_token",
    "create_user",
    "end_sessions",
    "hash_token",
    "is_locked",
    "revoke_tokens",
    "role_allows",
    "session_nonce",
    "unlock_user",
    "user_for_token",
]

MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def create_user(
    session: Session, username: str, password: str, *, role: str, actor: str
) -> User:
    """A new active user; raises ``ServiceError`` for a taken name, bad role or short password."""
    username = username.strip()
    if not username or len(username) > 64:
        raise ServiceError("a user name has 1-64 characters", code="bad_username")
    if role not in ROLES:
        raise ServiceError("unknown role %(role)s (one of %(choices)s)", code="bad_role",
                           role=role, choices=Codes.of(ROLES))
    if len(password) < MIN_PASSWORD:
        raise ServiceError("a password has at least %(count)s characters", code="short_password",
                           count=MIN_PASSWORD)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ServiceError("the user %(user)s already exists", code="user_exists", user=username)
    user = User(username=username, password_hash=_hasher.hash(password), role=role)
    user.active, user.failed_logins = True, 0
    session.add(user)
    audit.record(session, actor=actor, action="user.create", obj=user, after={"role": role})
    return user


def is_locked(user: User, now: dt.datetime | None = None) -> bool:
    """Whether ``user`` is inside a lockout window."""
    if user.locked_until is None:
        return False
    return as_utc(user.locked_until) > (now or utcnow())


def role_allows(role: str, *required: str) -> bool:
    """Whether ``role`` may do what the lowest of ``required`` may (``ROLES`` is ordered from
    viewer to admin; no ``required`` = any role)."""
    if role not in ROLES:
        return False
    return not required or ROLES.index(role) >= min(ROLES.index(r) for r in required)


def session_nonce(session: Session, user: User) -> str:
    """The nonce a new web session of ``user`` carries (made on first use)."""
    if not user.session_nonce:
        user.session_nonce = secrets.token_urlsafe(16)
        session.flush()
    return user.session_nonce


def end_sessions(session: Session, user_id: int, *, actor: str) -> None:
    """End every web session of the user on the server: their cookies stop working."""
    user = session.get(User, user_id, with_for_update=True)
    if user is not None:
        user.session_nonce = secrets.token_urlsafe(16)
        audit.record(session, actor=actor, action="user.logout", obj=user)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user when the password is right and the account active and unlocked, else ``None``.

    The user's row stays locked until the caller commits, so parallel attempts are checked and
    counted one after another (no lost failure, no login slipping past a lockout)."""
    user = session.scalar(
        select(User).where(User.username == username.strip()).with_for_update())
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return None
    if is_locked(user):
        return None
    if not _verify(user.password_hash, password):
        _failed(session, user)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, utcnow()
    return user


def record_failed_login(session: Session, *, address: str, username: str) -> None:
    """Audit a failed login from `address` (what the per-address throttle counts)."""
    audit.record(session, actor=_address_actor(address), action="user.login_failed",
                 object_type="user", after={"username": username.strip()[:64]})


def recent_failed_logins(session: Session, address: str, *, seconds: int) -> int:
    """Failed logins from `address` in the last `seconds`, across every worker and host: the
    count lives in the audit log, not in one process's memory (indexed actor/action/at).

    On PostgreSQL the count is taken under a transaction-scoped advisory lock on the address, so
    the caller's check-then-record is atomic: parallel attempts from one address queue behind
    each other until the caller commits (SQLite has one writer anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(_address_actor(address).encode()).digest()[:8],
                             "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    cutoff = utcnow() - dt.timedelta(seconds=seconds)
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.actor == _address_actor(address),
            AuditEvent.action == "user.login_failed", AuditEvent.at >= cutoff)
    ) or 0


def _address_actor(address: str) -> str:
    return f"address:{address}"[:64]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _failed(session: Session, user: User) -> None:
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILED:
        user.locked_until = utcnow() + dt.timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
        audit.record(
            session,
            actor="system",
            action="user.locked",
            obj=user,
            after={"locked_until": user.locked_until},
            reason=f"{MAX_FAILED} failed logins",
        )


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("there is no user %(user)s", code="user_not_found", user=username)
    return user


def unlock_user(session: Session, username: str, *, actor: str) -> User:
    """Lift a lockout (and reset the failure count) before it expires."""
    user = _user(session, username)
    before = {"locked_until": user.locked_until, "failed_logins": user.failed_logins}
    user.locked_until, user.failed_logins = None, 0
    audit.record(session, actor=actor, action="user.unlock", obj=user, before=before)
    return user


def revoke_tokens(session: Session, name: str, *, username: str, actor: str) -> int:
    """Revoke the user's live tokens called ``name``; returns how many."""
    user = _user(session, username)
    rows = [t for t in user.tokens if t.name == name and t.revoked_at is None]
    for row in rows:
        row.revoked_at = utcnow()
        audit.record(session, actor=actor, action="token.revoke", obj=row)
    return len(rows)


def hash_token(token: str) -> str:
    """The stored form of a bearer token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, name: str, *, username: str, actor: str) -> str:
    """Issue a bearer token for ``username``; returns the token (shown once, never stored)."""
    user = _user(session, username)
    token = "rct_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name[:64], token_hash=hash_token(token))
    session.add(row)
    audit.record(session, actor=actor, action="token.create", obj=row, after={"user": username})
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning an unrevoked ``token`` (and stamps its use), else ``None``."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user
