"""``recon db check`` names rows whose currency's digits older releases took from babel."""

from __future__ import annotations

from babel.numbers import get_currency_precision

from recon.db.digits import CLDR_DIFFERS
from recon.money import minor_units
from tests.recon.factories import make_invoice


def test_check_lists_rows_in_currencies_whose_digits_changed(cli, session) -> None:
    clean = cli("db", "check")
    assert clean.exit_code == 0 and "no stored amount" in clean.output
    make_invoice(session, "100.00", "EUR")
    make_invoice(session, "1500.00", "HUF")
    session.commit()
    result = cli("db", "check")
    assert result.exit_code == 1
    assert "invoice: 1 row(s) in HUF (ISO 4217: 2 decimals)" in result.output
    assert "EUR" not in result.output


def test_the_listed_codes_are_those_where_babel_and_iso_disagree() -> None:
    """Under the installed babel each listed code differs from ISO (babel 2.19: 0 digits)."""
    assert all(get_currency_precision(c) != minor_units(c) for c in CLDR_DIFFERS)
