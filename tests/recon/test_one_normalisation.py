"""One normalisation each for payer names, references and account numbers, shared by the
matcher, learned aliases, gateway settlement and statement accounts."""

from __future__ import annotations

import re
from pathlib import Path

from matching.names import fold_name, name_forms
from matching.refs import account_key, full_key
from recon.allocation.aliases import alias_key
from recon.gateway.txns import settle
from tests.recon.factories import make_charge, make_invoice

ROOT = Path(__file__).resolve().parents[2]


def test_alias_keys_are_the_matchers_name_key() -> None:
    for name in ("Acme & Co.", "ＡＣＭＥ　ｃｏ", "O'Brien Trading", "深圳华南电子有限公司"):
        assert alias_key(name) == fold_name(name)
    assert alias_key("Acme & Co.") == alias_key("ACME and Co")  # as the matcher sees them
    assert name_forms("Acme & Co.").spaced.startswith(fold_name("Acme"))


def test_gateway_settlement_finds_the_invoice_as_the_matcher_would(session) -> None:
    invoice = make_invoice(session, "42.00", "USD", invoice_no="INV-2026-0042")
    charge = make_charge(session, "42.00", "USD", order_ref="inv 2026/0042", status="finished")
    assert full_key(charge.order_ref) == invoice.ref_key == "INV20260042"
    assert settle(session, charge, actor="t") is None
    assert invoice.status == "paid" and charge.allocated_minor == 4200


def test_an_order_reference_two_invoices_share_is_not_guessed(session) -> None:
    make_invoice(session, "42.00", "USD", invoice_no="A-1")
    make_invoice(session, "42.00", "USD", invoice_no="A1")
    charge = make_charge(session, "42.00", "USD", order_ref="a 1")
    assert settle(session, charge, actor="t") == "unknown_order"


def test_account_numbers_are_folded_in_one_place() -> None:
    assert account_key(" nl91 abna 0417 1643 00 ") == "NL91ABNA0417164300"
    folding = re.compile(r"""\.join\([^)]*\.split\(\)\)\.upper\(\)|replace\(" ", ""\)\.upper\(\)""")
    hits = [f"{p.relative_to(ROOT)}:{n}" for pkg in ("recon", "matching", "web")
            for p in sorted((ROOT / pkg).rglob("*.py"))
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if folding.search(line)]
    assert hits == []
