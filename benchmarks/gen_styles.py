"""Vocabulary of the matching benchmark's generator: names, numbers and remittance styles.

Kept apart from gen_matching.py (which decides the cases and the ground truth) so that the ways
people and banks write a payment can grow without touching the truth. Everything takes a
`random.Random`, so a seed fixes the whole data set. Styles are written from how remittance
fields look in real statements, not from what the matcher's key extraction expects: numbers
glued to words, several numbers in one text, German and Chinese phrasing, OCR confusions and
bank field limits (35 / 140 characters).
"""

from __future__ import annotations

import random
from decimal import Decimal

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
    "Nordlicht",
    "Rheintal",
    "Alpen",
    "Hansa",
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
    "Handel",
    "Maschinenbau",
]
EN_FORMS = [
    "Ltd",
    "Limited",
    "Inc.",
    "LLC",
    "GmbH",
    "S.A.",
    "Pty Ltd",
    "Co., Ltd.",
    "PLC",
    "AG",
    "GmbH & Co. KG",
    "B.V.",
]
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
    "华南",
    "星河",
]
CN_BIZ = ["科技", "贸易", "电子", "物流", "实业", "食品", "机械", "软件"]
CN_FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
AGENTS = {
    "EUR": [
        "GLOBAL CLEARING HOUSE AG",
        "EUROPA PAYMENT SERVICES SA",
        "WISE EUROPE SA",
        "HANSA FORWARDING GMBH",
    ],
    "CNY": [
        "上海跨境支付服务有限公司",
        "深圳市货代物流有限公司",
        "LIANLIAN PAY",
        "义乌市外贸代理有限公司",
    ],
}
MONTHS = {
    "EUR": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "CNY": [f"{k}月" for k in range(1, 13)],
}
OCR = {"0": "O", "1": "I", "5": "S", "8": "B"}


def money(rng: random.Random, family: str) -> Decimal:
    """An invoice amount; a fifth are round (they agree by chance more often)."""
    scale = 10 if family == "CNY" else 1
    if rng.random() < 0.2:
        return Decimal(rng.choice([100, 200, 250, 500, 1000, 1500, 2000, 5000]) * scale)
    return Decimal(rng.randint(2000, 900000) * scale) / 100


def account(rng: random.Random, family: str) -> str:
    """A payer account: a German IBAN-shaped string or a Chinese 19-digit account number."""
    digits = "".join(rng.choice("0123456789") for _ in range(19))
    return f"DE{digits[:2]}{digits[2:20]}" if family == "EUR" else "6222" + digits[4:]


def ref_text(rng: random.Random, num: str, family: str) -> str:
    """A clean reference as people type it."""
    if family == "CNY":
        return rng.choice(
            [num, f"货款 {num}", f"发票号{num}", f"支付发票号:{num}货款", f"{num}货款", f"付{num}"]
        )
    return rng.choice(
        [
            num,
            f"Invoice {num}",
            f"{num} payment",
            f"RE {num}",
            f"Rechnung {num}",
            f"Rg. {num} vielen Dank",
        ]
    )


def glued(rng: random.Random, num: str, family: str) -> str:
    """Numbers inside words and several numbers in one text (customer no., PO, invoice)."""
    digits = "".join(c for c in num if c.isdigit())
    cust_no, po = rng.randint(10000, 99999), rng.randint(4500000000, 4509999999)
    styles = [
        f"INV{digits}PAYMENT",
        f"Kd-Nr {cust_no} Rg-Nr {num} Auftrag {po}",
        f"payment{num}thanks",
        f"RGNR{digits}/KD{cust_no}",
        f"PO {po} INV {num} CUST {cust_no}",
    ]
    if family == "CNY":
        styles += [f"客户{cust_no}发票{digits}", f"合同{po}发票号{num}"]
    return rng.choice(styles)


def partial_text(rng: random.Random, num: str, family: str, last: bool = False) -> str:
    if last:
        return rng.choice([f"balance of {num}", f"Restzahlung {num}", f"{num} 2/2", f"{num}尾款"])
    return rng.choice(
        [
            f"part payment {num}",
            f"Teilzahlung {num}",
            f"Anzahlung {num}",
            f"{num} partial",
            f"部分货款 {num}",
            f"{num} 1/2",
        ]
    )


def ocr(rng: random.Random, num: str) -> str:
    """One or two digits read as look-alike letters (O/0, I/1, S/5, B/8)."""
    spots = [k for k, c in enumerate(num) if c in OCR]
    out = list(num)
    for k in rng.sample(spots, min(len(spots), rng.choice([1, 2]))):
        out[k] = OCR[out[k]]
    return "".join(out)


def truncated(rng: random.Random, num: str, family: str) -> str:
    """A text cut at a bank field limit (35 or 140) inside the invoice number."""
    limit = rng.choice([35, 140])
    keep = rng.randint(max(len(num) - 3, 4), len(num) - 1)
    pad = "PAYMENT OF INVOICES THANK YOU REF " if family == "EUR" else "付款说明 本次支付货款 发票 "
    return ((pad * 20)[: limit - keep] + num)[:limit]


def mangle(rng: random.Random, number: str) -> tuple[str, str]:
    """A reference typed badly; returns (text, how)."""
    r = rng.random()
    digits = "".join(c for c in number if c.isdigit())
    if r < 0.25:
        return f"inv {number.lower().replace('-', ' ')}", "spaces"
    if r < 0.4:
        return f"Payment for {digits.lstrip('0')}", "zeros"
    if r < 0.6:
        cand = [
            i
            for i in range(1, len(number))
            if number[i].isdigit() and number[i - 1].isdigit() and number[i] != number[i - 1]
        ]
        if not cand:
            return number, "plain"
        i = rng.choice(cand[-4:])
        return number[: i - 1] + number[i] + number[i - 1] + number[i + 1 :], "transposed"
    if r < 0.8:
        i = max(k for k, c in enumerate(number) if c.isdigit())
        return number[:i] + str((int(number[i]) + 3) % 10) + number[i + 1 :], "typo"
    return f"PO 4500{rng.randint(100000, 999999)} / inv {number}", "po"


def noise_text(rng: random.Random, family: str, lookalike: bool) -> str:
    n = rng.randint(1000, 99999)
    if lookalike:  # reads like a payment: a number, a payment-ish word, no invoice of ours
        return rng.choice(
            [
                f"TRANSFER {n}",
                f"Zahlung {n}",
                f"REF {rng.randint(10**7, 10**8)}",
                "DEPOSIT RETURN",
                "保证金退还",
                f"转账 {n}",
                "Kautionsrückzahlung",
                f"ORDER {n} REFUND",
            ]
        )
    return rng.choice(
        [
            f"CREDIT INTEREST Q{n % 4 + 1}",
            f"Zinsgutschrift {n % 4 + 1}",
            "结息",
            f"SUPPLIER REFUND {n}",
            f"Refund from vendor {n}",
            "OWN TRANSFER FROM SAVINGS",
            f"Internal transfer {n}",
            "CASH DEPOSIT",
            "",
            "利息收入",
            "内部转账",
        ]
    )


def pinyin_of(name: str) -> str:
    """A Chinese company name as a bank abroad spells the payer: pinyin, upper case."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(name.replace("(", "").replace(")", ""))).upper()
