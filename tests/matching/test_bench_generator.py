"""The matching benchmark's generator: its docstring states its real shares, seeds and families."""

from __future__ import annotations

import re

from benchmarks import gen_matching
from benchmarks.gen_cases import CASES
from benchmarks.gen_matching import SHARES, generate


def test_docstring_lists_the_shares_table() -> None:
    stated = dict(re.findall(r"(\w+) (\d+) %", gen_matching.__doc__ or ""))
    assert {k: int(v) for k, v in stated.items()} == dict(SHARES)
    assert sum(w for _, w in SHARES) == 100
    assert set(CASES) == {c for c, _ in SHARES}


def test_seed_and_family_decide_the_data() -> None:
    a, b = generate(300, 1, "EUR"), generate(300, 1, "EUR")
    assert [r.remittance for r in a.receipts] == [r.remittance for r in b.receipts]
    c = generate(300, 2, "EUR")
    assert [r.remittance for r in a.receipts] != [r.remittance for r in c.receipts]
    cny = generate(300, 1, "CNY")
    assert {r.currency for r in cny.receipts} == {"CNY"}
    assert {i.currency for i in cny.invoices} >= {"CNY"}


def test_truth_amounts_fit_the_receipts() -> None:
    ds = generate(1500, 3, "EUR")
    by_id = {r.id: r for r in ds.receipts}
    for rid, alloc in ds.truth.items():
        total = sum(alloc.values())
        case = ds.case[rid]
        if case == "over":
            assert by_id[rid].amount > total
        else:
            assert by_id[rid].amount == total, (rid, case)
    assert all(
        by_id[r].amount <= 0 or ds.case[r].startswith(("noise", "lookalike")) for r in ds.noise
    )


def test_the_second_generator_gives_consistent_ground_truth() -> None:
    from benchmarks.gen_probe import generate as probe

    a, b = probe(400, 7, "PROBE-CNY"), generate(400, 7, "PROBE-CNY")
    assert [r.remittance for r in a.receipts] == [r.remittance for r in b.receipts]
    assert a.currency == "CNY" and any("有限公司" in c.name for c in a.customers)
    invoices = {i.id: i for i in a.invoices}
    for rid, alloc in a.truth.items():
        receipt = next(r for r in a.receipts if r.id == rid)
        assert all(invoices[i].open_amount >= amount > 0 for i, amount in alloc.items())
        if a.case[rid] in ("exact", "noref", "two", "typo"):
            assert sum(alloc.values()) == receipt.amount
    assert a.noise and not a.noise & set(a.truth)
    assert set(a.case.values()) >= {"exact", "noref", "fee", "partial", "two", "over", "noise"}
