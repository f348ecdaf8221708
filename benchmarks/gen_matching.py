"""Synthetic open invoices and receipts with ground truth, for the matching benchmark.

`generate(n, seed, family)` returns a `Dataset`: about n open invoices and n receipts of the
EUR or CNY family (customers mostly Western or mostly Chinese, similar names on purpose,
several invoice-number formats, two of which restart each year, a few open invoices in another
currency, equal and recurring amounts). Receipts come in these shares (of all receipts; this
list is checked against `SHARES` by tests/matching/test_bench_generator.py):

  clean 26 %, glued 4 %, noref 8 %, mangled 8 %, ocr 3 %, truncated 3 %, fee 5 %, partial 4 %,
  over 3 %, combined 5 %, split 3 %, agent 3 %, multi 2 %, pinyin 3 %, recurring 4 %,
  noise 6 %, lookalike 3 %, debit 7 %.

clean = the number in a normal text; glued = numbers inside words, several numbers in one text;
noref = payer and amount only; mangled = spaces, dropped zeros, transposition, typo, PO prefix;
ocr = digits read as O/I/S/B; truncated = cut at 35 or 140 characters inside the number;
fee = short by a bank fee; partial = "part payment", "Anzahlung", 部分货款; over = more than the
invoice; combined = 2-4 invoices of one customer, numbers listed or "Rechnung vom Juni";
split = one invoice paid in 2-3 receipts over days ("balance of"); agent = a forwarder or
payment agent pays for the customer; multi = one group payer pays invoices of 2-3 customers;
pinyin = Chinese customer, payer name in pinyin; recurring = one of several equal monthly
invoices, named by number or by month; noise = interest, refunds, own transfers; lookalike =
noise that reads like a payment, often with an open invoice's amount; debit = money out.

Truth: `truth[receipt_id]` = {invoice_id: Decimal allocated} for matchable receipts; `noise` =
ids that must stay unmatched (debits included); `case[receipt_id]` = the case above (mangled
ones with how). Deterministic per (n, seed, family). The frozen evaluation seed lives in
bench_matching.py and is never used while developing the matcher.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from benchmarks import gen_styles as S
from matching import Customer, OpenInvoice, Receipt

SHARES = [("clean", 26), ("glued", 4), ("noref", 8), ("mangled", 8), ("ocr", 3),
          ("truncated", 3), ("fee", 5), ("partial", 4), ("over", 3), ("combined", 5),
          ("split", 3), ("agent", 3), ("multi", 2), ("pinyin", 3), ("recurring", 4),
          ("noise", 6), ("lookalike", 3), ("debit", 7)]  # fmt: skip
OTHER_CURRENCY = {"EUR": "USD", "CNY": "USD"}


@dataclass
class Dataset:
    customers: list[Customer]
    invoices: list[OpenInvoice]
    receipts: list[Receipt]
    truth: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    noise: set[str] = field(default_factory=set)
    case: dict[str, str] = field(default_factory=dict)
    currency: str = "EUR"
    accounts: dict[str, str] = field(default_factory=dict)  # customer id -> its payer account


def _cn_name(rng: random.Random, k: int) -> str:
    region = rng.choice(S.CN_REGION)
    core = rng.choice(S.CN_CORE) + rng.choice(S.CN_BIZ) + ("" if rng.random() < 0.7 else str(k))
    form = rng.choice(S.CN_FORMS)
    return f"{core}{region}{form}" if region.startswith("(") else f"{region}{core}{form}"


def _customers(rng: random.Random, n: int, family: str) -> list[tuple[Customer, str]]:
    share_cn = 0.8 if family == "CNY" else 0.25
    out = []
    for k in range(n):
        if rng.random() < share_cn:
            out.append((Customer(f"C{k}", _cn_name(rng, k)), "cn"))
        else:
            name = f"{rng.choice(S.EN_A)} {rng.choice(S.EN_B)} {k % 7 or ''}".replace("  ", " ")
            out.append((Customer(f"C{k}", f"{name.strip()} {rng.choice(S.EN_FORMS)}"), "en"))
    return out


def _number(fmt: int, seq: int, year: int, year_seq: int) -> str:
    return [f"INV-{year}-{seq:06d}", f"{year}/{seq:06d}", f"F{seq:07d}", f"RE-{seq}",
            f"SO{seq + 100000}", f"INV{seq:08d}",
            f"{year}-{year_seq:04d}", f"RE{year % 100}-{year_seq:03d}"][fmt]  # fmt: skip


def _payer(rng: random.Random, cust: Customer, kind: str) -> str:
    if kind == "cn" and rng.random() < 0.25:
        return S.pinyin_of(cust.name)
    r = rng.random()
    if r < 0.04:
        return ""
    if r < 0.3:
        return cust.name.upper()
    if r < 0.42:
        return cust.name.upper()[:35] if len(cust.name) > 20 else cust.name.upper()[:-1]
    if r < 0.6 and kind == "en":
        return cust.name.rsplit(" ", 1)[0].upper().replace(",", "")
    if r < 0.6 and kind == "cn":
        return cust.name.replace("有限公司", "").replace("股份", "")  # short form
    return cust.name


class _Builder:
    def __init__(self, n: int, seed: int, family: str) -> None:
        self.rng = random.Random(f"{family}:{seed}")
        self.family = family
        self.custs = _customers(self.rng, max(n // 15, 5), family)
        self.ds = Dataset([c for c, _ in self.custs], [], [], currency=family)
        self.fmt = {c.id: self.rng.randrange(8) for c, _ in self.custs}
        self.ds.accounts = {c.id: S.account(self.rng, family) for c, _ in self.custs}
        self.seq, self.year_seq = 1000, {2023: 0, 2024: 0}
        self.start = date(2023, 9, 1)

    def invoice(self, k: int, amount: Decimal | None = None, issue: date | None = None,
                currency: str | None = None) -> OpenInvoice:  # fmt: skip
        cust, _ = self.custs[k]
        self.seq += self.rng.randint(1, 3)
        issue = issue or self.start + timedelta(days=self.rng.randint(0, 240))
        self.year_seq[issue.year] += 1
        number = _number(self.fmt[cust.id], self.seq, issue.year, self.year_seq[issue.year])
        inv = OpenInvoice(f"I{len(self.ds.invoices)}", number, cust.id,
                          amount or S.money(self.rng, self.family), currency or self.family,
                          issue, issue + timedelta(days=30))  # fmt: skip
        self.ds.invoices.append(inv)
        return inv

    def receipt(self, amount, text, payer, when, case, truth=None, account="") -> None:
        rid = f"R{len(self.ds.receipts)}"
        self.ds.receipts.append(Receipt(rid, amount, self.family, when, payer, text,
                                        payer_account=account))  # fmt: skip
        self.ds.case[rid] = case
        if truth is None:
            self.ds.noise.add(rid)
        else:
            self.ds.truth[rid] = truth

    def paid_on(self, inv: OpenInvoice) -> date:
        return inv.issue_date + timedelta(days=self.rng.randint(-2, 75))

    def payer(self, k: int) -> str:
        return _payer(self.rng, *self.custs[k])

    def account(self, k: int) -> str:
        return self.ds.accounts[self.custs[k][0].id] if self.rng.random() < 0.8 else ""

    def pay(self, k: int, amount, text, when, case, truth) -> None:
        """A receipt from customer k's own payer name and (mostly) its own account."""
        self.receipt(amount, text, self.payer(k), when, case, truth, self.account(k))


def generate(n: int, seed: int = 1, family: str = "EUR") -> Dataset:
    """About n receipts and n open invoices with ground truth (PROBE-* families: gen_probe)."""
    from benchmarks.gen_cases import CASES

    if family.startswith("PROBE-"):
        from benchmarks.gen_probe import generate as probe

        return probe(n, seed, family)

    b = _Builder(n, seed, family)
    cases = [c for c, w in SHARES for _ in range(w)]
    while len(b.ds.receipts) < n:
        case = b.rng.choice(cases)
        CASES[case](b, case)
    while len(b.ds.invoices) < n:  # open invoices nobody paid yet, a few in another currency
        k = b.rng.randrange(len(b.custs))
        foreign = b.rng.random() < 0.04
        b.invoice(k, currency=OTHER_CURRENCY[family] if foreign else None)
    b.rng.shuffle(b.ds.invoices)
    return b.ds
