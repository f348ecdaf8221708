"""Issue #12 through the web UI and the API: settings saved on the settings page take effect
on the queue's write-offs and on ``POST /api/v1/runs``; write-offs are reserved, cannot be
doubled or split around the limit, can be withdrawn, and the nav counts what waits."""

from __future__ import annotations

import sqlalchemy as sa

from recon.access import users
from recon.models import Adjustment, AuditEvent, CustomerAlias, Match, StatementLine
from tests.recon.factories import make_customer, make_invoice, make_line
from tests.web.conftest import ensure_user


def _line(session_factory, amount: str, currency: str = "EUR") -> int:
    with session_factory.begin() as s:
        return make_line(s, amount, currency).id


def _adjustments(session_factory, line_id: int) -> list[tuple[str, int]]:
    with session_factory() as s:
        rows = s.scalars(sa.select(Adjustment).where(Adjustment.statement_line_id == line_id)
                         .order_by(Adjustment.id))
        return [(a.status, a.amount_minor) for a in rows]


def _unapplied(session_factory, line_id: int) -> int:
    with session_factory() as s:
        return s.get(StatementLine, line_id).unapplied_minor


def test_settings_page_limit_drives_the_queue_write_off(app, client, login,
                                                        session_factory) -> None:
    eur = _line(session_factory, "40.00")
    admin = login(app.test_client(), "root", "admin")
    saved = admin.post("/settings", data={"writeoff_limit": "10.00"})
    assert saved.status_code == 302
    clerk = login(client, "clerk1", "clerk")
    page = clerk.get(f"/queue/line/{eur}").get_data(as_text=True)
    assert "10.00" in page and "50.00" not in page  # "Above €10.00 ..."
    clerk.post(f"/queue/line/{eur}/write-off", data={"amount": "20.00", "reason": "x"})
    assert _adjustments(session_factory, eur) == [("pending_approval", 2000)]


def test_settings_page_per_currency_override(app, client, login, session_factory) -> None:
    cny = _line(session_factory, "400.00", "CNY")
    admin = login(app.test_client(), "root", "admin")
    admin.post("/settings", data={"writeoff_limit": "10", "writeoff_limits": "CNY=500"})
    assert "CNY=500" in admin.get("/settings").get_data(as_text=True)
    login(client, "clerk1", "clerk").post(f"/queue/line/{cny}/write-off",
                                          data={"amount": "400", "reason": "x"})
    assert _adjustments(session_factory, cny) == [("applied", 40000)]


def test_settings_page_refuses_suggest_above_auto_naming_the_field(app, login,
                                                                    session_factory) -> None:
    admin = login(app.test_client(), "root", "admin")
    bad = admin.post("/settings", data={"auto_threshold": "0.10", "suggest_threshold": "0.20"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "suggest_threshold" in text and 'aria-invalid' in text
    with session_factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "setting.change")) == 0


def test_settings_page_threshold_drives_the_api_run(app, client, login, session_factory) -> None:
    with session_factory.begin() as s:
        customer = make_customer(s, name="Acme Trading")
        inv = make_invoice(s, "250.00", "EUR", customer=customer, invoice_no="INV-4410")
        make_line(s, "250.00", "EUR", counterparty_name="ACME TRADING",
                  remittance=f"INVOICE {inv.invoice_no}")
        users.create_user(s, "robot", "x" * 16, role="admin", actor="t")
        token = users.create_token(s, "t", username="robot", actor="t")
    login(app.test_client(), "root", "admin").post("/settings", data={"auto_threshold": "1"})
    response = client.post("/api/v1/runs?wait=1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    with session_factory() as s:
        assert s.scalars(sa.select(Match.status)).all() == ["suggested"]


def test_write_off_twice_is_refused_and_shows_pending(app, client, login,
                                                      session_factory) -> None:
    line = _line(session_factory, "800.00")
    clerk = login(client, "clerk1", "clerk")
    first = clerk.post(f"/queue/line/{line}/write-off", data={"amount": "777", "reason": "x"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "sent for approval" in first and 'id="pending-approval"' in first
    assert 'name="amount" value="23.00"' in first  # the form offers only what is left
    again = clerk.post(f"/queue/line/{line}/write-off", data={"amount": "777", "reason": "x"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "exceeds the line&#39;s unapplied €23.00" in again
    assert _adjustments(session_factory, line) == [("pending_approval", 77700)]
    assert _unapplied(session_factory, line) == 2300
    queue = clerk.get("/queue").get_data(as_text=True)
    assert f"/queue/line/{line}" in queue and "pending approval" in queue
    assert "Approvals (1 waiting)" in queue


def test_splitting_around_the_limit_needs_an_approver(client, login, session_factory) -> None:
    line = _line(session_factory, "90.00")
    clerk = login(client, "clerk1", "clerk")
    for _ in range(2):
        clerk.post(f"/queue/line/{line}/write-off", data={"amount": "45", "reason": "x"})
    assert _adjustments(session_factory, line) == [("applied", 4500), ("pending_approval", 4500)]


def test_preparer_withdraws_approver_rejects_with_a_reason(app, client, login,
                                                           session_factory) -> None:
    line = _line(session_factory, "300.00")
    clerk = login(client, "clerk1", "clerk")
    clerk.post(f"/queue/line/{line}/write-off", data={"amount": "100", "reason": "x"})
    first = _pending_id(session_factory)
    clerk.post(f"/queue/line/{line}/withdraw/{first}")
    assert _unapplied(session_factory, line) == 30000
    clerk.post(f"/queue/line/{line}/write-off", data={"amount": "200", "reason": "y"})
    second = _pending_id(session_factory)
    ensure_user(session_factory, "boss", "approver")
    boss = login(app.test_client(), "boss", "approver")
    boss.post(f"/queue/approvals/{second}/reject", data={"reason": ""})
    assert _pending_id(session_factory) == second  # no reason: nothing decided
    assert clerk.post(f"/queue/approvals/{second}/reject", data={"reason": "no"}).status_code \
        == 403
    boss.post(f"/queue/approvals/{second}/reject", data={"reason": "customer will pay"})
    assert _adjustments(session_factory, line) == [("rejected", 10000), ("rejected", 20000)]
    assert _unapplied(session_factory, line) == 30000
    with session_factory() as s:
        actions = s.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.action.in_(("adjustment.withdraw", "adjustment.reject")))).all()
        reason = s.scalar(sa.select(AuditEvent.reason).where(
            AuditEvent.action == "adjustment.reject"))
    assert sorted(actions) == ["adjustment.reject", "adjustment.withdraw"]
    assert reason == "customer will pay"


def _pending_id(session_factory) -> int | None:
    with session_factory() as s:
        return s.scalar(sa.select(Adjustment.id).where(Adjustment.status == "pending_approval"))


def test_hand_match_offers_to_remember_the_payer(app, client, login, session_factory) -> None:
    with session_factory.begin() as s:
        customer = make_customer(s, name="深圳华南电子有限公司")
        inv = make_invoice(s, "500.00", "CNY", customer=customer)
        line = make_line(s, "500.00", "CNY", counterparty_name="SHENZHEN HUANAN ELECTRONICS").id
    clerk = login(client, "clerk1", "clerk")
    page = clerk.post(f"/queue/line/{line}/match", headers={"HX-Request": "true"},
                      data={"invoice_id": str(inv.id), "amount": "500.00"}).get_data(as_text=True)
    assert "Remember SHENZHEN HUANAN ELECTRONICS = 深圳华南电子有限公司?" in page
    with session_factory() as s:
        match_id = s.scalar(sa.select(Match.id))
        assert s.scalar(sa.select(sa.func.count()).select_from(CustomerAlias)) == 0
    done = clerk.post(f"/queue/line/{line}/remember-alias", headers={"HX-Request": "true"},
                      data={"match_id": str(match_id), "customer_id": str(customer.id)})
    assert "Remembered" in done.get_data(as_text=True)
    admin = login(app.test_client(), "root", "admin")
    listing = admin.get("/settings/aliases").get_data(as_text=True)
    assert "confirmed by a person after a hand match" in listing and f"#{match_id}" in listing
    with session_factory() as s:
        alias_id = s.scalar(sa.select(CustomerAlias.id))
    admin.post(f"/settings/aliases/{alias_id}/delete", data={"reason": "wrong"})
    with session_factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(CustomerAlias)) == 0


def test_new_strings_in_chinese(client, login, session_factory) -> None:
    line = _line(session_factory, "800.00")
    clerk = login(client, "clerk1", "clerk")
    clerk.post("/locale", data={"lang": "zh_Hans"})
    clerk.post(f"/queue/line/{line}/write-off", data={"amount": "777", "reason": "x"})
    page = clerk.get(f"/queue/line/{line}").get_data(as_text=True)
    assert "待审批" in page and "撤回" in page and "审批（1 项待处理）" in page


def test_paired_payout_deposit_page_shows_the_payout(client, login, session_factory) -> None:
    from tests.recon.factories import make_charge

    with session_factory.begin() as s:
        payout = make_charge(s, "-970.30", "EUR", kind="payout", gateway_id="po_9",
                             payout_id="po_9", net_minor=-97030)
        charge = make_charge(s, "1000.00", "EUR", payout_id="po_9", gateway_id="ch_in_po_9")
        deposit = make_line(s, "970.30", counterparty_name="STRIPE").id
        s.add(Match(kind="payout_deposit", status="auto", confidence=0.99, currency="EUR",
                    statement_line_id=deposit, gateway_txn_id=payout.id, created_by="run",
                    origin="auto"))
    viewer = login(client, "clerk1", "clerk")
    page = viewer.get(f"/queue/line/{deposit}").get_data(as_text=True)
    assert 'id="payout"' in page and "po_9" in page and charge.gateway_id in page
    assert "paired with a gateway payout" in page and "unapplied of" not in page
    assert 'id="writeoff-form"' not in page and "None" not in page
    assert f"/queue/line/{deposit}" not in viewer.get("/queue").get_data(as_text=True)
