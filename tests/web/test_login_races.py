"""Parallel logins on PostgreSQL (issue #14, item 1): the lockout counter and the per-address
throttle hold when many attempts arrive at once, as they do across gunicorn workers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy import func, select

from recon.access import users
from recon.config import AppSettings
from recon.db import make_session_factory
from recon.models import AuditEvent, User
from tests.web.conftest import PASSWORD, ensure_user
from web import auth, create_app

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(pg_url: str, settings: AppSettings) -> Iterator[Flask]:
    app = create_app({"RECON_SETTINGS": settings.with_(database_url=pg_url), "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    yield app
    app.extensions["recon.engine"].dispose()


def _post_all(app: Flask, forms: list[dict[str, str]], delays: list[float]) -> list[int]:
    barrier = threading.Barrier(len(forms))

    def one(i: int) -> int:
        client = app.test_client()
        barrier.wait()
        time.sleep(delays[i])
        return client.post("/login", data=forms[i]).status_code

    with ThreadPoolExecutor(len(forms)) as pool:
        return list(pool.map(one, range(len(forms))))


def test_parallel_wrong_passwords_lock_the_account(pg_app: Flask) -> None:
    factory = pg_app.extensions["recon.session_factory"]
    ensure_user(factory, "target", "clerk")
    wrong = [{"username": "target", "password": f"wrong-{i:02d}-guess"} for i in range(24)]
    right = {"username": "target", "password": PASSWORD}
    codes = _post_all(pg_app, [*wrong, right], [0.0] * 24 + [0.3])
    assert codes[-1] == 401, "the right password logged in although 24 wrong ones came first"
    with factory() as s:
        user = s.scalar(select(User).where(User.username == "target"))
        assert users.is_locked(user)
        locks = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "user.locked"))
    # every failure counted: 24 wrong passwords at 5 per lock, none lost (lock-outs stop counting)
    assert locks >= 1


def test_parallel_attempts_from_one_address_stop_at_the_limit(
    pg_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "IP_MAX_FAILURES", 30)
    # unknown users are checked against a dummy hash: make it as cheap as the test hasher
    monkeypatch.setattr(users, "_DUMMY_HASH", users._hasher.hash("not-a-real-password"))
    forms = [{"username": f"nobody{i}", "password": "wrong password"} for i in range(60)]
    codes = _post_all(pg_app, forms, [0.0] * 60)
    with make_session_factory(pg_app.extensions["recon.engine"])() as s:
        checked = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "user.login_failed"))
    assert checked <= 30, f"{checked} attempts were checked against a limit of 30"
    assert codes.count(401) == checked and codes.count(429) == 60 - checked
