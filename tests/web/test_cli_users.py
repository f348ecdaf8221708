"""``recon users create`` / ``recon tokens create`` / ``recon serve`` wiring."""

from __future__ import annotations

from sqlalchemy import select

from recon.access.users import authenticate, hash_token, user_for_token
from recon.models import ApiToken, AuditEvent, User
from web import gunicorn_config
from web.cli import serve as serve_module


def test_create_user_from_stdin_then_authenticate(cli, session):
    result = cli("users", "create", "mia", "--role", "clerk", "--password-stdin",
                 input="a long secret pw\nignored second line\n")
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.username == "mia"))
    assert user.role == "clerk" and user.password_hash.startswith("$argon2id$")
    assert "a long secret" not in user.password_hash
    assert authenticate(session, "mia", "a long secret pw") is not None
    assert authenticate(session, "mia", "ignored second line") is None
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "user.create"))


def test_create_user_with_prompt(cli, session):
    result = cli("users", "create", "ned", "--role", "viewer", input="pw-typed-twice\npw-typed-twice\n")
    assert result.exit_code == 0, result.output
    assert "pw-typed-twice" not in result.output
    assert authenticate(session, "ned", "pw-typed-twice") is not None


def test_bad_role_short_password_and_duplicate_fail(cli):
    assert cli("users", "create", "x", "--role", "boss", "--password-stdin", input="long enough pw\n").exit_code == 2
    short = cli("users", "create", "x", "--role", "viewer", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least" in short.output
    assert cli("users", "create", "x", "--role", "viewer", "--password-stdin", input="long enough pw\n").exit_code == 0
    again = cli("users", "create", "x", "--role", "viewer", "--password-stdin", input="long enough pw\n")
    assert again.exit_code == 1 and "already exists" in again.output
    empty = cli("users", "create", "y", "--role", "viewer", "--password-stdin", input="")
    assert empty.exit_code == 1


def test_token_is_printed_once_and_only_its_hash_stored(cli, session):
    cli("users", "create", "bot", "--role", "clerk", "--password-stdin", input="long enough pw\n")
    result = cli("tokens", "create", "erp", "--user", "bot")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("rct_") and len(token) > 40
    row = session.scalar(select(ApiToken))
    assert row.token_hash == hash_token(token) and token not in row.token_hash
    assert user_for_token(session, token).username == "bot"
    assert user_for_token(session, token + "x") is None
    assert cli("tokens", "create", "erp", "--user", "ghost").exit_code == 1


def test_serve_builds_gunicorn_with_several_workers(cli, monkeypatch):
    seen = {}

    def fake_run(self):
        seen.update(self.options)
        seen["app"] = self.load()

    monkeypatch.setattr(serve_module.GunicornApp, "run", fake_run)
    result = cli("serve", "--port", "8123", "--workers", "3")
    assert result.exit_code == 0, result.output
    assert seen["bind"] == "127.0.0.1:8123" and seen["workers"] == 3
    assert seen["worker_class"] == "gthread" and seen["threads"] == gunicorn_config.THREADS
    assert seen["app"].name == "web"
    assert serve_module.default_workers() >= 1


def test_serve_dev_uses_flask_server(cli, monkeypatch):
    calls = []
    monkeypatch.setattr("flask.Flask.run", lambda self, **kw: calls.append(kw))
    assert cli("serve", "--dev").exit_code == 0
    assert calls and calls[0]["debug"] is False


def test_unlock_and_revoke(cli, session_factory, session):
    import datetime as dt

    cli("users", "create", "lo", "--role", "clerk", "--password-stdin", input="long enough pw\n")
    with session_factory.begin() as s:
        s.scalar(select(User)).locked_until = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
    assert authenticate(session, "lo", "long enough pw") is None
    session.rollback()  # authenticate locks the user's row until its transaction ends
    assert cli("users", "unlock", "lo").exit_code == 0
    assert authenticate(session, "lo", "long enough pw") is not None
    session.rollback()
    token = cli("tokens", "create", "ci", "--user", "lo").stdout.strip()
    assert cli("tokens", "revoke", "ci", "--user", "lo").exit_code == 0
    session.expire_all()
    assert user_for_token(session, token) is None
    assert cli("tokens", "revoke", "ci", "--user", "lo").exit_code == 1
    assert cli("users", "unlock", "nobody").exit_code == 1
