"""Matching engine (leaf package): open invoices and receipts in, explainable proposals out.

Imports nothing of ours and does no I/O. Entry points: `match` (receipts/gateway charges to
invoices) and `match_payouts` (gateway payouts to bank deposits). See engine.py for the flow,
levels.py for the declared features and their weights.

The names below are loaded on first use (PEP 562 module ``__getattr__``): the service imports
small helpers such as ``matching.refs`` on every start-up, and that must not pull in numpy,
scipy and rapidfuzz (about a second of CPU per process) when nothing is matched.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matching.engine import match
    from matching.errors import InvalidInput, InvalidSettings, MatchingError
    from matching.gateway import match_payouts
    from matching.learn import Feedback, Learned
    from matching.model import (
        Adjustment,
        Allocation,
        Alternative,
        BankDeposit,
        Customer,
        GatewayPayout,
        MatchInput,
        MatchResult,
        OpenInvoice,
        PayoutProposal,
        Proposal,
        Reason,
        Receipt,
    )
    from matching.settings import DateWindow, FeeRule, FxRule, MatchSettings, SubsetBounds

# public name -> the module of this package that defines it
_HOMES: dict[str, str] = {
    "match": "engine",
    "match_payouts": "gateway",
    **dict.fromkeys(("InvalidInput", "InvalidSettings", "MatchingError"), "errors"),
    **dict.fromkeys(("Feedback", "Learned"), "learn"),
    **dict.fromkeys(
        ("Adjustment", "Allocation", "Alternative", "BankDeposit", "Customer", "GatewayPayout",
         "MatchInput", "MatchResult", "OpenInvoice", "PayoutProposal", "Proposal", "Reason",
         "Receipt"),
        "model",
    ),
    **dict.fromkeys(("DateWindow", "FeeRule", "FxRule", "MatchSettings", "SubsetBounds"),
                    "settings"),
}

__all__ = [
    "Adjustment",
    "Allocation",
    "Alternative",
    "BankDeposit",
    "Customer",
    "DateWindow",
    "FeeRule",
    "Feedback",
    "FxRule",
    "GatewayPayout",
    "InvalidInput",
    "InvalidSettings",
    "Learned",
    "MatchInput",
    "MatchResult",
    "MatchSettings",
    "MatchingError",
    "OpenInvoice",
    "PayoutProposal",
    "Proposal",
    "Reason",
    "Receipt",
    "SubsetBounds",
    "match",
    "match_payouts",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'matching' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"matching.{home}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
