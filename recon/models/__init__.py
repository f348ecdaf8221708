"""The domain model, split by aggregate; importing this package registers every table."""

from recon.models.audit import AuditEvent, AuditImmutableError
from recon.models.collections import (
    REMINDER_STATUSES,
    ContactLog,
    Dispute,
    DunningLevel,
    DunningPolicy,
    PayLink,
    PromiseToPay,
    Reminder,
    ReminderItem,
    ReminderTemplate,
    Suppression,
)
from recon.models.credit import CreditProfile, FxRate
from recon.models.customer import (
    COLLECTION_STATUSES,
    CONTACT_CHANNELS,
    LANGUAGES,
    Customer,
    CustomerAlias,
    CustomerBankAccount,
)
from recon.models.fetched import FetchedFile
from recon.models.gateway import (
    SETTLED_CHARGE_STATUSES,
    GatewayAccount,
    GatewayEvent,
    GatewayTransaction,
)
from recon.models.import_job import IMPORT_JOB_STATES, ImportJob
from recon.models.invoice import INVOICE_STATUSES, OPEN_INVOICE_STATUSES, Invoice, settled_status
from recon.models.match import (
    ACTIVE_STATUSES,
    ADJUSTMENT_KINDS,
    MATCH_KINDS,
    MATCH_STATUSES,
    ORIGINS,
    QUEUE_CAUSES,
    Adjustment,
    Allocation,
    Match,
    provenance_of,
)
from recon.models.money_back import (
    MONEY_BACK_CAUSES,
    MONEY_BACK_RESOLUTIONS,
    REFUNDED_AFTER_PAYMENT,
    UNIDENTIFIED_RETURN,
    BankReturn,
    MoneyBackItem,
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
    "COLLECTION_STATUSES",
    "CONTACT_CHANNELS",
    "IMPORT_JOB_STATES",
    "INVOICE_STATUSES",
    "LANGUAGES",
    "MATCH_KINDS",
    "MATCH_STATUSES",
    "MONEY_BACK_CAUSES",
    "MONEY_BACK_RESOLUTIONS",
    "OPEN_INVOICE_STATUSES",
    "ORIGINS",
    "QUEUE_CAUSES",
    "REFUNDED_AFTER_PAYMENT",
    "REMINDER_STATUSES",
    "ROLES",
    "RULE_CATEGORIES",
    "RULE_OUTCOMES",
    "SETTLED_CHARGE_STATUSES",
    "UNIDENTIFIED_RETURN",
    "Adjustment",
    "Allocation",
    "ApiToken",
    "AuditEvent",
    "AuditImmutableError",
    "BankAccount",
    "BankReturn",
    "ContactLog",
    "CreditProfile",
    "Customer",
    "CustomerAlias",
    "CustomerBankAccount",
    "Dispute",
    "DunningLevel",
    "DunningPolicy",
    "FetchedFile",
    "FxRate",
    "GatewayAccount",
    "GatewayEvent",
    "GatewayTransaction",
    "ImportJob",
    "Invoice",
    "ItemAssignment",
    "ItemNote",
    "Match",
    "MoneyBackItem",
    "PayLink",
    "PromiseToPay",
    "ReconRun",
    "Reminder",
    "ReminderItem",
    "ReminderTemplate",
    "Rule",
    "SavedView",
    "Setting",
    "Statement",
    "StatementImport",
    "StatementLine",
    "Suppression",
    "User",
    "provenance_of",
    "settled_status",
]
