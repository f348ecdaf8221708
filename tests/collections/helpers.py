"""Shared pieces of the collections tests: a local SMTP server and quick set-ups."""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes, policy
from email.message import Message

from aiosmtpd.controller import Controller

from recon.collections.settings import DunningSettings
from recon.models import Customer
from tests.recon.factories import make_customer, make_invoice

DUE = dt.date(2026, 11, 10)


class Inbox:
    """aiosmtpd handler that keeps every message; refuses addresses in ``refuse`` with 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtp() -> tuple[Controller, Inbox, str]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, inbox, f"smtp://127.0.0.1:{controller.port}"


def dunning_settings(smtp_url: str | None = "smtp://127.0.0.1:1", **kw) -> DunningSettings:
    return DunningSettings(smtp_url=smtp_url, sender="ar@seller.example", **kw)


def customer_with_invoices(session, *amounts: str, due: dt.date = DUE, **fields) -> Customer:
    values = {"email": "ap@buyer.example", "contact_name": "Li Wei"} | fields
    customer = make_customer(session, **values)
    for amount in amounts:
        make_invoice(session, amount, "CNY", customer=customer, issue_date=due - dt.timedelta(
            days=30), due_date=due)
    return customer
