"""The run's e-mail summary reaches a real (local) SMTP server."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from recon.reports.mail import MailError, send_summary
from tests.conftest import Cli


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:  # aiosmtpd hook name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, f"smtp://127.0.0.1:{controller.port}"
    controller.stop()


def test_run_mails_its_summary(settings, smtp) -> None:
    inbox, url = smtp
    cli = Cli(settings.with_(smtp_url=url, report_email="treasury@example.com"))
    result = cli("run", "--date", "2026-11-22")
    assert result.exit_code == 0
    assert len(inbox.messages) == 1
    rcpts, message = inbox.messages[0]
    assert rcpts == ["treasury@example.com"]
    assert message["Subject"] == "[recon] 2026-11-22 run #1: clean"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in message.walk()
             if not p.is_multipart()}
    assert "recon run 2026-11-22 (run #1): CLEAN" in parts["text/plain"]
    assert "<svg" in parts["text/html"]
    assert cli("run", "--date", "2026-11-22").exit_code == 0
    assert len(inbox.messages) == 1  # "nothing to do" sends nothing


def test_run_mails_its_summary_in_chinese(settings, smtp) -> None:
    inbox, url = smtp
    cli = Cli(settings.with_(smtp_url=url, report_email="treasury@example.com"))
    assert cli("run", "--date", "2026-11-22", "--lang", "zh_Hans").exit_code == 0
    _rcpts, message = inbox.messages[0]
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "[recon] 2026-11-22 运行 #1：正常"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in message.walk()
             if not p.is_multipart()}
    assert "对账运行 2026-11-22（运行 #1）" in parts["text/plain"]
    assert 'lang="zh-Hans"' in parts["text/html"] and "对账报告" in parts["text/html"]


def test_unreachable_server_is_a_warning_not_a_failed_run(settings) -> None:
    cli = Cli(settings.with_(smtp_url=f"smtp://127.0.0.1:{_free_port()}",
                             report_email="treasury@example.com"))
    result = cli("run", "--date", "2026-11-22")
    assert result.exit_code == 0 and "could not send the run summary" in result.stderr


def test_bad_smtp_url_is_refused() -> None:
    with pytest.raises(MailError, match="RECON_SMTP_URL"):
        send_summary("http://example.com", "a@b", "c@d", "s", "t")
