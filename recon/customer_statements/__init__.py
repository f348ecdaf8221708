"""Customer statements of account (对账单): the figures of one customer and month from the
ledger (``ledger.build_statement``: opening balance, invoices, payments, adjustments, closing
balance, aging, per currency) and their HTML, PDF and XLSX forms (``render``). Read only.
"""

from recon.customer_statements.ledger import (
    AGING_BUCKETS,
    CustomerStatement,
    Entry,
    Section,
    build_statement,
    parse_period,
)

__all__ = ["AGING_BUCKETS", "CustomerStatement", "Entry", "Section", "build_statement",
           "parse_period"]
