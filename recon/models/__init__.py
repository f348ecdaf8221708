"""The domain model, split by aggregate; importing this package registers every table."""

from recon.models.audit import AuditEvent, AuditImmutableError
from recon.models.customer import Customer, CustomerAlias
from recon.models.gateway import SETTLED_CHARGE_STATUSES, GatewayEvent, GatewayTransaction
from recon.models.invoice import INVOICE_STATUSES, OPEN_INVOICE_STATUSES, Invoice
from recon.models.match import (
    ACTIVE_STATUSES,
    ADJUSTMENT_KINDS,
    MATCH_KINDS,
    MATCH_STATUSES,
    QUEUE_CAUSES,
    Adjustment,
    Allocation,
    Match,
)
from recon.models.queue_indexes import QUEUE_INDEXES  # noqa: F401  (registers indexes)
from recon.models.rule import (
    RULE_CATEGORIES,
    RULE_OUTCOMES,
    ItemAssignment,
    ItemNote,
    Rule,
    SavedView,
)
from recon.models.run import ReconRun, Setting
from recon.models.statement import BankAccount, Statement, StatementImport, StatementLine
from recon.models.user import ROLES, ApiToken, User

__all__ = [
    "ACTIVE_STATUSES",
    "ADJUSTMENT_KINDS",
    "INVOICE_STATUSES",
    "MATCH_KINDS",
    "MATCH_STATUSES",
    "OPEN_INVOICE_STATUSES",
    "QUEUE_CAUSES",
    "ROLES",
    "RULE_CATEGORIES",
    "RULE_OUTCOMES",
    "SETTLED_CHARGE_STATUSES",
    "Adjustment",
    "Allocation",
    "ApiToken",
    "AuditEvent",
    "AuditImmutableError",
    "BankAccount",
    "Customer",
    "CustomerAlias",
    "GatewayEvent",
    "GatewayTransaction",
    "Invoice",
    "ItemAssignment",
    "ItemNote",
    "Match",
    "ReconRun",
    "Rule",
    "SavedView",
    "Setting",
    "Statement",
    "StatementImport",
    "StatementLine",
    "User",
]
