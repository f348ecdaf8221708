"""Regression tests of the hardening campaign (issue #14) at the web edge: redirects after login,
logout, object ownership on nested routes, the role hierarchy of API tokens, four eyes on other
income, NUL bytes and out-of-range values in query parameters, and the amount-search DoS."""

from __future__ import annotations

import base64
import json
import time
from decimal import Decimal

import pytest
from sqlalchemy import select

from recon.access import users
from recon.allocation.allocations import AllocationSpec, create_match
from recon.models import Adjustment, Match, StatementLine
from recon.queue import actions as queue_actions
from tests.recon.factories import make_invoice, make_line
from tests.web.conftest import PASSWORD, ensure_user


def _login_with_next(client, session_factory, target: str):
    ensure_user(session_factory, "nina", "viewer")
    return client.post("/login", query_string={"next": target},
                       data={"username": "nina", "password": PASSWORD})


@pytest.mark.parametrize("target", [
    "/\t/evil.example/phish", "//evil.example/x", "/\\evil.example", "https://evil.example/",
    "/\r\nSet-Cookie: x=1", "/ok\n", "\t//evil.example", "/%09/evil.example",
])
def test_login_never_redirects_off_site(client, session_factory, target) -> None:
    response = _login_with_next(client, session_factory, target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in ("/", "/%09/evil.example"), location  # a path on this host, or home


def test_login_follows_a_local_next(client, session_factory) -> None:
    response = _login_with_next(client, session_factory, "/queue?cause=ambiguous")
    assert response.headers["Location"] == "/queue?cause=ambiguous"


def test_bulk_accept_next_stays_on_site(client, login) -> None:
    login(client, "clerk1", "clerk")
    for target in ("https://evil.example/", "//evil.example", "/\t/evil.example"):
        response = client.post("/queue/bulk-accept", data={"next": target})
        assert response.headers["Location"] == "/queue", target
    response = client.post("/queue/bulk-accept", data={"next": "/queue?cause=fee_gap"})
    assert response.headers["Location"] == "/queue?cause=fee_gap"


def test_logout_ends_the_session_on_the_server(app, client, login) -> None:
    login(client, "olga", "viewer")
    cookie = client.get_cookie("session")
    assert client.get("/queue").status_code == 200
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/queue").status_code == 302  # back to the login page
    login(client, "olga", "viewer")  # a fresh login works again
    assert client.get("/queue").status_code == 200


def test_undo_adjustment_checks_the_receipt_in_the_url(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        mine, other = make_line(s, "9.00"), make_line(s, "4.00")
        ids = mine.id, other.id
    with session_factory.begin() as s:
        adj = queue_actions.classify(s, line_id=ids[1], kind="own_transfer", actor="x",
                                     limit=Decimal("50"))
        adj_id = adj.id
    login(client, "clerk1", "clerk")
    response = client.post(f"/queue/line/{ids[0]}/undo-adjustment/{adj_id}",
                           data={"reason": "through the wrong receipt"})
    assert response.status_code == 404
    with session_factory() as s:
        assert s.get(Adjustment, adj_id).status == "applied"
        assert s.get(StatementLine, ids[1]).unapplied_minor == 0


def test_match_routes_check_the_receipt_in_the_url(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        inv, line, other = make_invoice(s, "50.00"), make_line(s, "50.00"), make_line(s, "7.00")
        match = create_match(s, receipt=line, allocations=[AllocationSpec(inv.id, Decimal(50))],
                             status="suggested", actor="m", confidence=0.5)
        ids = line.id, other.id, match.id
    login(client, "clerk1", "clerk")
    for action in ("accept", "reject"):
        response = client.post(f"/queue/line/{ids[1]}/{action}", data={"match_id": ids[2]})
        assert response.status_code == 404, action
    assert client.post(f"/queue/line/{ids[1]}/undo/{ids[2]}",
                       data={"reason": "x"}).status_code == 404
    with session_factory() as s:
        assert s.get(Match, ids[2]).status == "suggested"


@pytest.fixture
def token(session_factory):
    def make(role: str) -> dict[str, str]:
        ensure_user(session_factory, f"api-{role}", role)
        with session_factory.begin() as s:
            value = users.create_token(s, "t", username=f"api-{role}", actor="test")
        return {"Authorization": f"Bearer {value}"}

    return make


@pytest.mark.parametrize("role", ["viewer", "clerk", "approver", "admin"])
@pytest.mark.parametrize("url", ["/api/v1/unmatched", "/api/v1/matches", "/api/v1/runs"])
def test_every_role_can_read_the_api(client, token, role, url) -> None:
    assert client.get(url, headers=token(role)).status_code == 200


def test_role_hierarchy_is_one_order() -> None:
    assert users.role_allows("approver", "clerk") and users.role_allows("admin", "approver")
    assert not users.role_allows("clerk", "approver") and not users.role_allows("viewer", "clerk")


def test_other_income_above_the_limit_needs_four_eyes(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        big, small = make_line(s, "80.00"), make_line(s, "3.00")
        ids = big.id, small.id
    login(client, "clerk1", "clerk")
    client.post(f"/queue/line/{ids[0]}/classify", data={"kind": "other_income"})
    client.post(f"/queue/line/{ids[1]}/classify", data={"kind": "other_income"})
    with session_factory() as s:
        assert s.get(StatementLine, ids[1]).unapplied_minor == 0  # under the limit: at once
        assert s.get(StatementLine, ids[0]).unapplied_minor == 0  # reserved while pending
        pending = s.scalar(select(Adjustment).where(Adjustment.statement_line_id == ids[0]))
        assert (pending.kind, pending.status) == ("other_income", "pending_approval")


@pytest.mark.parametrize("path", ["/queue", "/invoices", "/gateways", "/audit"])
def test_nul_in_query_parameters_is_400(client, login, path) -> None:
    login(client, "vera", "viewer")
    assert client.get(path, query_string={"q": "a\x00b"}).status_code == 400


def test_nul_in_api_query_is_400(client, token) -> None:
    response = client.get("/api/v1/unmatched", query_string={"account": "x\x00"},
                          headers=token("viewer"))
    assert response.status_code == 400 and response.is_json


def test_queue_cursor_beyond_64_bits_is_400(client, token) -> None:
    raw = json.dumps([0, 10**30, "line", 10**30]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response = client.get("/api/v1/unmatched", query_string={"cursor": cursor},
                          headers=token("viewer"))
    assert response.status_code == 400


@pytest.mark.parametrize("query", ["1e400000", "-1E-999999999", "9" * 5000, "1e-400000"])
def test_queue_amount_search_is_bounded(client, login, session_factory, query) -> None:
    with session_factory.begin() as s:
        line_id = make_line(s, "12.50", remittance="search me").id
    login(client, "vera", "viewer")
    started = time.process_time()  # CPU, not wall: a loaded CI machine must not fail it
    response = client.get("/queue", query_string={"q": query})
    assert response.status_code == 200
    assert time.process_time() - started < 2
    assert f"/queue/line/{line_id}" not in response.get_data(as_text=True)


def test_queue_amount_search_still_finds_amounts(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        line_id = make_line(s, "1250.00").id
    login(client, "vera", "viewer")
    page = client.get("/queue", query_string={"q": "1,250.00"}).get_data(as_text=True)
    assert f"/queue/line/{line_id}" in page


def test_invoice_search_on_a_receipt_page_is_bounded(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        line_id = make_line(s, "12.50").id
        make_invoice(s, "12.50")
    login(client, "clerk1", "clerk")
    started = time.process_time()
    for query in ("1e400000", "12.5e1000000000"):
        response = client.get(f"/queue/line/{line_id}/invoices", query_string={"q": query})
        assert response.status_code in (200, 404)
    assert time.process_time() - started < 2


def test_refusals_are_translated(client, login) -> None:
    login(client, "vera", "viewer")
    client.post("/locale", data={"lang": "zh_Hans"})
    page = client.get("/queue", query_string={"q": "a\x00b"}).get_data(as_text=True)
    assert "含有空字符" in page


def test_queue_age_filter_out_of_range_is_400(client, login) -> None:
    login(client, "vera", "viewer")
    assert client.get("/queue", query_string={"min_age": "9" * 12}).status_code == 400
    assert client.get("/queue", query_string={"max_age": "30"}).status_code == 200
