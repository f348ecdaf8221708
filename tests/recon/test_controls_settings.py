"""Issue #12, settings: the settings table is the one source every path reads.

Each setting saved through the settings page's service (``settings_store.save``) changes what
``recon match``, ``recon run`` and the queue's write-off do; validation names the field; every
change is audited with its old and new value. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from recon.access import settings_store
from recon.models import Adjustment, AuditEvent, Match
from recon.queue.actions import write_off
from tests.recon.factories import make_customer, make_invoice, make_line


def _scene(session_factory, *, paid: str = "1000.00", currency: str = "CNY") -> None:
    """One invoice and one receipt naming it, from the customer's own name."""
    with session_factory.begin() as s:
        customer = make_customer(s, name="Shenzhen Huanan Electronics")
        inv = make_invoice(s, "1000.00", currency, customer=customer, invoice_no="INV-7781")
        make_line(s, paid, currency, counterparty_name="SHENZHEN HUANAN ELECTRONICS",
                  remittance=f"PAYMENT {inv.invoice_no}")


def _save(session_factory, settings, **form: str) -> list[str]:
    with session_factory.begin() as s:
        return settings_store.save(s, form, actor="admin", defaults=settings)


def _matches(session_factory) -> list[Match]:
    with session_factory() as s:
        return list(s.scalars(sa.select(Match).where(Match.kind != "payout_deposit")))


def test_recon_match_honours_the_stored_auto_threshold(cli, session_factory, settings) -> None:
    _scene(session_factory)
    _save(session_factory, settings, auto_threshold="1")
    out = json.loads(cli("match", "--json").output)
    assert out["auto"] == 0 and out["suggested"] == 1
    assert [m.status for m in _matches(session_factory)] == ["suggested"]


def test_recon_match_uses_the_default_when_nothing_is_stored(cli, session_factory) -> None:
    _scene(session_factory)
    assert json.loads(cli("match", "--json").output)["auto"] == 1


def test_recon_match_honours_the_stored_suggest_threshold(cli, session_factory, settings) -> None:
    _scene(session_factory)  # a confident pairing, below a perfect 1.0
    _save(session_factory, settings, auto_threshold="1")
    assert json.loads(cli("match", "--json", "--dry-run").output)["suggested"] == 1
    _save(session_factory, settings, suggest_threshold="1")
    assert json.loads(cli("match", "--json", "--dry-run").output)["suggested"] == 0


@pytest.mark.parametrize("path", ["match", "run"])
def test_fee_tolerance_drives_the_matcher(path, cli, session_factory, settings) -> None:
    """A 20 CNY shortfall is a bank fee under the default tolerance (25), a partial payment
    once staff set the tolerance to 0 -- in ``recon match`` and in ``recon run`` alike."""
    _scene(session_factory, paid="980.00")
    _save(session_factory, settings, fee_tolerance_abs="0", fee_tolerance_pct="0")
    cli(path) if path == "match" else cli("run")
    with session_factory() as s:
        fees = s.scalar(sa.select(sa.func.count()).select_from(Adjustment)
                        .where(Adjustment.kind == "bank_fee"))
        match = s.scalar(sa.select(Match).where(Match.kind != "payout_deposit"))
        levels = {r["level"] for r in match.reasons if r["feature"] == "amount"}
    assert fees == 0 and "fee" not in levels


def test_fee_tolerance_default_books_the_fee(cli, session_factory) -> None:
    _scene(session_factory, paid="980.00")
    cli("match")
    with session_factory() as s:
        match = s.scalar(sa.select(Match))
        assert {r["level"] for r in match.reasons if r["feature"] == "amount"} == {"fee"}


def test_recon_run_honours_the_stored_auto_threshold(cli, session_factory, settings) -> None:
    _scene(session_factory)
    _save(session_factory, settings, auto_threshold="1")
    cli("run")
    assert [m.status for m in _matches(session_factory)] == ["suggested"]


def test_write_off_limit_and_per_currency_overrides(session_factory, settings) -> None:
    with session_factory.begin() as s:
        eur, cny = make_line(s, "40.00", "EUR").id, make_line(s, "400.00", "CNY").id
    _save(session_factory, settings, writeoff_limit="10", writeoff_limits="CNY=500")
    with session_factory.begin() as s:
        limits = settings_store.load(s, settings)
        assert limits.limit_for("EUR") == Decimal("10") and limits.limit_for("CNY") == 500
        a = write_off(s, line_id=eur, actor="clerk", limit=limits, reason="x",
                      amount=Decimal("20"))
        b = write_off(s, line_id=cny, actor="clerk", limit=limits, reason="x",
                      amount=Decimal("400"))
        assert (a.status, b.status) == ("pending_approval", "applied")


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"auto_threshold": "0.10", "suggest_threshold": "0.20"}, "suggest_threshold"),
        ({"writeoff_limit": "-1"}, "writeoff_limit"),
        ({"fee_tolerance_pct": "60"}, "fee_tolerance_pct"),
        ({"fee_tolerance_abs": "abc"}, "fee_tolerance_abs"),
        ({"writeoff_limits": "EURO=5"}, "writeoff_limits"),
        ({"writeoff_limits": "USD=-5"}, "writeoff_limits"),
        ({"writeoff_limits": "JPY=1.5"}, "writeoff_limits"),
    ],
)
def test_validation_names_the_field_and_stores_nothing(form, field, session_factory,
                                                       settings) -> None:
    with pytest.raises(settings_store.SettingError) as err, session_factory.begin() as s:
        settings_store.save(s, {"writeoff_limit": "5", **form}, actor="admin", defaults=settings)
    assert err.value.field == field and field.replace("_", " ") in str(err.value)
    with session_factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0
        assert settings_store.load(s, settings).writeoff_limit == settings.writeoff_limit


def test_every_change_is_audited_with_old_and_new(session_factory, settings) -> None:
    assert _save(session_factory, settings, writeoff_limit="10",
                 writeoff_limits="usd=80") == ["writeoff_limit", "writeoff_limits"]
    assert _save(session_factory, settings, writeoff_limit="10") == []  # unchanged: no row
    _save(session_factory, settings, writeoff_limit="12.5")
    with session_factory() as s:
        rows = s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "setting.change")
                         .order_by(AuditEvent.id)).all()
    got = [(r.object_id, r.before["value"], r.after["value"]) for r in rows]
    assert got == [("writeoff_limit", "50.00", "10"), ("writeoff_limits", {}, {"USD": "80"}),
                   ("writeoff_limit", "10", "12.5")]
