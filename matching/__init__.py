"""Matching engine (leaf package): open invoices and receipts in, explainable proposals out.

Imports nothing of ours and does no I/O. Entry points: `match` (receipts/gateway charges to
invoices) and `match_payouts` (gateway payouts to bank deposits). See engine.py for the flow,
levels.py for the declared features and their weights.
"""

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
