"""Synthetic open invoices and receipts with ground truth, for the matching benchmark.

`generate(n, seed)` returns a `Dataset`: about n open invoices and n receipts, customers in
English and Chinese (similar names on purpose), several invoice-number formats, equal amounts
across customers, and receipts in these shares (of all receipts):

  clean ref + exact amount 44 %, no ref (payer + amount) 9 %, mangled ref (spaces, case,
  dropped zeros, prefixes, typo, transposition, truncation at 35 chars) 10 %, fee short 5 %,
  partial 4 %, overpayment 2 %, combined 2-4 invoices 5 % (refs in 60 %), split in two 3 %,
  Chinese payer in pinyin 3 %, payer is a clearing house 2 %, noise that must stay unmatched
  7 % (interest, supplier refunds, own transfers, unknown deposits; a third with the amount of
  an open invoice), debits 6 %.

Truth: `truth[receipt_id]` = {invoice_id: Decimal allocated} for matchable receipts, and
`noise` = ids that must stay unmatched (debits included). Also writes CSV/camt.053 via
`write_files` for the full-path mode. Deterministic per seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from matching import Customer, OpenInvoice, Receipt

EN_A = [
    "Acme",
    "Apex",
    "Summit",
    "Harbor",
    "Northwind",
    "Blue River",
    "Silver Oak",
    "Granite",
    "Pioneer",
    "Crescent",
    "Evergreen",
    "Atlas",
    "Beacon",
    "Falcon",
    "Meridian",
    "Orchid",
    "Redwood",
    "Sterling",
    "Horizon",
    "Liberty",
    "Cobalt",
    "Vertex",
    "Lumen",
    "Quantum",
]
EN_B = [
    "Trading",
    "Logistics",
    "Industries",
    "Foods",
    "Systems",
    "Partners",
    "Solutions",
    "Manufacturing",
    "Holdings",
    "Supplies",
    "Technologies",
    "Consulting",
    "Retail",
]
EN_FORMS = ["Ltd", "Limited", "Inc.", "LLC", "GmbH", "S.A.", "Pty Ltd", "Co., Ltd.", "PLC"]
CN_REGION = ["北京", "上海", "深圳市", "广州", "杭州", "(深圳)", "苏州", "成都"]
CN_CORE = [
    "华为",
    "腾讯",
    "美的",
    "海尔",
    "格力",
    "比亚迪",
    "联想",
    "小米",
    "长城",
    "中兴",
    "万科",
    "顺丰",
    "京东",
    "网易",
    "百度",
    "大华",
    "海康",
    "宁德",
    "立讯",
    "蓝思",
]
CN_BIZ = ["科技", "贸易", "电子", "物流", "实业", "食品", "机械", "软件"]
CN_FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
NOISE_TEXT = ["CREDIT INTEREST Q{q}", "Zinsgutschrift {q}", "结息 {q}", "SUPPLIER REFUND {n}",
              "Refund from vendor {n}", "OWN TRANSFER FROM SAVINGS", "Internal transfer {n}",
              "CASH DEPOSIT", "", "TRANSFER {n}"]  # fmt: skip


@dataclass
class Dataset:
    customers: list[Customer]
    invoices: list[OpenInvoice]
    receipts: list[Receipt]
    truth: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    noise: set[str] = field(default_factory=set)
    case: dict[str, str] = field(default_factory=dict)


def _customers(rng: random.Random, n: int) -> list[tuple[Customer, str]]:
    out = []
    for k in range(n):
        if rng.random() < 0.3:
            region = rng.choice(CN_REGION)
            core = rng.choice(CN_CORE) + rng.choice(CN_BIZ) + ("" if rng.random() < 0.7 else str(k))
            form = rng.choice(CN_FORMS)
            name = f"{core}{region}{form}" if region.startswith("(") else f"{region}{core}{form}"
            out.append((Customer(f"C{k}", name), "cn"))
        else:
            name = f"{rng.choice(EN_A)} {rng.choice(EN_B)} {k % 7 or ''}".replace("  ", " ")
            out.append((Customer(f"C{k}", f"{name.strip()} {rng.choice(EN_FORMS)}"), "en"))
    return out


def _number(fmt: int, seq: int) -> str:
    return [f"INV-2024-{seq:06d}", f"2024/{seq:06d}", f"F{seq:07d}", f"RE-{seq}",
            f"SO{seq + 100000}", f"INV{seq:08d}"][fmt]  # fmt: skip


def _amount(rng: random.Random) -> Decimal:
    if rng.random() < 0.2:
        return Decimal(rng.choice([100, 200, 250, 500, 1000, 1500, 2000, 5000]))
    return Decimal(rng.randint(2000, 900000)) / 100


def _payer(rng: random.Random, cust: Customer, kind: str) -> str:
    from pypinyin import lazy_pinyin

    if kind == "cn" and rng.random() < 0.35:
        return " ".join(lazy_pinyin(cust.name.replace("(", "").replace(")", ""))).upper()
    r = rng.random()
    if r < 0.05:
        return ""
    if r < 0.35:
        return cust.name.upper()
    if r < 0.45:
        return cust.name.upper()[:35] if len(cust.name) > 20 else cust.name.upper()[:-1]
    if r < 0.6 and kind == "en":
        return cust.name.rsplit(" ", 1)[0].upper().replace(",", "")
    return cust.name


def _mangle(rng: random.Random, number: str) -> tuple[str, str]:
    r = rng.random()
    digits = "".join(c for c in number if c.isdigit())
    if r < 0.2:
        return f"inv {number.lower().replace('-', ' ')}", "spaces"
    if r < 0.35:
        return f"Payment for {digits.lstrip('0')}", "zeros"
    if r < 0.55:
        i = rng.randrange(len(number) - 1, 0, -1)
        while not (number[i].isdigit() and number[i - 1].isdigit() and number[i] != number[i - 1]):
            i -= 1
            if i < 1:
                return number, "plain"
        return number[: i - 1] + number[i] + number[i - 1] + number[i + 1 :], "transposed"
    if r < 0.7:
        i = max(k for k, c in enumerate(number) if c.isdigit())
        return number[:i] + str((int(number[i]) + 3) % 10) + number[i + 1 :], "typo"
    if r < 0.85:
        pad = "PAYMENT OF INVOICES THANK YOU REF "
        return (pad + number)[:35], "truncated"
    return f"PO 4500{rng.randint(100000, 999999)} / inv {number}", "po"


class _Builder:
    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n = n
        self.custs = _customers(self.rng, max(n // 15, 5))
        self.ds = Dataset([c for c, _ in self.custs], [], [])
        self.fmt = {c.id: self.rng.randrange(6) for c, _ in self.custs}
        self.seq = 1000
        self.start = date(2024, 1, 1)

    def invoice(self, cust_k: int, amount: Decimal | None = None) -> OpenInvoice:
        cust, _ = self.custs[cust_k]
        self.seq += self.rng.randint(1, 3)
        issue = self.start + timedelta(days=self.rng.randint(0, 150))
        inv = OpenInvoice(f"I{len(self.ds.invoices)}", _number(self.fmt[cust.id], self.seq),
                          cust.id, amount or _amount(self.rng), "EUR", issue,
                          issue + timedelta(days=30))  # fmt: skip
        self.ds.invoices.append(inv)
        return inv

    def receipt(self, amount, text, payer, when, case, truth=None, refs=()) -> None:
        rid = f"R{len(self.ds.receipts)}"
        self.ds.receipts.append(Receipt(rid, amount, "EUR", when, payer, text, refs))
        self.ds.case[rid] = case
        if truth is None:
            self.ds.noise.add(rid)
        else:
            self.ds.truth[rid] = truth

    def paid_on(self, inv: OpenInvoice) -> date:
        return inv.issue_date + timedelta(days=self.rng.randint(-2, 75))

    def payer(self, k: int) -> str:
        return _payer(self.rng, *self.custs[k])


def _one(b: _Builder, case: str) -> None:
    rng = b.rng
    k = rng.randrange(len(b.custs))
    inv = b.invoice(k)
    when, amt, num = b.paid_on(inv), inv.open_amount, inv.number
    if case == "clean":
        text = rng.choice([num, f"Invoice {num}", f"{num} payment", f"RE {num}"])
        b.receipt(amt, text, b.payer(k), when, case, {inv.id: amt})
    elif case == "noref":
        b.receipt(amt, rng.choice(["", "PAYMENT", "TRANSFER", "货款"]), b.payer(k) or
                  b.custs[k][0].name, when, case, {inv.id: amt})  # fmt: skip
    elif case == "mangled":
        text, how = _mangle(rng, num)
        b.receipt(amt, text, b.payer(k), when, f"mangled-{how}", {inv.id: amt})
    elif case == "fee":
        fee = Decimal(rng.choice([5, 10, 12.5, 15, 20, 25])).quantize(Decimal("0.01"))
        b.receipt(amt - fee, f"INV {num}", b.payer(k), when, case, {inv.id: amt - fee})
    elif case == "partial":
        part = (amt * Decimal(rng.choice(["0.5", "0.3", "0.25", "0.6"]))).quantize(Decimal("0.01"))
        b.receipt(part, f"part payment {num}", b.payer(k), when, case, {inv.id: part})
    elif case == "over":
        b.receipt(amt + Decimal(rng.randint(50, 500)), f"{num}", b.payer(k), when, case,
                  {inv.id: amt})  # fmt: skip
    elif case == "clearing":
        b.receipt(amt, f"ORDER {num} VIA CH", "GLOBAL CLEARING HOUSE AG", when, case, {inv.id: amt})
    else:
        _other(b, case, k, inv)


def _other(b: _Builder, case: str, k: int, inv: OpenInvoice) -> None:
    rng = b.rng
    if case == "combined":
        invs = [inv] + [b.invoice(k) for _ in range(rng.randint(1, 3))]
        total = sum(i.open_amount for i in invs)
        text = (
            ("INV " + " ".join(i.number for i in invs)) if rng.random() < 0.6 else "SAMMELZAHLUNG"
        )
        b.receipt(total, text[:140], b.payer(k), b.paid_on(invs[-1]), case,
                  {i.id: i.open_amount for i in invs})  # fmt: skip
    elif case == "split":
        first = (inv.open_amount * Decimal(rng.choice(["0.5", "0.4", "0.7"]))).quantize(
            Decimal("0.01")
        )
        for part, n in ((first, 1), (inv.open_amount - first, 2)):
            b.receipt(part, f"{inv.number} part {n}", b.payer(k), b.paid_on(inv), case,
                      {inv.id: part})  # fmt: skip
    elif case == "noise":
        coincide = rng.random() < 0.35
        amt = inv.open_amount if coincide else _amount(rng)
        text = rng.choice(NOISE_TEXT).format(q=rng.randint(1, 4), n=rng.randint(1000, 99999))
        payer = rng.choice(["", "OUR BANK AG", "SUPPLIER GMBH", "COMPANY TREASURY", "UNKNOWN"])
        b.receipt(amt, text, payer, b.paid_on(inv), "noise-coincide" if coincide else case)
    elif case == "debit":
        b.receipt(-inv.open_amount, f"PAYMENT TO SUPPLIER {inv.number}", b.payer(k),
                  b.paid_on(inv), case)  # fmt: skip


SHARES = [("clean", 44), ("noref", 9), ("mangled", 10), ("fee", 5), ("partial", 4), ("over", 2),
          ("combined", 2), ("split", 2), ("clearing", 2), ("noise", 7), ("debit", 6),
          ("pinyin", 3)]  # fmt: skip


def generate(n: int, seed: int = 7) -> Dataset:
    """About n receipts and n open invoices with ground truth."""
    b = _Builder(n, seed)
    cases = [c for c, w in SHARES for _ in range(w)]
    cn = [k for k, (_, kind) in enumerate(b.custs) if kind == "cn"]
    while len(b.ds.receipts) < n:
        case = b.rng.choice(cases)
        if case == "pinyin" and cn:
            k = b.rng.choice(cn)
            inv = b.invoice(k)
            from pypinyin import lazy_pinyin

            payer = " ".join(lazy_pinyin(b.custs[k][0].name)).upper()
            b.receipt(inv.open_amount, f"货款 {inv.number}", payer, b.paid_on(inv), case,
                      {inv.id: inv.open_amount})  # fmt: skip
        else:
            _one(b, case)
    while len(b.ds.invoices) < n:  # open invoices nobody paid yet
        b.invoice(b.rng.randrange(len(b.custs)))
    b.rng.shuffle(b.ds.invoices)
    return b.ds
