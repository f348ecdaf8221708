"""Service errors read in the person's language, with amounts in the locale's money format:
in a flash after a redirect, in an htmx fragment, and in the API's JSON (with a stable code)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from recon.access import users
from recon.errors import Code, Codes, InvariantError, Message
from recon.money import Money
from scripts.error_ids import PLACEHOLDER, raises
from scripts.zh_errors import ZH
from tests.recon.factories import make_line
from tests.web.conftest import ensure_user
from web.labels import render

ZH_HEADERS = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _line(session_factory, amount: str) -> int:
    with session_factory.begin() as s:
        return make_line(s, amount, "EUR").id


def _zh(client):
    client.post("/locale", data={"lang": "zh_Hans"})
    return client


def _over_write_off(client, line: int, **kw):
    client.post(f"/queue/line/{line}/write-off", data={"amount": "777", "reason": "x"}, **kw)
    return client.post(f"/queue/line/{line}/write-off", data={"amount": "777", "reason": "x"},
                       **kw)


def test_htmx_fragment_in_chinese_with_money_formatted(client, login, session_factory) -> None:
    line = _line(session_factory, "800.00")
    clerk = _zh(login(client, "clerk1", "clerk"))
    body = _over_write_off(clerk, line, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "核销 €777.00 超过了该流水的未核销金额 €23.00" in body
    assert "exceeds" not in body and "write_off" not in body


def test_flash_after_redirect_in_chinese(client, login, session_factory) -> None:
    line = _line(session_factory, "800.00")
    clerk = _zh(login(client, "clerk1", "clerk"))
    answer = _over_write_off(clerk, line)
    assert answer.status_code == 302
    page = clerk.get(answer.headers["Location"]).get_data(as_text=True)
    assert "核销 €777.00 超过了该流水的未核销金额 €23.00" in page


def test_english_page_says_the_words_not_the_codes(client, login, session_factory) -> None:
    line = _line(session_factory, "800.00")
    clerk = login(client, "clerk1", "clerk")
    body = _over_write_off(clerk, line, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "write-off of €777.00 exceeds the line&#39;s unapplied €23.00" in body


def test_api_json_has_the_code_and_the_message_in_the_request_language(
        client, session_factory) -> None:
    ensure_user(session_factory, "api-viewer", "viewer")
    with session_factory.begin() as s:
        value = users.create_token(s, "test", username="api-viewer", actor="test")
    auth = {"Authorization": f"Bearer {value}"}
    en = client.get("/api/v1/customers/9999/credit", headers=auth)
    assert en.status_code == 404
    assert en.json["code"] == "customer_not_found"
    assert en.json["error"] == "customer 9999 does not exist"
    zh = client.get("/api/v1/customers/9999/credit", headers={**auth, **ZH_HEADERS})
    assert zh.json == {**en.json, "error": "客户 9999 不存在"}


def test_settings_error_names_the_setting_in_words(app, login) -> None:
    admin = _zh(login(app.test_client(), "root", "admin"))
    bad = admin.post("/settings", data={"auto_threshold": "0.10", "suggest_threshold": "0.20"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "建议阈值：0.2 不能高于自动确认阈值 0.1" in text


def _sample(name: str):
    if name in ("amount", "left", "limit"):
        return Money(Decimal("1234.5"), "EUR")
    if name in ("kind", "status", "object", "role", "setting"):
        return Code("write_off")
    if name == "choices":
        return Codes(("bank_fee", "write_off"))
    return "X1"


@pytest.mark.parametrize("msgid", sorted({r.msgid for r in raises() if r.msgid}))
def test_every_message_renders_in_chinese(app, msgid: str) -> None:
    params = {n: _sample(n) for n in PLACEHOLDER.findall(msgid)}
    with app.test_request_context(headers=ZH_HEADERS):
        text = render(Message(msgid, params))
        assert text == ZH[msgid] % {n: {"amount": "€1,234.50", "left": "€1,234.50",
                                        "limit": "€1,234.50", "choices": "银行手续费、核销"}
                                    .get(n, "核销" if isinstance(v, Code) else v)
                                    for n, v in params.items()}


def test_str_of_an_error_in_a_request_is_translated(app) -> None:
    err = InvariantError("undo needs a reason", code="reason_missing")
    with app.test_request_context(headers=ZH_HEADERS):
        assert str(err) == "撤销需要填写原因"
    assert str(err) == "undo needs a reason"  # outside a request: English, for logs


def test_an_unknown_queue_filter_is_refused_in_words(client, login) -> None:
    clerk = login(client, "clerk1", "clerk")
    english = clerk.get("/queue?cause=bogus")
    assert english.status_code == 400
    text = english.get_data(as_text=True)
    assert "unknown cause bogus" in text and "possible duplicate" in text
    assert "possible_duplicate" not in text  # words, not the internal codes
    chinese = _zh(clerk).get("/triage?cause=bogus")
    assert chinese.status_code == 400 and "未知的原因 bogus" in chinese.get_data(as_text=True)
