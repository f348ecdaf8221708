"""A second, independently written data set for the matching benchmark (families PROBE-EUR and
PROBE-CNY): other invoice numbering and other habits than gen_matching, so that the matcher is
not judged only on the generator it was developed with.

Per seed one numbering scheme: INV000123, 2026-00123, F/2026/123, SO100123, 8-digit numbers or
AR-0123-26. Customers have 1-8 open invoices; names share words across customers and legal
forms (Nordic Logistics AG and Nordic Logistics B.V. are two customers). A number is written
as issued, lower case, digits only without zeros, with spaces or without separators, with two
digits swapped, as its last digit group ("Inv. 123") or with "#". Receipts: exact, noref
(payer and amount only), fee (short by a bank fee), partial ("part payment", "Abschlag"),
two (two invoices of one customer in one text, the second often mangled), over (more than
the invoice), typo (one wrong digit, exact amount); plus noise credits that must stay
unmatched. Deterministic per (n, seed, family). Used by bench_matching.py --family PROBE-EUR.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from decimal import Decimal

from benchmarks.gen_matching import Dataset
from matching import Customer, OpenInvoice, Receipt

FIRST = ["Nordic", "Baltic", "Summit", "Harbor", "Pioneer", "Crescent", "Falcon", "Evergreen",
         "Meridian", "Orion", "Sterling", "Vertex", "Cobalt", "Maple", "Redwood", "Silverline",
         "Bluewater", "Keystone", "Lakeside", "Northwind", "Granite", "Horizon", "Atlas",
         "Zenith"]  # fmt: skip
SECOND = ["Logistics", "Foods", "Components", "Textiles", "Medical", "Software", "Plastics",
          "Engineering", "Trading", "Supplies", "Packaging", "Electronics", "Chemicals", "Motors"]
FORMS = ["GmbH", "Ltd", "Limited", "S.A.", "B.V.", "AG", "Inc.", "SARL", "Oy", "AB", "S.p.A."]
CN_CORE = ["华强", "金辉", "宏达", "鼎盛", "瑞丰", "恒通", "汇源", "永新", "天成", "万达", "长江",
           "新世纪"]  # fmt: skip
CN_BIZ = ["电子", "贸易", "科技", "物流", "机械", "化工", "纺织", "食品"]
CN_REGION = ["上海", "北京", "深圳", "广州", "杭州", "苏州"]
NOISE = [("TAX OFFICE REFUND", "REFUND 2026"), ("INTEREST", "INTEREST Q3"),
         ("ACME INSURANCE", "CLAIM 55120"), ("CASH DEPOSIT", ""), ("OWN ACCOUNT", "TRANSFER")]
KINDS = (("exact", 45), ("noref", 12), ("fee", 10), ("partial", 8), ("two", 12), ("over", 5),
         ("typo", 8))  # fmt: skip
SCHEMES = {"pad": "INV{:06d}", "year": "2026-{:05d}", "slash": "F/2026/{}", "so": "SO{}",
           "digits": "{}", "dash": "AR-{:04d}-26"}  # fmt: skip
START = {"so": 100_000, "digits": 40_000_000}


def _written(rng: random.Random, number: str) -> str:
    """How a payer writes an invoice number."""
    x = rng.random()
    digits = re.sub(r"\D", "", number)
    if x < 0.45:
        return number
    if x < 0.55:
        return number.lower()
    if x < 0.65:
        return digits.lstrip("0") if len(digits) > 6 else digits
    if x < 0.72:
        return number.replace("-", " ").replace("/", " ")
    if x < 0.80:
        return number.replace("-", "").replace("/", "")
    if x < 0.86 and len(number) > 5:
        i = rng.randrange(len(number) - 1)
        return number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    if x < 0.92:
        return "Inv. " + re.findall(r"\d+", number)[-1]
    return "#" + number


def _customers(rng: random.Random, n: int, family: str) -> list[Customer]:
    out = []
    for c in range(n):
        if family == "PROBE-CNY" and rng.random() < 0.8:
            name = (f"{rng.choice(CN_REGION)}{rng.choice(CN_CORE)}{rng.choice(CN_BIZ)}"
                    f"{c % 9 or ''}有限公司")  # fmt: skip
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(FORMS)}"
            if rng.random() < 0.3:
                name = f"{rng.choice(FIRST)} {name}"
        out.append(Customer(f"C{c}", name))
    return out


def _payer(rng: random.Random, name: str) -> str:
    x = rng.random()
    if x < 0.5:
        return name.upper()[:35]
    if x < 0.7:
        return name
    if x < 0.85 and " " in name:
        return " ".join(name.split()[:-1]).upper()
    return name.upper()[:20]


class _Builder:
    def __init__(self, n: int, seed: int, family: str) -> None:
        self.rng = random.Random(f"probe-{seed}-{family}")
        self.scheme = self.rng.choice(sorted(SCHEMES))
        self.cur = family.removeprefix("PROBE-")
        self.ds = Dataset([], [], [], currency=self.cur)
        self.ds.customers = _customers(self.rng, max(20, n // 4), family)
        self.names = {c.id: c.name for c in self.ds.customers}
        self.base = date(2026, 6, 1)

    def invoices(self, n: int) -> None:
        fmt, first = SCHEMES[self.scheme], START.get(self.scheme, 100)
        for k in range(n):
            cust = self.rng.choice(self.ds.customers)
            amount = Decimal(self.rng.choice([self.rng.randint(50, 900),
                                              self.rng.randint(900, 20000)]))  # fmt: skip
            amount += Decimal(self.rng.randint(0, 99)) / 100
            if self.rng.random() < 0.08:
                amount = Decimal(self.rng.choice([100, 250, 500, 1000, 1200]))
            issued = self.base + timedelta(days=self.rng.randint(0, 120))
            step = 7 if self.scheme == "digits" else 1
            self.ds.invoices.append(OpenInvoice(
                f"I{k}", fmt.format(first + k * step), cust.id, amount, self.cur, issued,
                issued + timedelta(days=30)))  # fmt: skip

    def pay(self, amount: Decimal, payer: str, text: str, when: date, kind: str,
            alloc: dict[str, Decimal] | None) -> None:  # fmt: skip
        rid = f"R{len(self.ds.receipts) + 1}"
        self.ds.receipts.append(Receipt(rid, amount, self.cur, when, payer, text[:140]))
        self.ds.case[rid] = kind
        if alloc is None:
            self.ds.noise.add(rid)
        else:
            self.ds.truth[rid] = alloc


def _receipt(b: _Builder, inv: OpenInvoice, open_by_cust: dict, used: set[str]) -> None:
    rng = b.rng
    when = inv.issue_date + timedelta(days=rng.randint(5, 45))
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    payer, w = _payer(rng, b.names[inv.customer_id]), _written(rng, inv.number)
    full = inv.open_amount
    if kind == "exact":
        text = rng.choice([w, f"Payment {w}", f"Invoice {w} thank you",
                           f"{w} {b.names[inv.customer_id]}"])  # fmt: skip
        b.pay(full, payer, text, when, kind, {inv.id: full})
    elif kind == "noref":
        b.pay(full, payer, rng.choice(["", "PAYMENT", "SUPPLIER PAYMENT"]), when, kind,
              {inv.id: full})  # fmt: skip
    elif kind == "fee":
        fee = Decimal(rng.choice(["5.00", "7.50", "12.00", "15.00", "0.35"]))
        if full <= fee * 10:
            return
        b.pay(full - fee, payer, f"INV {w}", when, kind, {inv.id: full - fee})
    elif kind == "partial":
        part = (full * Decimal(rng.choice(["0.5", "0.3", "0.25"]))).quantize(Decimal("0.01"))
        text = rng.choice([f"part payment {w}", f"{w} partial", f"Abschlag {w}"])
        b.pay(part, payer, text, when, kind, {inv.id: part})
    elif kind == "two":
        others = [i for i in open_by_cust[inv.customer_id] if i.id not in used and i.id != inv.id]
        if not others:
            return
        other = rng.choice(others)
        used.add(other.id)
        w2 = _written(rng, other.number)
        text = rng.choice([f"{w}, {w2}", f"INV {w} + {w2}", f"{w} {w2}"])
        b.pay(full + other.open_amount, payer, text, when, kind,
              {inv.id: full, other.id: other.open_amount})  # fmt: skip
    elif kind == "over":
        extra = Decimal(rng.choice(["10.00", "50.00", "100.00"]))
        b.pay(full + extra, payer, w, when, kind, {inv.id: full})
    else:  # typo: one digit replaced
        i = rng.randrange(len(inv.number))
        typo = inv.number[:i] + rng.choice("0123456789") + inv.number[i + 1 :]
        b.pay(full, payer, typo, when, kind, {inv.id: full})
    used.add(inv.id)


def generate(n: int, seed: int = 1, family: str = "PROBE-EUR") -> Dataset:
    """About n open invoices, two thirds of them paid, and noise credits, with ground truth."""
    b = _Builder(n, seed, family)
    b.invoices(n)
    open_by_cust: dict = {}
    for inv in b.ds.invoices:
        open_by_cust.setdefault(inv.customer_id, []).append(inv)
    used: set[str] = set()
    order = list(b.ds.invoices)
    b.rng.shuffle(order)
    for inv in order[: 2 * n // 3]:
        if inv.id not in used:
            _receipt(b, inv, open_by_cust, used)
    for _ in range(len(b.ds.receipts) // 8):
        payer, text = b.rng.choice(NOISE)
        when = b.base + timedelta(days=b.rng.randint(0, 150))
        b.pay(Decimal(b.rng.randint(10, 5000)), payer, text, when, "noise", None)
    return b.ds
