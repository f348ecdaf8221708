"""A full daily run over every real bank fixture: importable files archived, refused ones
quarantined with a reason naming the file and where, and a second run changing nothing."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import func, select

from recon.models import BankAccount, StatementLine
from recon.models.run import InboxFile
from tests.conftest import FIXTURES

DAY = "2026-11-22"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


# Fixtures whose file carries no account number (expected.json's notes: CSV exports without an
# account column, an MT940 fragment without :25:, an OFX without BANKACCTFROM).
NO_ACCOUNT = frozenset({
    "csv/bsp_golden-csv_european_decimals.csv", "csv/bsp_golden-csv_french_headers.csv",
    "csv/deg_boc-credit_example-boc-records.csv", "csv/deg_boc-debit_example-boc-records.csv",
    "csv/deg_cmb-credit_example-cmb-records.csv", "csv/deg_cmb-debit_example-cmb-records.csv",
    "csv/deg_example-abc_debit-records.csv", "csv/deg_example-bocom_credit-records.csv",
    "csv/deg_example-bocom_debit-records.csv", "csv/deg_example-cgb_credit-records.csv",
    "csv/deg_example-hsbchk-debit-records.csv", "csv/deg_example-td-records.csv",
    "csv/oca_balance.csv", "csv/oca_debit_credit.csv", "csv/oca_debit_credit_amount.csv",
    "mt940/mt940lib_self-provided-sparkassen.sta", "ofx/asgrim_ofxdata-emptyDateTime.ofx",
})


def _flat(name: str) -> str:
    return name.replace("/", "__")


@pytest.mark.slow
def test_full_run_on_the_bank_fixtures(cli, settings, session) -> None:
    inbox = settings.inbox_dir
    inbox.mkdir(parents=True)
    for name in EXPECTED:
        shutil.copy(FIXTURES / name, inbox / _flat(name))
    result = cli("run", "--date", DAY, "--json", "--no-match")
    summary = json.loads(result.stdout)
    assert result.exit_code == 1, result.stderr
    outcomes = {f["file"]: f for f in summary["files"]["list"]}
    assert len(outcomes) == len(EXPECTED)
    refused = {_flat(n) for n, e in EXPECTED.items() if e["outcome"] == "refuse"}
    quarantined = {n for n, f in outcomes.items() if f["outcome"] == "quarantined"}
    # exactly: what expected.json refuses, plus the files that name no bank account (they need
    # an account sub-folder of the inbox); a fixture that should import and is quarantined fails
    assert quarantined == refused | {_flat(n) for n in NO_ACCOUNT}
    for name in NO_ACCOUNT:
        reason = (inbox / "quarantine" / f"{_flat(name)}.reason.txt").read_text(encoding="utf-8")
        assert "field: account" in reason, name
    assert not [f for f in outcomes.values() if f["bug"]]
    gateway = {_flat(n) for n, e in EXPECTED.items() if e["kind"] == "gateway_bill"}
    assert {n for n, f in outcomes.items() if f["kind"] == "gateway"} == gateway
    for name in quarantined:
        reason = (inbox / "quarantine" / f"{name}.reason.txt").read_text(encoding="utf-8")
        assert f"file: {name}" in reason and "line: " in reason and "message: " in reason
    archived = {p.name.removeprefix("duplicate-") for p in (inbox / "archive" / DAY).iterdir()}
    assert archived == {_flat(n) for n in EXPECTED} - quarantined
    assert summary["files"]["imported"] + summary["files"]["duplicate"] == len(archived)
    assert summary["files"]["imported"] == len(EXPECTED) - len(quarantined) == 77
    assert session.scalar(select(func.count()).select_from(StatementLine)) > 0
    assert "reconciliation" in (settings.reports_dir / DAY / "index.html").read_text()

    again = cli("run", "--date", DAY, "--json", "--no-match")
    assert json.loads(again.stdout)["nothing_to_do"] is True
    assert session.scalar(select(func.count()).select_from(InboxFile)) == summary["files"][
        "imported"]


def test_file_in_an_account_folder_is_imported_into_that_account(cli, settings, session) -> None:
    folder = settings.inbox_dir / "NL91ABNA0417164300.CNY"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "csv" / "deg_boc-credit_example-boc-records.csv", folder / "export.csv")
    shutil.copy(FIXTURES / "csv" / "oca_debit_credit.csv", settings.inbox_dir / "loose.csv")
    summary = json.loads(cli("run", "--date", DAY, "--json", "--no-match").stdout)
    outcomes = {f["file"]: f["outcome"] for f in summary["files"]["list"]}
    assert outcomes == {"loose.csv": "quarantined", "NL91ABNA0417164300.CNY/export.csv": "imported"}
    reason = (settings.inbox_dir / "quarantine" / "loose.csv.reason.txt").read_text()
    assert "field: account" in reason and "sub-folder" in reason
    assert (settings.inbox_dir / "archive" / DAY / "NL91ABNA0417164300.CNY" / "export.csv").exists()
    keys = session.scalars(select(BankAccount.account_key)).all()
    assert set(keys) == {"NL91ABNA0417164300"}
