"""The web platform: login, lockout, role checks, CSRF, security headers, JSON-or-HTML errors."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select

from recon.access.users import MAX_FAILED
from recon.models import AuditEvent, User
from tests.web.conftest import PASSWORD, csrf_token, ensure_user
from web.auth import roles_required


def _add_probe(app: Flask) -> None:
    @roles_required("approver")
    def probe() -> str:
        return "approved-area"

    app.add_url_rule("/_probe", "probe", probe)
    app.add_url_rule("/api/v1/_probe", "api_probe", probe)


def test_anonymous_page_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/")


def test_login_then_dashboard_then_logout(client, login):
    login(client, "alice", "viewer")
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_login_follows_only_local_next(client, session_factory):
    ensure_user(session_factory, "bob", "clerk")
    data = {"username": "bob", "password": PASSWORD}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/"


def test_wrong_password_is_refused_and_audited_login_is_recorded(client, session_factory, session):
    ensure_user(session_factory, "carol", "clerk")
    bad = client.post("/login", data={"username": "carol", "password": "nope-nope-nope"})
    assert bad.status_code == 401
    assert "Wrong username or password" in bad.get_data(as_text=True)
    client.post("/login", data={"username": "carol", "password": PASSWORD})
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "user.login" in actions


def test_lockout_after_repeated_failures(client, session_factory, session):
    ensure_user(session_factory, "dave", "clerk")
    for _ in range(MAX_FAILED):
        client.post("/login", data={"username": "dave", "password": "wrong-password!"})
    user = session.scalar(select(User).where(User.username == "dave"))
    assert user.locked_until is not None
    # even the right password is refused while locked
    response = client.post("/login", data={"username": "dave", "password": PASSWORD})
    assert response.status_code == 401
    with session_factory.begin() as s:  # the lock expires
        s.get(User, user.id).locked_until = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert client.post("/login", data={"username": "dave", "password": PASSWORD}).status_code == 302


def test_roles_required_page_and_api(app, client, login):
    _add_probe(app)
    assert client.get("/_probe").status_code == 302
    api = client.get("/api/v1/_probe")
    assert api.status_code == 401
    assert api.get_json()["status"] == 401
    login(client, "vera", "viewer")
    assert client.get("/_probe").status_code == 403
    assert client.get("/api/v1/_probe").get_json()["status"] == 403


def test_admin_passes_every_role_check(app, client, login):
    _add_probe(app)
    login(client, "root", "admin")
    assert client.get("/_probe").get_data(as_text=True) == "approved-area"


def test_csrf_rejects_a_form_without_token(csrf_client, session_factory):
    ensure_user(session_factory, "erin", "clerk")
    response = csrf_client.post("/login", data={"username": "erin", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_csrf_accepts_the_token_from_the_form(csrf_client, login):
    login(csrf_client, "fay", "viewer")
    page = csrf_client.get("/").get_data(as_text=True)
    assert csrf_client.post("/logout").status_code == 400
    assert csrf_client.post("/logout", data={"csrf_token": csrf_token(page)}).status_code == 302


def test_security_headers_and_cookie_flags(client, login):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    login(client, "gus", "viewer")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_production_cookies_are_secure(settings):
    from web import create_app

    app = create_app({"RECON_SETTINGS": settings.with_(environment="production", secret_key="k" * 40)})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    app.extensions["recon.engine"].dispose()


def test_errors_answer_json_or_html(client):
    html = client.get("/no-such-page")
    assert html.status_code == 404 and html.mimetype == "text/html"
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.get_json()["status"] == 404
    asked = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert asked.get_json()["error"]


def test_webhooks_need_neither_login_nor_csrf(csrf_app, csrf_client):
    from web.webhooks import ENDPOINTS, PREFIX

    hooks = [PREFIX + gateway for gateway in ENDPOINTS]
    assert len(hooks) == 4
    for url in hooks:
        response = csrf_client.post(url, data=b"{}", content_type="application/json")
        assert response.status_code != 302, url
        assert "CSRF" not in response.get_data(as_text=True), url


def test_address_throttle_answers_429(client, session_factory, monkeypatch):
    from web import auth

    monkeypatch.setattr(auth, "IP_MAX_FAILURES", 3)
    ensure_user(session_factory, "hal", "clerk")
    for name in ("x1", "x2", "x3"):  # different (unknown) users from one address
        assert client.post("/login", data={"username": name, "password": "p"}).status_code == 401
    blocked = client.post("/login", data={"username": "hal", "password": PASSWORD})
    assert blocked.status_code == 429


def test_address_throttle_is_shared_by_every_worker(settings, session_factory, session,
                                                    monkeypatch):
    """Two apps on one database stand for two gunicorn workers: failures counted by one throttle
    the other, and each failure is in the audit log with its address."""
    from web import auth, create_app

    monkeypatch.setattr(auth, "IP_MAX_FAILURES", 3)
    ensure_user(session_factory, "hal", "clerk")
    config = {"RECON_SETTINGS": settings, "TESTING": True, "WTF_CSRF_ENABLED": False}
    one, two = create_app(config), create_app(config)
    try:
        for name in ("x1", "x2"):
            assert one.test_client().post(
                "/login", data={"username": name, "password": "p"}).status_code == 401
        assert two.test_client().post(
            "/login", data={"username": "x3", "password": "p"}).status_code == 401
        assert one.test_client().post(
            "/login", data={"username": "hal", "password": PASSWORD}).status_code == 429
        other = two.test_client().post("/login", data={"username": "hal", "password": PASSWORD},
                                       environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 302  # another address is not throttled
    finally:
        for app in (one, two):
            app.extensions["recon.engine"].dispose()
    failed = session.scalars(select(AuditEvent).filter_by(action="user.login_failed")).all()
    assert [(a.actor, a.after["username"]) for a in failed] == [
        ("address:127.0.0.1", "x1"), ("address:127.0.0.1", "x2"), ("address:127.0.0.1", "x3")]


def test_navigation_marks_only_the_current_area(client, login):
    login(client, "nav", "viewer")
    page = client.get("/invoices").get_data(as_text=True)
    assert page.count('aria-current="page"') == 1
    assert 'href="/invoices"\n         class="active"' in page
    assert 'href="/settings"' not in page  # admin only


def test_method_not_allowed_keeps_the_allow_header(client):
    response = client.delete("/login")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
