"""Credit limits and holds, as pure rules over a profile's figures.

A suggested limit is the customer's average monthly sales (base currency; over the months
since its first invoice of the last 12, so a new customer is not judged on one invoice spread
over a year) times a tier factor (``LIMIT_MONTHS``: A three months of sales, D none),
rounded down to a whole hundred of the base currency; a manual limit replaces it. A customer
is on hold when its tier in force is D or its exposure (open receivables) passes the limit in
force. Raises nothing.
"""

from __future__ import annotations

from fractions import Fraction

from recon.money import minor_units

__all__ = ["LIMIT_MONTHS", "hold_reason", "suggested_limit"]

LIMIT_MONTHS: dict[str | None, Fraction] = {
    "A": Fraction(3), "B": Fraction(2), None: Fraction(3, 2), "C": Fraction(1), "D": Fraction(0),
}


def suggested_limit(invoiced_12m_minor: int, tier: str | None, base: str,
                    months: int = 12) -> int | None:
    """Base minor units, or None when the customer bought nothing in 12 months."""
    if invoiced_12m_minor <= 0:
        return None
    step = 100 * 10 ** minor_units(base)
    raw = Fraction(invoiced_12m_minor, max(1, min(months, 12))) * LIMIT_MONTHS.get(
        tier, LIMIT_MONTHS[None])
    return int(raw // step) * step


def hold_reason(tier: str | None, exposure_minor: int, limit_minor: int | None) -> str | None:
    """``"tier_d"``, ``"over_limit"`` or None (no hold)."""
    if tier == "D":
        return "tier_d"
    if limit_minor is not None and exposure_minor > limit_minor:
        return "over_limit"
    return None
