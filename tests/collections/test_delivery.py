"""Delivery: a real local SMTP server (headers, text + HTML parts, the statement attachment),
bounces and retries, SMS to a local fake of Twilio's Messages API, templates in both languages."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from recon.collections import run_dunning
from recon.collections.messages import sample_context
from recon.collections.policies import ensure_policies
from recon.collections.runner import retry_due
from recon.collections.templates import (
    TemplateProblem,
    render,
    save_template,
    shipped,
    sms_limit,
)
from recon.models import Reminder, Suppression
from tests.collections.helpers import (
    DUE,
    customer_with_invoices,
    dunning_settings,
    free_port,
)

D = dt.timedelta


def _parts(message):
    return {p.get_content_type(): p for p in message.walk() if not p.is_multipart()}


def test_email_has_headers_both_parts_and_the_statement(session, session_factory, smtp):
    inbox, url = smtp
    ensure_policies(session)
    customer_with_invoices(session, "1234.50", language="zh-CN", name="上海示例贸易有限公司")
    session.commit()
    settings = dunning_settings(url, public_url="https://recon.example", link_secret="k")
    result = run_dunning(session_factory, DUE + D(15), settings, actor="cron")
    assert result.outcomes == {"sent": 1}
    rcpts, message = inbox.messages[0]
    assert rcpts == ["ap@buyer.example"]
    assert message["From"] == "ar@seller.example" and message["To"] == "ap@buyer.example"
    assert message["Subject"].startswith("逾期提醒") and message["Message-ID"]
    parts = _parts(message)
    text = parts["text/plain"].get_content()
    assert "逾期 15 天" in text and "¥1,234.50" in text
    assert "对账单：https://recon.example/s/" in text  # the signed statement link
    assert "<table>" in parts["text/html"].get_content()
    pdf = parts["application/pdf"]
    assert pdf.get_filename().startswith("statement-") and pdf.get_content()[:5] == b"%PDF-"
    reminder = session.scalar(select(Reminder))
    assert (reminder.status, reminder.message_id) == ("sent", message["Message-ID"])
    assert reminder.created_by == "cron" and reminder.sent_at is not None


def test_bounce_suppresses_the_address_and_stops_sends(session, session_factory, smtp):
    inbox, url = smtp
    inbox.refuse.add("ap@buyer.example")
    ensure_policies(session)
    customer_with_invoices(session, "10.00")
    session.commit()
    result = run_dunning(session_factory, DUE, dunning_settings(url), actor="t")
    assert result.outcomes == {"suppressed": 1} and inbox.messages == []
    assert session.scalar(select(Suppression.reason)) == "bounce"
    assert session.scalar(select(Reminder.status)) == "dead"
    plan = run_dunning(session_factory, DUE + D(7), dunning_settings(url), actor="t").plan
    assert plan.reminders[0].held == ("opted_out",)


def test_unreachable_server_retries_with_back_off(session, session_factory, smtp):
    inbox, url = smtp
    ensure_policies(session)
    customer_with_invoices(session, "10.00")
    session.commit()
    down = dunning_settings(f"smtp://127.0.0.1:{free_port()}")
    assert run_dunning(session_factory, DUE, down, actor="t").outcomes == {"failed": 1}
    reminder = session.scalar(select(Reminder))
    assert reminder.attempts == 1 and reminder.next_attempt_at is not None
    assert retry_due(session_factory, dunning_settings(url), actor="t") == []  # not yet
    later = reminder.next_attempt_at.replace(tzinfo=dt.UTC) + D(seconds=1)
    assert retry_due(session_factory, dunning_settings(url), actor="t", now=later) == ["sent"]
    assert len(inbox.messages) == 1


class FakeTwilio(BaseHTTPRequestHandler):
    """Twilio's ``POST /2010-04-01/Accounts/{sid}/Messages.json`` as documented."""

    received: list[dict] = []  # noqa: RUF012 - reset by the fixture

    def do_POST(self) -> None:
        body = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        auth = base64.b64decode(self.headers["Authorization"].split()[1]).decode()
        if auth != "AC123:tok" or not self.path.endswith("/Accounts/AC123/Messages.json"):
            return self._answer(401, {"code": 20003, "message": "Authenticate"})
        to = body["To"][0]
        if to == "+8613900000000":
            return self._answer(400, {"code": 21610, "message": "unsubscribed recipient"})
        self.received.append({k: v[0] for k, v in body.items()})
        self._answer(201, {"sid": f"SM{len(self.received):032d}", "status": "queued"})

    def _answer(self, code: int, doc: dict) -> None:
        data = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def twilio():
    FakeTwilio.received = []
    server = HTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", FakeTwilio.received
    server.shutdown()
    server.server_close()


def _sms_settings(base):
    return dunning_settings(None, twilio_account_sid="AC123", twilio_auth_token="tok",
                            sms_from="+15550001111", twilio_api_base=base)


def test_sms_goes_through_the_provider_api(session, session_factory, twilio):
    base, received = twilio
    ensure_policies(session)
    customer_with_invoices(session, "88.00", channel="sms", phone="+8613800138000",
                           language="zh-CN", name="示例公司")
    session.commit()
    assert run_dunning(session_factory, DUE, _sms_settings(base), actor="t").outcomes == {
        "sent": 1}
    assert received[0]["To"] == "+8613800138000" and received[0]["From"] == "+15550001111"
    assert "今日到期" in received[0]["Body"] and len(received[0]["Body"]) <= 70
    assert session.scalar(select(Reminder.message_id)).startswith("SM")


def test_sms_opt_out_answer_suppresses_the_number(session, session_factory, twilio):
    base, received = twilio
    ensure_policies(session)
    customer_with_invoices(session, "88.00", channel="sms", phone="+8613900000000")
    session.commit()
    result = run_dunning(session_factory, DUE, _sms_settings(base), actor="t")
    assert result.outcomes == {"suppressed": 1} and received == []
    assert session.scalar(select(Suppression.reason)) == "opt_out"


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_every_shipped_template_renders_in_both_languages(language):
    for key, source in shipped(language).items():
        out = render(source, sample_context(language))
        assert out.subject and "INV-0001" in out.text and "INV-0001" in out.html, key
        assert len(out.sms) <= sms_limit(out.sms), key


def test_html_part_escapes_and_the_sandbox_refuses_python():
    context = sample_context("en") | {"customer": {"name": "<script>x</script>",
                                                   "contact_name": None}}
    source = dict(shipped("en")["due"])
    assert "<script>" not in render(source, context).html
    evil = dict(source, text="{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateProblem, match="text"):
        render(evil, context)


def test_sms_longer_than_one_message_is_refused(session):
    assert sms_limit("hello") == 160 and sms_limit("你好") == 70
    source = dict(shipped("zh-CN")["due"], sms="逾期" * 36)
    with pytest.raises(TemplateProblem, match="72 characters, one message holds 70"):
        render(source, sample_context("zh-CN"))
    with pytest.raises(TemplateProblem):
        save_template(session, "due", "zh-CN", source, sample_context("zh-CN"), actor="admin")


def test_a_template_that_cannot_render_is_counted_not_sent(session, session_factory, smtp):
    from recon.models import ReminderTemplate

    inbox, url = smtp
    ensure_policies(session)
    customer_with_invoices(session, "10.00")
    session.add(ReminderTemplate(key="due", language="en", subject="{{ total.nope() }}",
                                 text="t", html="h", sms="s", updated_by="admin"))
    session.commit()
    result = run_dunning(session_factory, DUE, dunning_settings(url), actor="t")
    assert result.outcomes == {"template_error": 1} and inbox.messages == []
    assert session.scalar(select(Reminder.id)) is None
