"""``recon demo --no-serve``: the whole product end to end on a fresh SQLite file, fast."""

from __future__ import annotations

import time

from click.testing import CliRunner
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from recon.cli import main
from recon.models import (
    CreditProfile,
    Customer,
    GatewayEvent,
    GatewayTransaction,
    Invoice,
    ReconRun,
    StatementLine,
    User,
)


def _count(session: Session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_builds_everything_and_prints_url_and_login(tmp_path) -> None:
    folder = tmp_path / "demo"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["demo", "--folder", str(folder), "--no-serve"])
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert elapsed < 60
    out = result.stdout
    assert out.count("HTTP 200") == 4  # 3 Stripe events + 1 Alipay notification, all accepted
    assert "web UI: http://127.0.0.1:" in out and "login:  demo / " in out
    assert "recon run" in out and "(run #1)" in out
    assert "credit: " in out and "ALERT: C004 Blue Harbour Pty Ltd is over its credit limit" in out
    report = next((folder / "reports").iterdir())
    assert {"index.html", "report.xlsx", "reconciliation.csv"} <= {p.name for p in report.iterdir()}
    html = (report / "index.html").read_text(encoding="utf-8")
    assert "Credit and receivables (EUR)" in html and "over its credit limit" in html
    engine = create_engine(f"sqlite:///{folder / 'recon-demo.db'}")
    with Session(engine) as session:
        assert _count(session, Invoice) == 20 + 12  # + the credit area's payment history
        assert _count(session, GatewayEvent, GatewayEvent.status == "processed") == 4
        assert _count(session, GatewayTransaction, GatewayTransaction.kind == "payout") == 1
        assert _count(session, StatementLine) == 21 + 12
        tiers = dict(session.execute(select(Customer.external_id, Customer.credit_tier)).all())
        assert tiers["C002"] == "D" and {"B", "C"} <= set(tiers.values())
        held = session.scalars(select(Customer.external_id).join(
            CreditProfile, CreditProfile.customer_id == Customer.id).where(CreditProfile.hold))
        assert {"C002", "C004"} <= set(held)
        run = session.scalars(select(ReconRun)).one()
        assert run.status in ("clean", "attention") and run.counts["files"]["imported"] == 3
        assert session.scalars(select(User.username)).all() == ["demo"]
    engine.dispose()
    names = {p.name for p in (folder / "inbox" / "archive").rglob("*") if p.is_file()}
    assert names == {"camt053-eur.xml", "statement-usd.ofx", "stripe-payout-reconciliation.csv"}


def test_demo_twice_starts_fresh(tmp_path) -> None:
    args = ["demo", "--folder", str(tmp_path / "demo"), "--no-serve"]
    assert CliRunner().invoke(main, args).exit_code == 0
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "(run #1)" in again.stdout
