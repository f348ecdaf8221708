"""Rows whose stored minor units may mean something else since the one ISO 4217 table.

Until migration 0008's release, minor units came from babel's CLDR digits, which differ from
ISO 4217 for some codes and changed between babel releases (HUF, IDR, COP ... 2 under babel 2.14,
0 under 2.19; IQD 0 against ISO's 3). An amount stored in such a currency while the installed
babel said 0 digits is 100x (or 1000x) too small now. No migration can know which babel wrote a
row, so ``recon db check`` lists the rows an operator has to look at: every table with a
currency, counted per currency whose digits differ between ISO and any babel release.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon.db.types import Base
from recon.money import iso_minor_units

__all__ = ["CLDR_DIFFERS", "DigitsFinding", "rows_to_review"]

# Codes whose ISO 4217 minor units differ from CLDR's digits in babel 2.14-2.19 (those allowed by
# pyproject), read off both releases: ISO 2 (3 for IQD), CLDR 0 in at least one of them.
CLDR_DIFFERS = ("AFN", "ALL", "COP", "HUF", "IDR", "IQD", "IRR", "KPW", "LAK", "LBP", "MGA",
                "MMK", "SOS", "SYP", "YER")


@dataclass(frozen=True)
class DigitsFinding:
    table: str
    currency: str
    rows: int
    iso_digits: int


def rows_to_review(session: Session) -> list[DigitsFinding]:
    """Rows in a currency of ``CLDR_DIFFERS``, per table and currency (empty when none)."""
    found = []
    for table in Base.metadata.sorted_tables:
        if "currency" not in table.c:
            continue
        stmt = (sa.select(table.c.currency, sa.func.count())
                .where(table.c.currency.in_(CLDR_DIFFERS)).group_by(table.c.currency))
        for currency, count in session.execute(stmt):
            found.append(DigitsFinding(table.name, currency, int(count),
                                       iso_minor_units(currency) or 0))
    return sorted(found, key=lambda f: (f.table, f.currency))
