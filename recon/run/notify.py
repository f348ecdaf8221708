"""Mail a finished run's summary (edge helper shared by ``recon run`` and the Celery task).

``mail_summary(options, result)`` sends the text summary, with the HTML report when the run
wrote one, to ``RECON_MAIL_TO`` over ``RECON_SMTP_URL``; nothing when mail is not configured or
the run had nothing to do. Subject, text and report are in the run's report language.
A mail failure is returned as a warning text, never raised: the run
is recorded either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from recon.reports.i18n import words
from recon.reports.mail import MailError, send_summary
from recon.run.settings import RunSettings

if TYPE_CHECKING:
    from recon.run.daily import RunResult

__all__ = ["mail_summary"]


def mail_summary(options: RunSettings, result: RunResult) -> str | None:
    """Send the summary if mail is configured; a warning text when sending failed."""
    if not (options.smtp_url and options.mail_to) or result.summary.get("nothing_to_do"):
        return None
    summary = result.summary
    w = words(summary.get("report_language"))
    subject = "[recon] " + w("%(day)s run #%(run)s: %(status)s", day=summary["run_date"],
                             run=summary["run_id"], status=w.gettext(summary["status"]))
    try:
        send_summary(options.smtp_url, options.mail_from, options.mail_to, subject,
                     result.text, _report_html(summary))
    except MailError as exc:
        return f"warning: {exc}"
    return None


def _report_html(summary: dict[str, Any]) -> str | None:
    folder = summary.get("report_dir")
    page = Path(folder) / "index.html" if folder else None
    return page.read_text(encoding="utf-8") if page and page.exists() else None
