"""Issue #12: each matcher setting changed on the settings PAGE changes what every path that
runs the matcher does: ``recon match``, ``recon run`` and ``POST /api/v1/runs``.

The scene is one 1,000.00 CNY invoice paid by its customer, quoting the invoice number; the
receipt is short by 20.00 or 30.00 where the fee tolerance is tested.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from recon.access import users
from recon.models import Adjustment, Match
from tests.recon.factories import make_customer, make_invoice, make_line

PATHS = ("match", "run", "api")
# setting form -> (receipt amount, what the match looks like afterwards)
CASES = {
    "auto_threshold": ({"auto_threshold": "1"}, "1000.00", ("suggested", "exact")),
    "suggest_threshold": ({"auto_threshold": "1", "suggest_threshold": "1"}, "1000.00",
                          (None, None)),
    "fee_tolerance_abs": ({"fee_tolerance_abs": "0"}, "980.00", ("*", "partial")),
    # 30.00 short: above the default 25.00, within 3 % of the invoice
    "fee_tolerance_pct": ({"fee_tolerance_abs": "0", "fee_tolerance_pct": "3"}, "970.00",
                          ("*", "fee")),
}


def _scene(session_factory, paid: str) -> str:
    with session_factory.begin() as s:
        customer = make_customer(s, name="Shenzhen Huanan Electronics")
        inv = make_invoice(s, "1000.00", "CNY", customer=customer, invoice_no="INV-7781")
        make_line(s, paid, "CNY", counterparty_name="SHENZHEN HUANAN ELECTRONICS",
                  remittance=f"PAYMENT {inv.invoice_no}")
        users.create_user(s, "robot", "x" * 16, role="admin", actor="t")
        return users.create_token(s, "t", username="robot", actor="t")


def _outcome(session_factory) -> tuple[str | None, str | None]:
    with session_factory() as s:
        match = s.scalar(sa.select(Match).where(Match.kind != "payout_deposit"))
        if match is None:
            return None, None
        amount = [r["level"] for r in match.reasons if r["feature"] == "amount"]
        return match.status, amount[0] if amount else None


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("setting", sorted(CASES))
def test_setting_saved_in_the_ui_changes_the_path(setting, path, app, client, login, cli,
                                                  session_factory) -> None:
    form, paid, expected = CASES[setting]
    token = _scene(session_factory, paid)
    admin = login(app.test_client(), "root", "admin")
    assert admin.post("/settings", data=form).status_code == 302
    if path == "match":
        assert cli("match").exit_code == 0
    elif path == "run":
        cli("run")
    else:
        answer = client.post("/api/v1/runs?wait=1", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.get_data(as_text=True)
    status, level = _outcome(session_factory)
    assert (status if expected[0] != "*" else "*", level) == expected
    if setting.startswith("fee"):
        with session_factory() as s:
            fees = s.scalar(sa.select(sa.func.count()).select_from(Adjustment)
                            .where(Adjustment.kind == "bank_fee"))
        assert bool(fees) == (level == "fee" and status == "auto")
