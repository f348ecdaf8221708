"""The receipt cases of the matching benchmark's generator, one function per case.

Each function takes the generator's builder and the case name, creates the invoices it needs
and the receipt(s) with their ground truth (see gen_matching.py for the shares and what each
case means). `CASES` maps every name of `gen_matching.SHARES` to its function.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from benchmarks import gen_styles as S

CENT = Decimal("0.01")


def _start(b: Any) -> tuple[int, Any]:
    k = b.rng.randrange(len(b.custs))
    return k, b.invoice(k)


def clean(b: Any, case: str) -> None:
    k, inv = _start(b)
    b.pay(k, inv.open_amount, S.ref_text(b.rng, inv.number, b.family), b.paid_on(inv), case,
          {inv.id: inv.open_amount})  # fmt: skip


def styled(b: Any, case: str) -> None:
    """glued, ocr, truncated, mangled: the full amount, the number written some other way."""
    k, inv = _start(b)
    how = case
    if case == "glued":
        text = S.glued(b.rng, inv.number, b.family)
    elif case == "ocr":
        text = S.ref_text(b.rng, S.ocr(b.rng, inv.number), b.family)
    elif case == "truncated":
        text = S.truncated(b.rng, inv.number, b.family)
    else:
        text, sub = S.mangle(b.rng, inv.number)
        how = f"mangled-{sub}"
    b.pay(k, inv.open_amount, text, b.paid_on(inv), how, {inv.id: inv.open_amount})


def noref(b: Any, case: str) -> None:
    k, inv = _start(b)
    text = b.rng.choice(["", "PAYMENT", "TRANSFER", "货款", "Zahlung", "付款", "SEPA Überweisung"])
    payer = b.payer(k) or b.custs[k][0].name
    b.receipt(inv.open_amount, text, payer, b.paid_on(inv), case, {inv.id: inv.open_amount},
              b.account(k))  # fmt: skip


def fee(b: Any, case: str) -> None:
    k, inv = _start(b)
    cut = Decimal(b.rng.choice(["5", "10", "12.5", "15", "20", "25"])).quantize(CENT)
    text = b.rng.choice([f"INV {inv.number}", f"{inv.number} less charges", inv.number])
    b.pay(k, inv.open_amount - cut, text, b.paid_on(inv), case, {inv.id: inv.open_amount - cut})


def partial(b: Any, case: str) -> None:
    k, inv = _start(b)
    share = Decimal(b.rng.choice(["0.5", "0.3", "0.25", "0.6"]))
    part = (inv.open_amount * share).quantize(CENT)
    b.pay(k, part, S.partial_text(b.rng, inv.number, b.family), b.paid_on(inv), case,
          {inv.id: part})  # fmt: skip


def over(b: Any, case: str) -> None:
    k, inv = _start(b)
    extra = Decimal(b.rng.randint(50, 500))
    b.pay(k, inv.open_amount + extra, b.rng.choice([inv.number, f"{inv.number} + deposit"]),
          b.paid_on(inv), case, {inv.id: inv.open_amount})  # fmt: skip


def combined(b: Any, case: str) -> None:
    k, inv = _start(b)
    invs = [inv] + [b.invoice(k, issue=inv.issue_date + timedelta(days=b.rng.randint(0, 25)))
                    for _ in range(b.rng.randint(1, 3))]  # fmt: skip
    total = sum(i.open_amount for i in invs)
    if b.rng.random() < 0.6:
        text = "INV " + " ".join(i.number for i in invs)
    else:
        month = S.MONTHS[b.family][inv.issue_date.month - 1]
        text = b.rng.choice([f"Rechnung vom {month}", f"{month}货款", "SAMMELZAHLUNG", "货款合计"])
    b.pay(k, total, text[:140], b.paid_on(invs[-1]), case, {i.id: i.open_amount for i in invs})


def split(b: Any, case: str) -> None:
    k, inv = _start(b)
    n = b.rng.choice([2, 2, 3])
    first = (inv.open_amount * Decimal(b.rng.choice(["0.5", "0.4", "0.7"])) / (n - 1)).quantize(
        CENT
    )
    parts = [first] * (n - 1) + [inv.open_amount - first * (n - 1)]
    when = b.paid_on(inv)
    for j, part in enumerate(parts):
        text = S.partial_text(b.rng, inv.number, b.family, last=j == n - 1)
        b.pay(k, part, text, when + timedelta(days=j * b.rng.randint(1, 12)), case, {inv.id: part})


def agent(b: Any, case: str) -> None:
    k, inv = _start(b)
    name = b.custs[k][0].name
    text = b.rng.choice([f"ORDER {inv.number} VIA AGENT", f"{inv.number} on behalf of {name}",
                         f"代付 {name} {inv.number}", f"FOR {name.upper()}"])  # fmt: skip
    b.receipt(inv.open_amount, text[:140], b.rng.choice(S.AGENTS[b.family]), b.paid_on(inv),
              case, {inv.id: inv.open_amount})  # fmt: skip


def multi(b: Any, case: str) -> None:
    ks = b.rng.sample(range(len(b.custs)), b.rng.randint(2, 3))
    invs = [b.invoice(k) for k in ks]
    group = b.custs[ks[0]][0].name.split(" ")[0].upper() + " GROUP TREASURY"
    b.receipt(sum(i.open_amount for i in invs), "INV " + " ".join(i.number for i in invs),
              group, b.paid_on(invs[-1]), case, {i.id: i.open_amount for i in invs})  # fmt: skip


def pinyin(b: Any, case: str) -> None:
    cn = [k for k, (_, kind) in enumerate(b.custs) if kind == "cn"] or [0]
    k = b.rng.choice(cn)
    inv = b.invoice(k)
    text = b.rng.choice([f"货款 {inv.number}", "货款", f"PAYMENT {inv.number}"])
    b.receipt(inv.open_amount, text, S.pinyin_of(b.custs[k][0].name), b.paid_on(inv), case,
              {inv.id: inv.open_amount}, b.account(k))  # fmt: skip


def recurring(b: Any, case: str) -> None:
    k = b.rng.randrange(len(b.custs))
    amount = S.money(b.rng, b.family)
    first = b.start + timedelta(days=b.rng.randint(0, 150))
    invs = [b.invoice(k, amount, first + timedelta(days=30 * j)) for j in range(3)]
    inv = invs[b.rng.randrange(3)]
    month = S.MONTHS[b.family][inv.issue_date.month - 1]
    text = (
        inv.number
        if b.rng.random() < 0.5
        else b.rng.choice([f"Rechnung vom {month}", f"{month}服务费", f"fee {month}"])
    )
    b.pay(k, amount, text, inv.issue_date + timedelta(days=b.rng.randint(3, 20)), case,
          {inv.id: amount})  # fmt: skip


def noise(b: Any, case: str) -> None:
    _k, inv = _start(b)
    look = case == "lookalike"
    coincide = b.rng.random() < (0.6 if look else 0.3)
    amount = inv.open_amount if coincide else S.money(b.rng, b.family)
    payer = b.rng.choice(["", "OUR BANK AG", "SUPPLIER GMBH", "COMPANY TREASURY", "UNKNOWN",
                          "某某供应商有限公司", "J SMITH"])  # fmt: skip
    text = S.noise_text(b.rng, b.family, look)
    b.receipt(amount, text, payer, b.paid_on(inv), f"{case}-coincide" if coincide else case)


def debit(b: Any, case: str) -> None:
    k, inv = _start(b)
    b.receipt(-inv.open_amount, f"PAYMENT TO SUPPLIER {inv.number}", b.payer(k), b.paid_on(inv),
              case)  # fmt: skip


CASES: dict[str, Callable[[Any, str], None]] = {
    "clean": clean, "glued": styled, "noref": noref, "mangled": styled, "ocr": styled,
    "truncated": styled, "fee": fee, "partial": partial, "over": over, "combined": combined,
    "split": split, "agent": agent, "multi": multi, "pinyin": pinyin, "recurring": recurring,
    "noise": noise, "lookalike": noise, "debit": debit,
}  # fmt: skip
