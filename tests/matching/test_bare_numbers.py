"""A number standing alone in a text tells only as much as its chance of naming some invoice.

With invoices RE-1000 .. RE-9999 open, any 4-digit number in a text ("TRANSFER 3359") names
one of them: that coincidence must not carry the weight of a written invoice number.
"""

from __future__ import annotations

import math

from matching import Customer
from matching.refs import chance_bits

from .conftest import inv, rec, run, status

CUSTOMERS = [Customer(f"c{k}", f"Customer {k} Trading Ltd") for k in range(40)]


def _invoices(first: int, last: int) -> list:
    return [
        inv(f"i{n}", f"RE-{n}", f"c{n % 40}", f"{60000 + n}.40") for n in range(first, last + 1)
    ]


def test_chance_bits_shrink_as_the_numbers_of_a_length_fill_up() -> None:
    assert chance_bits("3359", {4: 9000}) == 0.0
    assert math.isclose(chance_bits("3359", {4: 900}), math.log2(10))
    assert chance_bits("3359", {}) == math.log2(9000)
    assert chance_bits("RE3359", {4: 9000}) == math.inf  # letters: not a bare number
    assert chance_bits("03359", {5: 90000}) == math.inf  # written zeros are specific


def _reference_weight(invoices: list, text: str, amount: str) -> float:
    res = run(invoices, [rec("r1", amount, "", text)], CUSTOMERS)
    prop = res.by_receipt()["r1"]
    assert [a.invoice_id for a in prop.allocations] == ["i3359"]
    return next(r.weight for r in prop.reasons if r.feature == "reference")


def test_a_bare_number_among_a_crowded_numbering_tells_nothing() -> None:
    invoices = _invoices(1000, 9999)  # every 4-digit number from 1000 names an open invoice
    assert _reference_weight(invoices, "Zahlung 3359", "63359.40") == 0.0
    # the number written with its letters is still the invoice's own number
    assert _reference_weight(invoices, "Zahlung RE-3359", "63359.40") == 13.0


def test_a_bare_number_partial_payment_is_not_confirmed_by_the_coincidence() -> None:
    invoices = _invoices(1000, 9999)
    receipts = [
        rec("bare", "15000.00", "", "TRANSFER 3359"),
        rec("named", "15000.00", "", "RE-3358"),
    ]
    res = run(invoices, receipts, CUSTOMERS)
    assert status(res, "bare") == "unmatched"
    assert status(res, "named") == "auto"


def test_the_same_bare_number_counts_more_when_few_invoices_share_its_length() -> None:
    invoices = _invoices(3300, 3399)  # 100 of 9,000 four-digit numbers: log2(90) bits
    weight = _reference_weight(invoices, "Zahlung 3359", "63359.40")
    assert math.isclose(weight, math.log2(90))
