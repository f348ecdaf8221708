"""``recon credit ...`` and ``recon forecast ...`` end to end on the test database."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl

from tests.recon.test_credit_profiles import late_payer

TODAY = dt.date.today()


def test_credit_commands(cli, session_factory, tmp_path):
    with session_factory.begin() as s:
        cust = late_payer(s, today=TODAY)
        ref = cust.external_id
    done = cli("credit", "recompute")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["tiers"] == {"D": 1}
    shown = json.loads(cli("credit", "show", ref).output)
    assert shown["tier"] == "D" and shown["hold"] is True and shown["exposure"] == "250.00"
    out = cli("credit", "override", ref, "--tier", "A", "--reason", "CFO says so",
              "--until", (TODAY + dt.timedelta(days=5)).isoformat())
    assert out.exit_code == 0 and "tier A" in out.output
    out = cli("credit", "limit", ref, "1000", "--reason", "agreed")
    assert "limit 1000.00 EUR, hold no" in out.output
    assert cli("credit", "limit", ref, "lots").exit_code == 1
    assert "no customer" in cli("credit", "show", "NOPE").output
    csv_out = cli("credit", "export").output
    assert csv_out.startswith("\ufeffcustomer_id,name,tier,hold,limit,exposure")
    assert f"{ref},Slow Payer GmbH,A,no,1000.00,250.00,750.00" in csv_out
    target = tmp_path / "limits.xlsx"
    assert cli("credit", "export", "--format", "xlsx", "-o", str(target)).exit_code == 0
    sheet = openpyxl.load_workbook(io.BytesIO(target.read_bytes())).active
    assert sheet["A2"].value == ref and sheet["E2"].value == 1000
    kpis = json.loads(cli("credit", "kpis").output)
    assert kpis["receivables_minor"] == 25000 and kpis["base"] == "EUR"


def test_rates_command_reports_every_bad_line(cli, tmp_path):
    bad = tmp_path / "rates.csv"
    bad.write_text("date,currency,rate\n2026-01-02,USD,abc\n2026-01-02,USD,-1\n")
    out = cli("credit", "rates", str(bad))
    assert out.exit_code == 1
    assert "rates.csv:2: rate: not a number: 'abc'" in out.output
    assert "rates.csv:3: rate: must be a positive number" in out.output
    good = tmp_path / "good.csv"
    good.write_text("date,currency,rate\n2026-01-02,USD,0.9\n")
    assert "imported 1 rate(s)" in cli("credit", "rates", str(good)).output


def test_forecast_commands(cli, session_factory):
    with session_factory.begin() as s:
        late_payer(s, today=TODAY)
    shown = cli("forecast", "show")
    assert shown.exit_code == 0 and "1 open invoice(s); amounts in EUR" in shown.output
    back = cli("forecast", "backtest", "--as-of", (TODAY - dt.timedelta(days=60)).isoformat())
    assert back.exit_code == 0, back.output
    assert "forecast" in back.output and "due_date" in back.output and "avg_delay" in back.output
