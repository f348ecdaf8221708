"""``recon demo`` shows customers with contacts, reminders due and a pay link."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from recon.cli import main
from recon.collections import build_plan
from recon.models import Customer, Invoice, PayLink


def test_demo_has_reminders_due_and_a_pay_link(tmp_path) -> None:
    folder = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--folder", str(folder), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "[pay link] INV-2026-1008: https://buy.stripe.com/" in result.output
    engine = create_engine(f"sqlite:///{folder / 'recon-demo.db'}")
    with Session(engine) as session:
        plan = build_plan(session, dt.date.today())
        assert plan.to_send, plan
        numbers = {i.invoice_no for r in plan.to_send for i in r.invoices}
        assert "INV-2026-1008" in numbers
        link = session.scalars(select(PayLink)).one()
        assert session.get_one(Invoice, link.invoice_id).invoice_no == "INV-2026-1008"
        chinese = session.scalars(select(Customer).filter_by(external_id="C005")).one()
        assert (chinese.language, chinese.email) == ("zh-CN", "caiwu@dongfang-trade.example")
    engine.dispose()
