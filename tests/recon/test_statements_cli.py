"""``recon statements import|list`` and ``recon profiles list``."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES


def test_import_list_and_reimport(cli) -> None:
    camt = str(FIXTURES / "camt/oca_test-camt053.zip")
    result = cli("statements", "import", camt)
    assert result.exit_code == 0 and "2 statement(s), 6 new line(s)" in result.output
    result = cli("statements", "import", camt)
    assert "0 new line(s), 6 already known" in result.output
    rows = json.loads(cli("statements", "list", "--json").output)
    assert len(rows) == 2
    assert {"account", "format", "file_sha256", "currency", "opening", "closing", "lines",
            "imported_at"} <= set(rows[0])
    assert (rows[0]["account"], rows[0]["currency"], rows[0]["lines"]) == (
        "NL77ABNA0574908765", "EUR", 3)
    assert "NL77ABNA0574908765" in cli("statements", "list").output


def test_a_refused_file_does_not_stop_the_others(cli) -> None:
    bad = str(FIXTURES / "ofx/ofxparse_error_message.ofx")
    good = str(FIXTURES / "mt940/mt940lib_jejik-sns.sta")
    result = cli("statements", "import", bad, good)
    assert result.exit_code == 1
    assert "STATUS 2000" in result.output and "2 new line(s)" in result.output
    assert len(json.loads(cli("statements", "list", "--json").output)) == 2


def test_format_and_account_options(cli) -> None:
    frag = str(FIXTURES / "mt940/mt940lib_self-provided-sparkassen.sta")
    assert "names no account" in cli("statements", "import", frag).output
    result = cli("statements", "import", frag, "--format", "mt940", "--account", "DE-SPK",
                 "--currency", "EUR")
    assert result.exit_code == 0 and "1 new line(s)" in result.output
    result = cli("statements", "import", frag, "--format", "csv:nope")
    assert result.exit_code == 2 and "csv:generic" in result.output


def test_profiles_list(cli) -> None:
    result = cli("profiles", "list")
    assert "csv:icbc_debit" in result.output and "csv:cmb_credit" in result.output
    rows = json.loads(cli("profiles", "list", "--json").output)
    assert {r["format"] for r in rows} >= {"csv:generic", "csv:de_bank", "csv:wechat"}
