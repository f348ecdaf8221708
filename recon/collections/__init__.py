"""Collections (dunning): policies and levels chosen by the customer's credit tier
(``policies``), why an invoice is held back (``holds``), what a run would send (``plan``),
the templates (``templates``) and words of a reminder (``messages``), its delivery by SMTP or
SMS (``channels``, ``delivery``), the run itself with retries (``runner``), and a collector's
records: promises, disputes, the contact log, suppressed addresses (``promises``).
"""

from recon.collections.plan import HeldInvoice, Plan, PlannedInvoice, PlannedReminder, build_plan
from recon.collections.runner import DunningResult, deliver, retry_due, run_dunning
from recon.collections.settings import DunningSettings

__all__ = ["DunningResult", "DunningSettings", "HeldInvoice", "Plan", "PlannedInvoice",
           "PlannedReminder", "build_plan", "deliver", "retry_due", "run_dunning"]
