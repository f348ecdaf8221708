"""One ISO 4217 table for every package: recon, matching, importers and gateways agree with ISO.

The facts below are ISO 4217's published minor units (list one, 2026), written out here so the
test does not check the table against itself: every active code has 2 minor units except these.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from iso4217 import Currency

from gateways.money import exponent as gateway_exponent
from gateways.money import from_stripe_minor, stripe_exponent
from importers.bai2 import Bai2Importer
from importers.base import Source
from matching.settings import exponent as matching_exponent
from recon.money import iso_codes, minor_units

ROOT = Path(__file__).resolve().parents[1]
ISO_NOT_TWO = {
    0: {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
        "VND", "VUV", "XAF", "XOF", "XPF"},
    3: {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"},
    4: {"CLF", "UYW"},
}
# Where Stripe's wire convention differs from ISO on purpose (docs.stripe.com/currencies).
STRIPE_DIFFERS = {"CLF", "IQD", "ISK", "LYD", "MGA", "UYI", "UYW"}


def _iso_fact(code: str) -> int:
    return next((places for places, codes in ISO_NOT_TWO.items() if code in codes), 2)


def test_every_active_code_has_iso_minor_units_in_every_package() -> None:
    codes = iso_codes()
    assert len(codes) > 150 and {"HUF", "IDR", "COP", "IQD", "VND", "CNY"} <= set(codes)
    wrong = [(c, minor_units(c), matching_exponent(c), gateway_exponent(c), _iso_fact(c))
             for c in codes
             if not minor_units(c) == matching_exponent(c) == gateway_exponent(c) == _iso_fact(c)]
    assert wrong == []


@pytest.mark.parametrize(("code", "places"), [("HUF", 2), ("IDR", 2), ("COP", 2), ("IQD", 3),
                                              ("AFN", 2), ("YER", 2), ("VND", 0), ("CLF", 4)])
def test_codes_where_cldr_and_iso_disagree_follow_iso(code: str, places: int) -> None:
    assert minor_units(code) == places


def test_withdrawn_codes_on_old_statements_still_have_minor_units() -> None:
    assert minor_units("DEM") == 2 and minor_units("XXX") == 2


def test_stripe_wire_convention_differs_from_iso_only_where_stripe_says_so() -> None:
    differs = {c.code for c in Currency
               if c.exponent is not None and stripe_exponent(c.code) != c.exponent}
    assert differs == STRIPE_DIFFERS
    assert from_stripe_minor(100000, "isk") == Decimal("1000")  # ISK travels with 2 decimals
    assert from_stripe_minor(500, "jpy") == Decimal("500")
    with pytest.raises(ValueError):
        from_stripe_minor(100050, "isk")


def test_bai2_amounts_use_the_currency_minor_units() -> None:
    text = ("01,SENDER,RECEIVER,260105,0800,1,,,2/\n"
            "02,RECEIVER,BANKID,1,260104,2359,VND,2/\n"
            "03,123456789,VND,010,150000000,,/\n"
            "16,195,1500000,Z,BANKREF1,CUSTREF1/\n"
            "49,151500000,3/\n98,151500000,1,5/\n99,151500000,1,7/\n")
    parsed = Bai2Importer().parse(Source("vnd.bai2", text.encode()))
    (line,) = parsed.statements[0].lines
    assert line.amount == Decimal("1500000") and line.currency == "VND"


_CODE = re.compile(r"^[A-Z]{3}$")


def _exponent_tables(path: Path) -> list[str]:
    """Dict literals mapping three or more currency codes to small integers (an exponent table)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict) and len(node.keys) >= 3:
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            values = [v.value for v in node.values if isinstance(v, ast.Constant)]
            if (len(keys) == len(node.keys) and all(isinstance(k, str) and _CODE.match(k)
                                                    for k in keys)
                    and all(isinstance(v, int) and 0 <= v <= 4 for v in values)
                    and len(values) == len(keys)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_module_defines_its_own_exponent_table() -> None:
    offenders = [hit for pkg in ("recon", "web", "importers", "gateways", "matching")
                 for path in sorted((ROOT / pkg).rglob("*.py")) for hit in _exponent_tables(path)]
    assert offenders == []
    planted = ROOT / "tests" / "_planted_table.py"
    try:  # the detector itself finds a table like the old ones
        planted.write_text('T = {"JPY": 0, "KWD": 3, "BHD": 3}\n')
        assert _exponent_tables(planted)
    finally:
        planted.unlink()
