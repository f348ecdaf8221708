"""``recon run`` edges: settings from the environment, the terminal progress bar."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from recon.cli import run as run_cli
from recon.config import AppSettings, ConfigError
from recon.run.settings import DEFAULT_INVOICE_PATTERNS, RunSettings


def test_run_settings_from_env_and_overrides() -> None:
    app = AppSettings.from_env({})
    env = {"RECON_ATTENTION_AGE_DAYS": "5", "RECON_INVOICE_PATTERN": "erp-*.csv, ar*.json",
           "RECON_ATTENTION_PAYOUT_DIFFERENCE": "no"}
    options = RunSettings.from_env(app, env, run_date=dt.date(2026, 1, 2), match=None)
    assert options.attention_age_days == 5 and not options.attention_on_payout_difference
    assert options.invoice_patterns == ("erp-*.csv", "ar*.json")
    assert options.run_date == dt.date(2026, 1, 2) and options.match is True
    assert RunSettings.from_env(app, {}).invoice_patterns == DEFAULT_INVOICE_PATTERNS


@pytest.mark.parametrize("name,value", [("RECON_ATTENTION_AGE_DAYS", "soon"),
                                        ("RECON_ATTENTION_AGE_DAYS", "-1"),
                                        ("RECON_ATTENTION_PAYOUT_DIFFERENCE", "maybe")])
def test_bad_run_settings_name_the_variable(name, value) -> None:
    with pytest.raises(ConfigError, match=name):
        RunSettings.from_env(AppSettings.from_env({}), {name: value})


def test_bad_setting_makes_the_run_exit_two(cli, monkeypatch) -> None:
    monkeypatch.setenv("RECON_ATTENTION_AGE_DAYS", "soon")
    result = cli("run", "--json")
    assert result.exit_code == 2 and "RECON_ATTENTION_AGE_DAYS" in result.stderr
    assert json.loads(result.stdout)["status"] == "failed"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch) -> None:
    plain = io.StringIO()
    monkeypatch.setattr("sys.stderr", plain)
    run_cli._progress()("import a.xml", 1, 4)
    assert plain.getvalue() == ""
    tty = _Tty()
    monkeypatch.setattr("sys.stderr", tty)
    run_cli._progress()("import a.xml", 1, 4)
    assert "[#######-----------------------] 1/4 import a.xml" in tty.getvalue()


def test_schema_not_current_exits_two(tmp_path) -> None:
    from tests.conftest import Cli

    settings = AppSettings.from_env({}).with_(database_url=f"sqlite:///{tmp_path / 'empty.db'}",
                                             environment="test", inbox_dir=tmp_path / "in",
                                             reports_dir=tmp_path / "out")
    result = Cli(settings)("run")
    assert result.exit_code == 2 and "recon db upgrade" in result.stderr


def test_unreachable_database_exits_two(tmp_path) -> None:
    from tests.conftest import Cli

    settings = AppSettings.from_env({}).with_(
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
        environment="test", inbox_dir=tmp_path / "in", reports_dir=tmp_path / "out")
    result = Cli(settings)("run", "--json")
    assert result.exit_code == 2 and json.loads(result.stdout)["status"] == "failed"
    assert "OperationalError" in result.stderr
