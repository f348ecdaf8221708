"""Web fixtures: an app on the test database, a client, and ``login(client, username, role)``.

``app`` has CSRF switched off so route tests can post plainly; ``csrf_app`` / ``csrf_client``
keep it on (the production setting) for the CSRF tests. ``login`` creates the user on first use
(password ``PASSWORD``) and logs in through the real ``/login`` form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from recon.access import users
from recon.config import AppSettings
from recon.models import User
from web import create_app

PASSWORD = "correct horse battery"
ROLES = ("viewer", "clerk", "approver", "admin")

LoginFn = Callable[..., FlaskClient]


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters in tests (production keeps argon2-cffi's defaults)."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024,
                                                         parallelism=1))


@pytest.fixture
def app(settings: AppSettings) -> Iterator[Flask]:
    app = create_app({"RECON_SETTINGS": settings, "TESTING": True, "WTF_CSRF_ENABLED": False})
    yield app
    app.extensions["recon.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def csrf_app(settings: AppSettings) -> Iterator[Flask]:
    app = create_app({"RECON_SETTINGS": settings, "TESTING": True})
    yield app
    app.extensions["recon.engine"].dispose()


@pytest.fixture
def csrf_client(csrf_app: Flask) -> FlaskClient:
    return csrf_app.test_client()


def ensure_user(
    session_factory: sessionmaker[Session], username: str, role: str, password: str = PASSWORD
) -> None:
    with session_factory.begin() as s:
        if s.scalar(select(User.id).where(User.username == username)) is None:
            users.create_user(s, username, password, role=role, actor="test")


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "no csrf_token in the page"
    return found.group(1)


@pytest.fixture
def login(session_factory: sessionmaker[Session]) -> LoginFn:
    """``login(client, "alice", "clerk")``: create the user if needed and log in; returns client."""

    def do(client: FlaskClient, username: str, role: str = "viewer") -> FlaskClient:
        ensure_user(session_factory, username, role)
        page = client.get("/login").get_data(as_text=True)
        data = {"username": username, "password": PASSWORD}
        if 'name="csrf_token"' in page:
            data["csrf_token"] = csrf_token(page)
        response = client.post("/login", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do
