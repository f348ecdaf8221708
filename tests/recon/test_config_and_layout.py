"""Settings from the environment, the secret-key rule, and the package dependency direction."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from recon.config import AppSettings, ConfigError, default_database_url

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_and_overrides(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = AppSettings.from_env({})
    assert settings.database_url == default_database_url() == f"sqlite:///{tmp_path / 'recon.db'}"
    assert settings.auto_threshold == Decimal("0.97")
    env = {"RECON_DATABASE_URL": "postgresql+psycopg://u@h/db", "RECON_WRITEOFF_LIMIT": "25.5"}
    settings = AppSettings.from_env(env, database_url="sqlite:///other.db")
    assert settings.database_url == "sqlite:///other.db"  # --db wins over the environment
    assert settings.writeoff_limit == Decimal("25.5")


@pytest.mark.parametrize("name", ["RECON_AUTO_THRESHOLD", "RECON_MAX_UPLOAD_BYTES",
                                  "RECON_BALANCE_CHECK_STRICT"])
def test_malformed_settings_name_the_variable(name) -> None:
    with pytest.raises(ConfigError, match=name):
        AppSettings.from_env({name: "not-a-value"})


def test_secret_key_required_outside_tests_and_demo() -> None:
    with pytest.raises(ConfigError, match="RECON_SECRET_KEY"):
        AppSettings.from_env({}).require_secret_key()
    assert AppSettings.from_env({"RECON_ENV": "demo"}).require_secret_key()
    settings = AppSettings.from_env({"RECON_SECRET_KEY": "s3cret" * 8})
    assert settings.require_secret_key() == "s3cret" * 8
    assert "s3cret" not in repr(settings)  # secrets never reach a log line through repr


def test_web_app_refuses_to_start_without_a_secret(tmp_path) -> None:
    from web import create_app

    settings = AppSettings.from_env({}).with_(database_url=f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(ConfigError):
        create_app({"RECON_SETTINGS": settings})


@pytest.mark.parametrize("leaf", ["importers", "gateways", "matching"])
def test_leaf_packages_import_nothing_of_ours(leaf) -> None:
    """DESIGN.md: the leaves know no database and none of our other packages."""
    ours = {"recon", "web", "importers", "gateways", "matching"} - {leaf}
    offenders = []
    for path in sorted((ROOT / leaf).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n.split(".")[0] in ours or n.split(".")[0] == "sqlalchemy"]
    assert offenders == []


def test_sqlite_date_adapters_are_explicit() -> None:
    """Python 3.12 deprecates sqlite3's built-in date adapters (an error under pytest): ours
    are registered and write the same ISO text the built-in ones did."""
    import datetime as dt
    import sqlite3

    import recon.db.session  # noqa: F401  (registers them)

    date_adapter = sqlite3.adapters[(dt.date, sqlite3.PrepareProtocol)]
    datetime_adapter = sqlite3.adapters[(dt.datetime, sqlite3.PrepareProtocol)]
    assert "sqlite3" not in f"{getattr(date_adapter, '__module__', '')}" + (
        f"{getattr(datetime_adapter, '__module__', '')}")  # not the deprecated built-ins
    assert date_adapter(dt.date(2026, 1, 2)) == "2026-01-02"
    assert datetime_adapter(dt.datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04:05"
    with sqlite3.connect(":memory:") as conn:
        assert conn.execute("SELECT ?", (dt.date(2026, 1, 2),)).fetchone() == ("2026-01-02",)
