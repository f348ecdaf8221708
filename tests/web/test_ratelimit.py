"""Rate limits on login and search hold across workers (issue #14): two apps standing for two
gunicorn workers share one Redis store, and parallel requests through both stop at the limit,
per address and per user."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from flask import Flask

from recon.config import AppSettings
from tests.web.conftest import PASSWORD, ensure_user
from web import create_app

REDIS_URL = os.environ.get("RECON_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="module")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable")
    return REDIS_URL


@pytest.fixture
def workers(settings: AppSettings, redis_url: str) -> Iterator[tuple[Flask, Flask]]:
    """Two apps on one database and one Redis store, a fresh key prefix per test."""
    shared = settings.with_(ratelimit_storage_uri=redis_url, login_rate_limit="5/minute",
                            search_rate_limit="4/minute")
    prefix = f"recon-test-{uuid.uuid4().hex}"
    apps = tuple(create_app({"RECON_SETTINGS": shared, "TESTING": True,
                             "WTF_CSRF_ENABLED": False, "RATELIMIT_KEY_PREFIX": prefix})
                 for _ in range(2))
    yield apps
    for app in apps:
        app.extensions["recon.engine"].dispose()


def _parallel(apps: tuple[Flask, Flask], n: int, call: Callable[..., int]) -> list[int]:
    barrier = threading.Barrier(n)

    def one(i: int) -> int:
        client = apps[i % 2].test_client()
        barrier.wait()
        return call(client, i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def test_login_limit_per_address_holds_across_workers(workers) -> None:
    codes = _parallel(workers, 12, lambda c, i: c.post(
        "/login", data={"username": f"u{i}", "password": "wrong password"}).status_code)
    assert codes.count(429) == 7 and codes.count(401) == 5


def test_login_limit_per_user_holds_across_addresses(workers) -> None:
    def attempt(client, i: int) -> int:
        return client.post("/login", data={"username": "Carol", "password": "wrong password"},
                           environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"}).status_code

    codes = _parallel(workers, 12, attempt)
    assert codes.count(429) == 7 and codes.count(401) == 5


def test_search_limit_per_user_holds_across_workers(workers) -> None:
    factory = workers[0].extensions["recon.session_factory"]
    ensure_user(factory, "searcher", "viewer")
    browser = workers[0].test_client()
    assert browser.post("/login", data={"username": "searcher", "password": PASSWORD}
                        ).status_code == 302
    cookie = browser.get_cookie("session").value

    def search(client, i: int) -> int:  # one user's session through both workers at once
        client.set_cookie("session", cookie)
        return client.get("/queue", query_string={"q": f"term {i}"}).status_code

    codes = _parallel(workers, 10, search)
    assert codes.count(200) == 4 and codes.count(429) == 6
    assert browser.get("/queue").status_code == 200  # browsing without a search is not counted
