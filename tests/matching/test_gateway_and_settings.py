"""Gateway stage (payouts to deposits, charges to invoices) and settings validation."""

from datetime import date
from decimal import Decimal

import pytest

from matching import (
    BankDeposit,
    GatewayPayout,
    InvalidInput,
    InvalidSettings,
    MatchInput,
    MatchSettings,
    match,
    match_payouts,
)

from .conftest import ACME, allocs, inv, rec, run


def test_payout_matches_deposit_by_net_amount_date_and_reference():
    payouts = [
        GatewayPayout(
            "po_1", "stripe", Decimal("970.30"), "EUR", date(2024, 3, 4), reference="po_1OaBcD"
        ),
        GatewayPayout("po_2", "stripe", Decimal("970.30"), "EUR", date(2024, 3, 11)),
    ]
    deposits = [
        BankDeposit(
            "d1", Decimal("970.30"), "EUR", date(2024, 3, 5), "STRIPE", "STRIPE PAYOUT po_1OaBcD"
        ),
        BankDeposit("d2", Decimal("970.30"), "EUR", date(2024, 3, 12), "STRIPE", "STRIPE"),
        BankDeposit("d3", Decimal("12.00"), "EUR", date(2024, 3, 5), "ACME", "INV-1"),
    ]
    pairs = {(p.payout_id, p.deposit_id): p for p in match_payouts(payouts, deposits)}
    assert set(pairs) == {("po_1", "d1"), ("po_2", "d2")}
    assert pairs[("po_1", "d1")].status == "auto"
    assert (
        abs(sum(r.weight for r in pairs[("po_1", "d1")].reasons) - pairs[("po_1", "d1")].score)
        < 1e-9
    )


def test_gateway_charge_matches_invoice_by_order_reference():
    invoices = [inv("i1", "INV-777", "c1", "59.90", order_refs=("ORD-20240301-0042",))]
    charge = rec("ch_1", "59.90", "", "", channel="alipay", refs=("ORD20240301-0042",))
    res = run(invoices, [charge], [ACME])
    assert allocs(res, "ch_1") == {"i1": Decimal("59.90")}


@pytest.mark.parametrize(
    "settings",
    [MatchSettings(auto_threshold=0.4, suggest_threshold=0.5), MatchSettings(auto_threshold=1.5)],
)
def test_bad_thresholds_are_rejected(settings):
    with pytest.raises(InvalidSettings):
        match(MatchInput((), ()), settings)


def test_float_money_is_rejected():
    bad = rec("r1", "1.00", "x")
    bad = type(bad)(bad.id, 1.0, "EUR", bad.booking_date)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        match(MatchInput((), (bad,)))


def test_empty_input_gives_empty_result():
    assert match(MatchInput((), ())).proposals == ()
