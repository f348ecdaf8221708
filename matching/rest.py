"""Is an overpayment's rest another open invoice of the same customer? (leaf layer)

A receipt that pays a named invoice and exactly the open amount of another invoice of the same
customer, cents and all, is far likelier a combined payment whose second number is missing or
unreadable ("INV AR-8601-26 + Inv. 26") than an overpayment that happens to equal that invoice.
Such an overpayment is therefore never confirmed automatically: a person sees it, with the
combined readings that hold the invoice beside it when the subset search found them. Whole
amounts are left out: deposits and round invoices (100.00, 500.00) meet by chance.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from matching.prepare import Tables, to_minor
from matching.settings import exponent
from matching.subset import Option


class RestCheck:
    """Open amounts per customer, counted once per run."""

    def __init__(self, t: Tables) -> None:
        self.t = t
        self.count = Counter(zip(t.inv_cust.tolist(), t.inv_open.tolist(), strict=True))

    def is_other_invoice(self, inv: int, rest: Decimal, currency: str) -> bool:
        """`rest` of a receipt overpaying invoice `inv` equals another open invoice of its
        customer to the cent (and is not a whole amount)."""
        minor = to_minor(rest, currency)
        if minor <= 0 or minor % 10 ** exponent(currency) == 0:
            return False
        cust = int(self.t.inv_cust[inv])
        same = int(self.t.inv_open[inv]) == minor  # the invoice itself does not count
        return self.count.get((cust, minor), 0) > int(same)


def combined_with(subsets: list[Option], ids, row: int, base: int) -> list[tuple[float, int]]:
    """(score, option key) of the combined readings among `ids` that hold pair `row`: shown
    beside such an overpayment."""
    return [(subsets[n].score, base + n) for n in ids if row in subsets[n].rows]
