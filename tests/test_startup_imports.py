"""Start-up cost: loading the service's models must not load the matching engine's heavy parts.

``recon.models`` (imported by every CLI command and web worker) uses small helpers of the
matching package (``matching.refs``, ``matching.names``); numpy, scipy, rapidfuzz and pypinyin
cost about a second of CPU per process and belong only to processes that actually match.
Checked in a fresh interpreter, since this test session has long imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numpy", "scipy", "rapidfuzz", "pypinyin", "matching.engine")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)  # fmt: skip
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    return [m for m in HEAVY if m in loaded]


@pytest.mark.parametrize("code", [
    "import recon.models",
    "import matching.refs, matching.names; matching.names.fold_name('ACME Ltd')",
    "import matching; matching.MatchSettings",
    "import matching.model, recon.matchrun.causes",
])  # fmt: skip
def test_light_imports_do_not_load_the_engine(code: str) -> None:
    assert _loaded_after(code) == []


def test_the_engine_is_still_reachable_from_the_package() -> None:
    """The lazy package still hands out every public name (and loads the engine for it)."""
    code = "import matching; assert all(getattr(matching, n) for n in matching.__all__)"
    assert {"numpy", "scipy", "rapidfuzz", "matching.engine"} <= set(_loaded_after(code))


def test_every_exported_name_has_a_home() -> None:
    import matching

    assert sorted(matching.__all__) == sorted(matching._HOMES)


def test_unknown_names_are_still_attribute_errors() -> None:
    import matching

    with pytest.raises(AttributeError):
        _ = matching.no_such_name  # type: ignore[attr-defined]


def test_recon_help_imports_no_subcommand() -> None:
    """``recon --help`` lists the commands from their source, loading none of their modules."""
    code = ("import sys\nsys.argv = ['recon', '--help']\nfrom recon.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass")  # fmt: skip
    probe = f"{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)  # fmt: skip
    assert "Commands:" in out.stdout and "statements" in out.stdout
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert [m for m in (*HEAVY, "flask", "celery", "openpyxl") if m in loaded] == []
    assert not any(m.startswith("recon.cli.") and m not in {"recon.cli.context", "recon.cli.lazyhelp"}
                   for m in loaded)  # fmt: skip


def test_listed_help_is_the_commands_own() -> None:
    """Every line read from source equals the short help click makes from the real command."""
    import importlib

    from recon.cli import COMMANDS, plugin_commands
    from recon.cli.lazyhelp import help_stand_in

    targets = {**plugin_commands(), **COMMANDS}
    assert set(COMMANDS) <= set(targets)
    for name, target in targets.items():
        module, _, attr = target.partition(":")
        real = getattr(importlib.import_module(module), attr)
        stand_in = help_stand_in(name, target)
        assert stand_in is not None, name
        for limit in (30, 45, 74):
            assert stand_in.get_short_help_str(limit) == real.get_short_help_str(limit), name


def test_short_commands_and_the_importers_skip_alembic_and_beautifulsoup() -> None:
    """Every command checks the schema (`recon.db.migrate.is_current`, no Alembic) and the
    statement importers load ofxparse (BeautifulSoup) only to parse a small OFX file."""
    code = "import importers, recon.cli.context, recon.reports.export"
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)  # fmt: skip
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert not {"alembic", "ofxparse", "bs4"} & loaded


def test_a_builtin_command_is_found_without_scanning_plugins(monkeypatch) -> None:
    """Entry points are read from every installed package: only for a name not ours."""
    import click

    import recon.cli as cli

    def scan() -> dict[str, str]:
        raise AssertionError("plugin entry points scanned for a built-in command")

    monkeypatch.setattr(cli, "plugin_commands", scan)
    group = cli.LazyGroup(name="recon")
    assert group.get_command(click.Context(group), "matches") is not None
    monkeypatch.setattr(cli, "plugin_commands", lambda: {"demo": "recon.cli.db:db"})
    assert group.get_command(click.Context(group), "demo").name == "db"
    assert group.get_command(click.Context(group), "nothing") is None


def test_invoice_import_loads_no_statement_reader() -> None:
    """`importers` loads its registry lazily: the invoice rows need `importers.bounds` only."""
    probe = ("import recon.invoices.imports\nimport json, sys\n"
             "print(json.dumps(sorted(sys.modules)))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)  # fmt: skip
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert {"importers.registry", "importers.camt", "lxml.etree"}.isdisjoint(loaded)
    import importers

    assert importers.parse_source is importers.registry.parse_source  # still reachable


def test_money_loads_babel_only_for_a_code_iso_lacks() -> None:
    """Every command loads the models and so `recon.money`: CLDR's tables (babel) are read only
    for a currency ISO 4217 gives no minor units (XXX, an old DEM archive)."""
    code = "import recon.cli.matches, recon.money as m; assert m.minor_units('EUR') == 2"
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)  # fmt: skip
    assert "babel" not in set(json.loads(out.stdout.strip().splitlines()[-1]))
    from recon.money import minor_units

    assert minor_units("DEM") == 2  # CLDR's digits, babel loaded on demand
