"""A run over a realistic inbox (the demo scenario): matching applied, payouts checked, exit codes
following the attention threshold and payout differences."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from recon.models import Match, ReconRun
from recon.samples.demo_data import scenario

DAY = dt.date(2026, 11, 22)


def _inbox(settings, deposit: bytes = b"727.65") -> None:
    settings.inbox_dir.mkdir(parents=True)
    for name, data in scenario(DAY).files.items():
        if name.endswith(".ofx"):
            data = data.replace(b"<TRNAMT>727.65", b"<TRNAMT>" + deposit)
        (settings.inbox_dir / name).write_bytes(data)


def _run(cli, *args):
    result = cli("run", "--date", DAY.isoformat(), "--json", *args)
    return result, json.loads(result.stdout)


def test_run_matches_and_reports_payouts(cli, settings, session) -> None:
    _inbox(settings)
    result, summary = _run(cli, "--attention-days", "30")
    assert summary["files"]["imported"] == 4
    assert summary["auto_matched"] >= 8 and summary["suggested"] >= 1
    assert summary["payouts"] == 1 and summary["payout_differences"]["count"] == 0
    assert summary["unapplied_cash"] == {"EUR": "50.00"}
    assert result.exit_code == 0, result.stderr  # every unmatched item is younger than 30 days
    run = session.scalars(select(ReconRun)).one()
    in_run = select(func.count()).select_from(Match).where(Match.run_id == run.id)
    assert session.scalar(in_run) >= summary["auto_matched"]
    payouts = (settings.reports_dir / DAY.isoformat() / "payouts.csv").read_text("utf-8-sig")
    assert "po_1DemoPayout0001" in payouts and ",ok" in payouts


def test_payout_difference_needs_a_human(cli, settings) -> None:
    _inbox(settings, deposit=b"727.15")
    result, summary = _run(cli, "--attention-days", "30")
    assert summary["payout_differences"] == {"count": 1, "amounts": {"USD": "-0.50"}}
    assert result.exit_code == 1 and summary["attention"] == ["1 payout difference(s)"]
    assert summary["exceptions"]["payout difference"] == 1


def test_thresholds_set_in_the_ui_win_over_the_environment(cli, settings, session) -> None:
    from decimal import Decimal

    from recon.models import Setting

    session.add_all([Setting(key="auto_threshold", value="1"),
                     Setting(key="suggest_threshold", value="0.99")])
    session.commit()
    _inbox(settings)
    _result, summary = _run(cli)
    assert summary["matching"]["auto_matched"] == 0  # nothing reaches an auto threshold of 1
    assert Decimal(settings.auto_threshold) < 1


def test_run_matches_across_currencies_only_under_an_fx_rule(settings, session) -> None:
    """`recon run` hands RECON_FX_RULES to the matcher: a USD receipt settles an EUR invoice at
    the rule's rate, and without the rule the same data stays unmatched."""
    from decimal import Decimal

    from recon.config import FxRateRule
    from recon.models import Invoice
    from tests.conftest import Cli
    from tests.recon.factories import make_customer, make_invoice, make_line

    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "925.00", customer=acme, invoice_no="INV-2026-0301")
    make_line(session, "1000.00", "USD", counterparty_name="Acme",
              remittance="INV-2026-0301")
    session.commit()
    settings.inbox_dir.mkdir(parents=True)
    plain = Cli(settings)("run", "--date", DAY.isoformat(), "--json")
    assert (json.loads(plain.stdout)["auto_matched"], json.loads(plain.stdout)["suggested"]) == (
        0, 0)
    ruled = settings.with_(fx_rules=(FxRateRule("USD", "EUR", Decimal("0.92"), Decimal("1")),))
    result = Cli(ruled)("run", "--date", (DAY + dt.timedelta(days=1)).isoformat(), "--json")
    summary = json.loads(result.stdout)
    assert summary["auto_matched"] + summary["suggested"] == 1
    session.expire_all()
    (match,) = session.scalars(select(Match).where(Match.status.in_(("auto", "suggested"))))
    assert match.allocations[0].receipt_amount_minor == 100000
    if match.status == "auto":
        assert session.scalars(select(Invoice)).one().status == "paid"
