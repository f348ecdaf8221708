"""Demo data for collections: customers' contacts (the optional invoice-file columns ``email``,
``phone``, ``language``, ``terms``) and one Stripe Payment Link (as made in Stripe's dashboard,
registered against its invoice), so ``recon demo`` shows reminders due and a pay link without
reaching any network. Deterministic; no database.
"""

from __future__ import annotations

__all__ = ["CONTACTS", "PAYMENT_LINK", "contact_columns"]

# customer id -> (email, phone, language, terms)
CONTACTS = {
    "C001": ("ap@acme-trading.example", "+442071234567", "en", "30"),
    "C002": ("buchhaltung@nordwind.example", "", "en", "30"),
    "C004": ("accounts@blueharbour.example", "+61290000000", "en", "30"),
    "C005": ("caiwu@dongfang-trade.example", "+8613800138000", "zh-CN", "30"),
    "C012": ("finance@nanfang-food.example", "+8613900139000", "zh-CN", "30"),
}
# (invoice no, Payment Link id, URL): a Stripe test-mode Payment Link for an overdue invoice
PAYMENT_LINK = ("INV-2026-1008", "plink_demo_1008", "https://buy.stripe.com/test_demo1008")


def contact_columns(customer_id: str) -> dict[str, str]:
    email, phone, language, terms = CONTACTS.get(customer_id, ("", "", "", ""))
    return {"email": email, "phone": phone, "language": language, "terms": terms}
