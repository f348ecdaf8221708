"""Rules from hand work: what a person wrote once ("interest" → other income, "STRIPE PAYOUT" →
clearing, payer "ACME LTD" → customer Acme) applied to every new bank credit.

Owns ``store`` (create, switch on/off, list: each change audited) and ``apply`` (run the active
rules over the open bank credits nothing else claimed; counts hits). The ``Rule`` table lives in
``recon.models.rule``. Services take a session and never commit.
"""
