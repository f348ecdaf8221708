"""Words the templates translate from data (statuses, kinds, roles, setting labels), listed so
``pybabel extract`` puts them in the catalog. Nothing imports this module at run time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

WORDS = (
    # invoice, run, match and adjustment statuses
    _l("open"), _l("partial"), _l("paid"), _l("cancelled"),
    _l("running"), _l("clean"), _l("attention"), _l("failed"),
    _l("suggested"), _l("auto"), _l("manual"), _l("rejected"), _l("undone"), _l("superseded"),
    _l("proposed"), _l("applied"), _l("pending_approval"),
    # gateway kinds and reconciliation states
    _l("charge"), _l("refund"), _l("fee"), _l("dispute"), _l("payout"), _l("adjustment"),
    _l("matched"), _l("unmatched"), _l("deposited"), _l("awaiting_deposit"), _l("n/a"),
    # adjustment kinds, alias polarity, roles
    _l("bank_fee"), _l("fx_difference"), _l("discount"), _l("write_off"), _l("other_income"),
    _l("own_transfer"), _l("positive"), _l("negative"),
    _l("viewer"), _l("clerk"), _l("approver"), _l("admin"),
    # recon.access.settings_store labels
    _l("Auto-confirm threshold (score 0-1)"), _l("Suggestion threshold (score 0-1)"),
    _l("Write-off limit needing approval (amount)"), _l("Bank fee tolerance (amount)"),
    _l("Bank fee tolerance (percent of the amount)"),
)
