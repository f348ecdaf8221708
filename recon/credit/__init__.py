"""Credit: payment behaviour per customer, tiers with reasons, limits and holds, receivables KPIs.

Owns the ``CreditProfile`` and ``FxRate`` rows and ``Customer.credit_tier`` (the tier in force,
read by collections for the dunning policy and by invoicing for suggested terms). Modules:
``ledger`` (invoices and settlements as numpy columns), ``measures`` (behaviour, column-wise),
``tiers`` (rules and reasons), ``limits`` (suggested limit, hold), ``profiles`` (recompute and
alerts), ``overrides`` (manual tier and limit), ``kpis`` (DSO, CEI, aging, 回款率), ``fx``
(daily rates), ``inputs`` (promises and disputes from collections), ``views`` and ``export``
(what the screens, API and ERP export read). Services take a session and never commit.
"""
