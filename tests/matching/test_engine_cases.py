"""The engine on hand-written cases: one case per behaviour the issue names."""

from decimal import Decimal

from matching import Customer, FxRule, MatchSettings

from .conftest import ACME, BETA, HUAWEI, allocs, inv, rec, run, status


def test_exact_reference_and_amount_is_auto_with_reasons_adding_up():
    res = run(
        [inv("i1", "INV-2024-00123", "c1", "1000.00")],
        [rec("r1", "1000.00", "ACME GMBH", "Payment for INV 2024 00123")],
        [ACME],
    )
    prop = res.by_receipt()["r1"]
    assert prop.status == "auto" and allocs(res, "r1") == {"i1": Decimal("1000.00")}
    assert abs(sum(r.weight for r in prop.reasons) - prop.score) < 1e-9
    assert {r.feature for r in prop.reasons} >= {"prior", "reference", "payer", "amount", "date"}
    assert 0.0 <= prop.confidence <= 1.0


def test_debits_never_match():
    res = run(
        [inv("i1", "INV-1001", "c1", "500.00")],
        [rec("r1", "-500.00", "ACME GMBH", "INV-1001")],
        [ACME],
    )
    assert res.proposals == () and res.unmatched == ("r1",)


def test_noise_receipt_with_coinciding_amount_stays_unmatched():
    invoices = [inv("i1", "INV-1001", "c1", "1234.56")]
    receipts = [
        rec("r1", "1234.56", "", "CREDIT INTEREST Q1"),
        rec("r2", "1234.56", "SUPPLIER GMBH", "Refund from vendor 88812"),
    ]
    res = run(invoices, receipts, [ACME])
    assert status(res, "r1") == "unmatched" and status(res, "r2") == "unmatched"


def test_transposed_digit_in_reference_still_matches():
    invoices = [
        inv("i1", "INV-2024-004512", "c1", "812.40"),
        inv("i2", "INV-2024-009999", "c2", "812.40"),
    ]
    res = run(invoices, [rec("r1", "812.40", "Acme GmbH", "INV-2024-005412")], [ACME, BETA])
    assert allocs(res, "r1") == {"i1": Decimal("812.40")}
    assert any(r.level == "typo" for r in res.by_receipt()["r1"].reasons)


def test_chinese_customer_paid_by_pinyin_payer_without_reference():
    res = run(
        [inv("i1", "F-000777", "c3", "5000.00", cur="CNY")],
        [rec("r1", "5000.00", "HUAWEI JISHU YOUXIAN GONGSI", "货款", cur="CNY")],
        [HUAWEI],
    )
    prop = res.by_receipt()["r1"]
    assert allocs(res, "r1") == {"i1": Decimal("5000.00")}
    assert any(r.feature == "payer" and r.level == "pinyin" for r in prop.reasons)


def test_fee_short_payment_closes_invoice_with_fee_adjustment():
    res = run(
        [inv("i1", "INV-2024-00200", "c2", "1000.00")],
        [rec("r1", "985.00", "BETA TRADING LIMITED", "INV-2024-00200")],
        [BETA],
    )
    prop = res.by_receipt()["r1"]
    assert prop.kind == "fee_gap" and prop.status == "auto"
    assert allocs(res, "r1") == {"i1": Decimal("985.00")}
    assert [(a.kind, a.amount) for a in prop.adjustments] == [("bank_fee", Decimal("15.00"))]
    assert prop.unapplied == 0


def test_shortfall_beyond_fee_tolerance_is_a_partial_payment():
    res = run(
        [inv("i1", "INV-2024-00200", "c2", "1000.00")],
        [rec("r1", "400.00", "Beta Trading Ltd", "part payment INV-2024-00200")],
        [BETA],
    )
    prop = res.by_receipt()["r1"]
    assert prop.kind == "partial" and prop.adjustments == ()
    assert allocs(res, "r1") == {"i1": Decimal("400.00")}


def test_overpayment_leaves_unapplied_cash():
    res = run(
        [inv("i1", "RE-55501", "c1", "300.00")],
        [rec("r1", "350.00", "Acme GmbH", "RE-55501")],
        [ACME],
    )
    prop = res.by_receipt()["r1"]
    assert prop.kind == "overpayment" and prop.unapplied == Decimal("50.00")
    assert allocs(res, "r1") == {"i1": Decimal("300.00")}


def test_split_payments_add_up_and_never_exceed_the_invoice():
    invoices = [inv("i1", "SO-778899", "c1", "1000.00")]
    receipts = [
        rec("r1", "600.00", "Acme GmbH", "SO-778899 part 1"),
        rec("r2", "400.00", "Acme GmbH", "SO-778899 part 2", days=20),
        rec("r3", "400.00", "Acme GmbH", "SO-778899 again", days=25),
    ]
    res = run(invoices, receipts, [ACME])
    applied = sum((a.amount for p in res.proposals for a in p.allocations), Decimal(0))
    assert applied == Decimal("1000.00")
    assert allocs(res, "r1") == {"i1": Decimal("600.00")}


def test_combined_payment_with_references_is_auto():
    invoices = [
        inv("i1", "INV-5001", "c1", "100.00"),
        inv("i2", "INV-5002", "c1", "250.00"),
        inv("i3", "INV-5003", "c1", "75.50"),
        inv("i4", "INV-5004", "c1", "999.00"),
    ]
    res = run(invoices, [rec("r1", "425.50", "ACME", "INV-5001 INV-5002 INV-5003")], [ACME])
    assert status(res, "r1") == "auto" and res.by_receipt()["r1"].kind == "subset"
    assert set(allocs(res, "r1")) == {"i1", "i2", "i3"}


def test_ambiguous_subset_sum_is_never_auto_and_offers_alternatives():
    invoices = [
        inv("i1", "INV-7001", "c1", "100.00"),
        inv("i2", "INV-7002", "c1", "200.00"),
        inv("i3", "INV-7003", "c1", "150.00"),
        inv("i4", "INV-7004", "c1", "150.00"),
    ]
    res = run(invoices, [rec("r1", "300.00", "Acme GmbH", "Sammelzahlung")], [ACME])
    prop = res.by_receipt()["r1"]
    assert prop.status == "suggested" and prop.kind == "subset"
    readings = [set(allocs(res, "r1"))] + [
        {a.invoice_id for a in alt.allocations} for alt in prop.alternatives
    ]
    assert {"i1", "i2"} in readings and {"i3", "i4"} in readings


def test_two_equal_invoices_without_reference_are_only_suggested():
    invoices = [inv("i1", "INV-1", "c1", "500.00"), inv("i2", "INV-2", "c1", "500.00", days=3)]
    res = run(invoices, [rec("r1", "500.00", "Acme GmbH", "")], [ACME])
    assert status(res, "r1") == "suggested"
    assert len(res.by_receipt()["r1"].alternatives) == 1


def test_equal_amount_of_another_customer_does_not_match_by_amount_alone():
    invoices = [inv("i1", "INV-1", "c1", "777.00"), inv("i2", "INV-2", "c2", "777.00")]
    res = run(invoices, [rec("r1", "777.00", "Beta Trading Ltd", "")], [ACME, BETA])
    assert allocs(res, "r1") == {"i2": Decimal("777.00")}


def test_fx_only_with_an_explicit_rule():
    invoices = [inv("i1", "INV-9001", "c1", "920.00", cur="EUR")]
    receipts = [rec("r1", "1000.00", "Acme GmbH", "INV-9001", cur="USD")]
    assert status(run(invoices, receipts, [ACME]), "r1") == "unmatched"
    rule = MatchSettings(fx_rules=(FxRule("USD", "EUR", Decimal("0.92"), Decimal("1")),))
    res = run(invoices, receipts, [ACME], rule)
    prop = res.by_receipt()["r1"]
    assert prop.kind == "fx" and allocs(res, "r1") == {"i1": Decimal("920.00")}


def test_fx_difference_closes_the_invoice_and_the_allocation_is_what_the_receipt_brings():
    invoices = [inv("i1", "INV-9002", "c1", "925.00", cur="EUR")]
    receipts = [rec("r1", "1000.00", "Acme GmbH", "INV-9002", cur="USD")]
    rule = MatchSettings(fx_rules=(FxRule("USD", "EUR", Decimal("0.92"), Decimal("1")),))
    prop = run(invoices, receipts, [ACME], rule).by_receipt()["r1"]
    (alloc,) = prop.allocations
    assert alloc.amount == Decimal("920.00") and alloc.receipt_amount == Decimal("1000.00")
    assert [(a.kind, a.amount) for a in prop.adjustments] == [("fx_difference", Decimal("5.00"))]


def test_payment_long_before_issue_is_penalised():
    invoices = [inv("i1", "INV-3001", "c1", "640.00", days=200)]
    early = run(invoices, [rec("r1", "640.00", "Acme GmbH", "", days=0)], [ACME])
    normal = run(invoices, [rec("r1", "640.00", "Acme GmbH", "", days=210)], [ACME])
    levels = {r.level for r in early.by_receipt()["r1"].reasons if r.feature == "date"}
    assert levels == {"before issue"}
    assert early.by_receipt()["r1"].score < normal.by_receipt()["r1"].score


def test_alias_links_unknown_payer_and_negative_alias_blocks_it():
    invoices = [inv("i1", "INV-4001", "c1", "321.00")]
    receipts = [rec("r1", "321.00", "MUELLER HOLDING", "")]
    taught = Customer("c1", "Acme GmbH", aliases=("Mueller Holding",))
    assert status(run(invoices, receipts, [taught]), "r1") == "auto"
    refused = Customer("c1", "Acme GmbH", rejected=("Mueller Holding",))
    assert status(run(invoices, receipts, [refused]), "r1") == "unmatched"


def test_rejected_pair_is_not_proposed_again():
    invoices = [inv("i1", "INV-4001", "c1", "321.00")]
    receipts = [rec("r1", "321.00", "Acme GmbH", "INV-4001")]
    res = run(invoices, receipts, [ACME], rejected_pairs=frozenset({("r1", "i1")}))
    assert status(res, "r1") == "unmatched"


def test_frequent_clearing_house_payer_counts_little_either_way():
    invoices = [inv(f"i{k}", f"INV-{6000 + k}", "c1", f"{100 + k}.00") for k in range(30)]
    receipts = [
        rec(f"r{k}", f"{100 + k}.00", "GLOBAL CLEARING HOUSE", f"INV-{6000 + k}") for k in range(30)
    ]
    res = run(invoices, receipts, [ACME])
    assert all(status(res, f"r{k}") == "auto" for k in range(30))
    levels = {r.level for r in res.by_receipt()["r0"].reasons if r.feature == "payer"}
    assert levels == {"intermediary"}


def test_global_assignment_gives_invoice_to_the_better_receipt():
    invoices = [inv("i1", "INV-8001", "c1", "450.00")]
    receipts = [
        rec("r1", "450.00", "", "TRANSFER"),  # first in the list, weaker evidence
        rec("r2", "450.00", "Acme GmbH", "INV-8001"),
    ]
    res = run(invoices, receipts, [ACME])
    assert allocs(res, "r2") == {"i1": Decimal("450.00")} and status(res, "r1") == "unmatched"


def test_duplicate_payment_of_one_invoice_is_not_auto():
    invoices = [inv("i1", "INV-8002", "c1", "450.00")]
    receipts = [
        rec("r1", "450.00", "Acme GmbH", "INV-8002"),
        rec("r2", "450.00", "Acme GmbH", "INV-8002"),
    ]
    res = run(invoices, receipts, [ACME])
    assert [p.status for p in res.proposals] == ["suggested"]


def test_already_paid_invoice_named_in_text_blocks_amount_only_match():
    invoices = [inv("i1", "INV-2", "c1", "450.00")]
    receipts = [rec("r1", "450.00", "Acme GmbH", "INV-1")]
    plain = run(invoices, receipts, [ACME])
    paid = run(invoices, receipts, [ACME], settled_invoice_numbers=frozenset({"INV-1"}))
    assert paid.by_receipt()["r1"].score < plain.by_receipt()["r1"].score
    assert status(paid, "r1") != "auto"


def test_swapped_digit_in_a_four_digit_number_matches_with_an_equal_amount():
    invoices = [inv("i1", "INV-4512", "c1", "812.40"), inv("i2", "INV-7788", "c2", "812.40")]
    res = run(invoices, [rec("r1", "812.40", "", "Invoice 4152")], [ACME, BETA])
    assert allocs(res, "r1") == {"i1": Decimal("812.40")}
    assert any(r.level == "typo" for r in res.by_receipt()["r1"].reasons)
    other = run(invoices, [rec("r1", "790.00", "", "Invoice 4152")], [ACME, BETA])
    assert status(other, "r1") == "unmatched"  # a wrong digit of four needs the amount


def test_short_invoice_number_without_prefix_matches_with_amount_or_customer():
    invoices = [
        inv("i1", "INV-2024-00124", "c1", "640.00"),
        inv("i2", "INV-2024-00125", "c1", "640.00"),
        inv("i3", "INV-2024-00126", "c2", "980.00"),
    ]
    res = run(invoices, [rec("r1", "640.00", "Acme GmbH", "Rechnung 124")], [ACME, BETA])
    assert allocs(res, "r1") == {"i1": Decimal("640.00")}  # the number picks among equal amounts
    prop = res.by_receipt()["r1"]
    ref = next(r for r in prop.reasons if r.feature == "reference")
    assert ref.level == "short number" and 0 < ref.weight < 11  # below a full reference
    zeros = run(invoices, [rec("r2", "980.00", "", "inv 00126 thanks")], [ACME, BETA])
    assert allocs(zeros, "r2") == {"i3": Decimal("980.00")}


def test_short_number_alone_names_nothing_without_amount_or_customer():
    invoices = [inv("i1", "INV-2024-00124", "c1", "640.00")]
    res = run(invoices, [rec("r1", "75.00", "Someone Else Ltd", "order 124")], [ACME])
    assert status(res, "r1") == "unmatched"
    amount = run(invoices, [rec("r1", "124.00", "", "paid 124.00")], [ACME])
    assert status(amount, "r1") == "unmatched"  # 124.00 is an amount, not a number


def test_combined_payment_without_reference_is_auto_only_when_its_exact_sum_is_unique():
    amounts = ["101.37", "203.11", "150.49", "87.23", "412.90", "66.15", "310.08", "128.64",
               "245.72", "93.31", "178.56", "355.19", "49.87", "267.43", "190.02", "134.78"]  # fmt: skip
    invoices = [inv(f"i{k}", f"INV-{8100 + k}", "c1", a, days=k) for k, a in enumerate(amounts)]
    paid = rec("r1", "665.88", "Acme GmbH", "Sammelzahlung", days=20)  # i1 + i4 + i12, only sum
    res = run(invoices, [paid], [ACME])
    prop = res.by_receipt()["r1"]
    assert prop.kind == "subset" and prop.status == "auto"
    assert set(allocs(res, "r1")) == {"i1", "i4", "i12"}
    assert any("the only exact one" in r.level for r in prop.reasons)
    no_payer = run(invoices, [rec("r1", "665.88", "", "Sammelzahlung", days=20)], [ACME])
    assert status(no_payer, "r1") != "auto"  # the customer must be named
    twice = [*invoices, inv("i99", "INV-8199", "c1", "616.01", days=3)]  # + 49.87 = 665.88
    again = run(twice, [paid], [ACME])
    assert status(again, "r1") == "suggested"  # two exact subsets: ambiguous, never auto


def test_combined_payment_search_looks_at_the_named_payers_invoices_before_a_neighbours():
    """A similarly named customer's many recent invoices must not fill the bounded search pool
    and push the payer's own (older) invoices out of it."""
    own, neighbour = (
        Customer("c1", "Nordlicht Holdings 2 GmbH"),
        Customer("c2", "Nordlicht Holdings 1 GmbH"),
    )
    mine = [inv("m1", "NH-1001", "c1", "4130.17", days=0), inv("m2", "NH-1002", "c1", "2871.49", days=2),
            inv("m3", "NH-1003", "c1", "1999.03", days=4)]  # fmt: skip
    theirs = [inv(f"n{k}", f"NH-{2000 + k}", "c2", f"{300 + 7 * k}.{(k * 37) % 100:02d}", days=60 + k)
              for k in range(30)]  # fmt: skip
    paid = rec("r1", "9000.69", "NORDLICHT HOLDINGS 2 GMBH", "Sammelzahlung", days=95)
    res = run([*mine, *theirs], [paid], [own, neighbour])
    prop = res.by_receipt().get("r1")
    assert prop is not None and prop.kind == "subset"
    readings = [{a.invoice_id for a in prop.allocations}]
    readings += [{a.invoice_id for a in alt.allocations} for alt in prop.alternatives]
    assert {"m1", "m2", "m3"} in readings
