"""The credit area's settings from the environment, built once at the edge and passed in.

``RECON_BASE_CURRENCY`` (default EUR) is the currency receivables, limits and KPIs are shown in;
``RECON_CREDIT_RULES`` optionally names a JSON file of tier rules (``recon.credit.tiers``).
Raises ``ValueError`` for an unknown currency or a malformed rules file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from recon.credit.tiers import DEFAULT_RULES, Rule, load_rules
from recon.money import is_iso4217

__all__ = ["CreditSettings"]


@dataclass(frozen=True)
class CreditSettings:
    base_currency: str = "EUR"
    rules: tuple[Rule, ...] = field(default=DEFAULT_RULES)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CreditSettings:
        env = os.environ if environ is None else environ
        base = env.get("RECON_BASE_CURRENCY", "EUR").strip().upper()
        if not is_iso4217(base):
            raise ValueError(f"RECON_BASE_CURRENCY: not an ISO 4217 currency: {base!r}")
        return cls(base_currency=base, rules=load_rules(env.get("RECON_CREDIT_RULES")))
