"""Readings that only large data sets produce: big collision groups, shared customer names.

At 100k invoices the global assignment meets collision groups too large for its exhaustive
search, thousands of customers share names (so every 3-gram of a name is common), and one payer
name fits several customers. Each test here fails if the matcher loses the right reading there.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from matching import Customer
from matching.assign import EXACT_LIMIT, Opt, assign

from .conftest import allocs, inv, rec, run


def test_combined_option_wins_in_a_collision_group_above_the_exhaustive_limit():
    # Receipt 0 pays invoices 0 and 1 together (strong evidence). Ten weak receipts could each
    # take invoice 0, 1 or their own invoice; a 1:1 assignment of single readings puts two of
    # them on invoices 0 and 1 (slightly better for them) and leaves no room for the payment.
    weak = 10
    opts = [Opt(0, 0, 20.0, ((0, 100), (1, 100)))]
    for r in range(1, weak + 1):
        opts += [Opt(10 * r, r, 3.0, ((0, 100),)), Opt(10 * r + 1, r, 3.0, ((1, 100),)),
                 Opt(10 * r + 2, r, 2.9, ((1 + r, 100),))]  # fmt: skip
    assert 2 * 4**weak > EXACT_LIMIT  # the group is too large for the exhaustive search
    chosen = assign(opts, np.full(weak + 2, 100), floor=-1.0)
    assert chosen[0].claims == ((0, 100), (1, 100))
    assert all(chosen[r].claims == ((1 + r, 100),) for r in range(1, weak + 1))


def test_assignment_never_exceeds_an_invoice_in_a_large_group():
    opts = [Opt(10 * r + k, r, 1.0 + 0.01 * ((r * 7 + k) % 5), ((k, 60),))
            for r in range(12) for k in range(4)]  # fmt: skip
    chosen = assign(opts, np.full(4, 100), floor=0.0)
    used = np.zeros(4)
    for o in chosen.values():
        for i, a in o.claims:
            used[i] += a
    assert (used <= 100).all() and len(chosen) == 4  # one 60 per invoice fits, no more


def test_payer_named_like_many_customers_still_meets_its_own():
    # 120 customers "Atlas Industries <n> AG": every 3-gram of the name is in more variants
    # than the rare-gram cut, yet the payer (its name cut short by the bank) must reach its own.
    customers = [Customer(f"c{n}", f"Atlas Industries {n} AG") for n in range(120)]
    invoices = [inv(f"i{n}", f"F-{9000 + n}", f"c{n}", f"{500 + n}.17") for n in range(120)]
    res = run(invoices, [rec("r1", "517.17", "ATLAS INDUSTRIES 17 A", "SEPA Ueberweisung")],
              customers)  # fmt: skip
    assert allocs(res, "r1") == {"i17": Decimal("517.17")}
    prop = res.by_receipt()["r1"]
    assert next(r for r in prop.reasons if r.feature == "payer").weight > 0


def test_combined_payment_of_one_of_several_customers_with_the_same_name():
    """Three customers are called alike; the mixed search pool holds the nearest invoices of all
    three, which are not the payer's: the payer's own pool must still be searched."""
    customers = [Customer(f"c{k}", "Nordlicht Holdings 2 GmbH") for k in range(3)]
    mine = [inv("m1", "NH-1001", "c0", "4130.17", days=0), inv("m2", "NH-1002", "c0", "2871.49", days=2),
            inv("m3", "NH-1003", "c0", "1999.03", days=4)]  # fmt: skip
    theirs = [inv(f"n{k}", f"NH-{2000 + k}", f"c{1 + k % 2}", f"{300 + 7 * k}.{(k * 37) % 100:02d}",
                  days=60 + k) for k in range(30)]  # fmt: skip
    paid = rec("r1", "9000.69", "NORDLICHT HOLDINGS 2 GMBH", "Sammelzahlung", days=95)
    res = run([*mine, *theirs], [paid], customers)
    assert allocs(res, "r1") == {"m1": Decimal("4130.17"), "m2": Decimal("2871.49"),
                                 "m3": Decimal("1999.03")}  # fmt: skip


def test_agent_names_a_chinese_customer_whose_name_holds_a_number():
    # thousands of customers: names like 华为实业1072(深圳)有限公司; an agent writes it in the text
    customers = [Customer(f"c{n}", f"华为实业{1000 + n}(深圳)有限公司") for n in range(40)]
    invoices = [inv(f"i{n}", f"F-{7000 + n}", f"c{n}", "5000.00", cur="CNY") for n in range(40)]
    paid = rec(
        "r1", "5000.00", "深圳市货代物流有限公司", "FOR 华为实业1017(深圳)有限公司", cur="CNY"
    )
    res = run(invoices, [paid], customers)
    assert allocs(res, "r1") == {"i17": Decimal("5000.00")}


def test_the_solver_of_a_large_group_stops_on_nodes_not_on_the_clock(monkeypatch):
    """A loaded machine must not change the answer: HiGHS is bounded by a node count (the same
    everywhere), and its time limit is only a far guard against a pathological group."""
    import matching.assign as assign_module

    seen: list[dict] = []
    real = assign_module.milp

    def spy(*args, **kwargs):
        seen.append(dict(kwargs["options"]))  # copied: scipy consumes the dict
        return real(*args, **kwargs)

    monkeypatch.setattr(assign_module, "milp", spy)
    weak = 10
    opts = [Opt(0, 0, 20.0, ((0, 100), (1, 100)))]
    for r in range(1, weak + 1):
        opts += [Opt(10 * r, r, 3.0, ((0, 100),)), Opt(10 * r + 1, r, 3.0, ((1, 100),)),
                 Opt(10 * r + 2, r, 2.9, ((1 + r, 100),))]  # fmt: skip
    assign(opts, np.full(weak + 2, 100), floor=-1.0)
    assert seen and seen[0]["node_limit"] == assign_module.MILP_NODES
    assert seen[0]["time_limit"] >= 60
