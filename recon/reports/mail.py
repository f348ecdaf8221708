"""E-mail summary of a run over SMTP (service layer, no database).

``send_summary(smtp_url, sender, to, subject, text, html=None)`` sends one message with the
plain-text summary (and the HTML report as an alternative part). ``smtp_url`` is
``smtp://[user:password@]host[:port]`` (``?starttls=1`` to upgrade) or ``smtps://...``
(implicit TLS). Raises ``MailError`` naming the server (never the password) when sending fails.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["MailError", "send_summary"]


class MailError(RuntimeError):
    """The summary could not be sent; the run itself is not affected."""


def send_summary(
    smtp_url: str,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    timeout: float = 30.0,
) -> None:
    """Send the summary to ``to`` (comma-separated addresses allowed)."""
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailError("RECON_SMTP_URL must look like smtp://host:port or smtps://host:port")
    message = _message(sender, to, subject, text, html)
    where = f"{parts.hostname}:{parts.port or ''}"
    try:
        with _connect(parts.scheme, parts.hostname, parts.port, timeout) as client:
            if parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes"):
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"could not send the run summary via {where}: {exc}") from exc


def _connect(scheme: str, host: str, port: int | None, timeout: float) -> smtplib.SMTP:
    if scheme == "smtps":
        return smtplib.SMTP_SSL(
            host, port or 465, timeout=timeout, context=ssl.create_default_context()
        )
    return smtplib.SMTP(host, port or 25, timeout=timeout)


def _message(sender: str, to: str, subject: str, text: str, html: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message
