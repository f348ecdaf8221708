"""Delivery of one reminder: e-mail over SMTP, SMS through Twilio's Messages HTTP API.

Each ``send`` returns the provider's message id or raises ``SendFailure`` with ``permanent``
set when the address itself refused (an SMTP 5xx on the recipient, Twilio's "unsubscribed
recipient" 21610 or invalid number 21211): the caller then suppresses the address (bounce /
opt-out) instead of retrying. The SMS adapter is written on the stdlib (one form POST with basic
auth) rather than Twilio's SDK, whose client has no supported way to aim it at a local fake.
Never logs addresses or credentials.
"""

from __future__ import annotations

import base64
import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

__all__ = ["Attachment", "Email", "SendFailure", "send_email", "send_sms"]


class SendFailure(RuntimeError):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Email:
    sender: str
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()


def build_message(mail: Email) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mail.sender, mail.to, mail.subject
    message["Date"] = formatdate(localtime=False)
    domain = mail.sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for item in mail.attachments:
        maintype, _, subtype = item.mime.partition("/")
        message.add_attachment(item.data, maintype=maintype, subtype=subtype,
                               filename=item.filename)
    return message


def send_email(smtp_url: str, mail: Email, *, timeout: float = 30.0) -> str:
    """Send ``mail``; returns its Message-ID."""
    parts = urllib.parse.urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SendFailure("RECON_SMTP_URL must look like smtp://host:port or smtps://host:port")
    message = build_message(mail)
    try:
        with _connect(parts, timeout) as client:
            if urllib.parse.parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true"):
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(urllib.parse.unquote(parts.username),
                             urllib.parse.unquote(parts.password or ""))
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        raise SendFailure(f"recipient refused ({codes})",
                          permanent=all(c >= 500 for c in codes)) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise SendFailure(f"SMTP {parts.hostname}:{parts.port or ''}: {exc}") from exc
    return str(message["Message-ID"])


def _connect(parts: urllib.parse.SplitResult, timeout: float) -> smtplib.SMTP:
    host = parts.hostname or ""
    if parts.scheme == "smtps":
        return smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout,
                                context=ssl.create_default_context())
    return smtplib.SMTP(host, parts.port or 25, timeout=timeout)


_PERMANENT_TWILIO = {21211, 21610, 21614}  # invalid number, unsubscribed, not a mobile


def send_sms(api_base: str, account_sid: str, auth_token: str, sender: str, to: str,
             body: str, *, timeout: float = 30.0) -> str:
    """POST /2010-04-01/Accounts/{sid}/Messages.json; returns the message SID."""
    url = f"{api_base.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
    data = urllib.parse.urlencode({"To": to, "From": sender, "Body": body}).encode()
    token = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Authorization": f"Basic {token}",
        "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return str(json.loads(response.read())["sid"])
    except urllib.error.HTTPError as exc:
        detail = _twilio_error(exc)
        raise SendFailure(f"SMS provider answered {exc.code}: {detail.get('message', '')}",
                          permanent=detail.get("code") in _PERMANENT_TWILIO) from exc
    except (OSError, ValueError, KeyError) as exc:
        raise SendFailure(f"SMS provider unreachable: {exc}") from exc


def _twilio_error(exc: urllib.error.HTTPError) -> dict:
    try:
        return dict(json.loads(exc.read() or b"{}"))
    except ValueError:
        return {}
