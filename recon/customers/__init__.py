"""The customer master (service layer): contact, language, preferred channel, payment terms,
collection status, notes, payer bank accounts (``master``); masking of account numbers
(``masking``); per-customer export and erase of personal data (``privacy``). Every change is
audited; nothing here commits.
"""

from recon.customers.masking import mask_account, mask_email, mask_phone
from recon.customers.master import (
    CONTACT_COLUMNS,
    CustomerUpdate,
    add_bank_account,
    apply_import_contact,
    update_customer,
)
from recon.customers.privacy import erase_customer, export_customer

__all__ = [
    "CONTACT_COLUMNS",
    "CustomerUpdate",
    "add_bank_account",
    "apply_import_contact",
    "erase_customer",
    "export_customer",
    "mask_account",
    "mask_email",
    "mask_phone",
    "update_customer",
]
