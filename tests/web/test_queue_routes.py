"""Exception queue routes × roles, CSRF, filters, keyset paging and the 10,000-item query path."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from recon.allocation.allocations import AllocationSpec, create_match
from recon.queue import cache as queue_cache
from tests.recon.factories import make_charge, make_invoice, make_line
from tests.web.conftest import ROLES, csrf_token


@pytest.fixture(autouse=True)
def _fresh_counts():
    """Per-cause counts are cached per process by data version; start each test empty."""
    queue_cache.clear()


@pytest.fixture
def data(session_factory):
    """A line with a suggestion, a gateway charge, a pending write-off and a confirmed match."""
    with session_factory.begin() as s:
        inv = make_invoice(s, "100.00", invoice_no="INV-42")
        line = make_line(s, "98.00", counterparty_name="Hangzhou Tea Co", raw="<Ntry>98</Ntry>")
        sugg = create_match(
            s, receipt=line, allocations=[AllocationSpec(inv.id, Decimal("98"))],
            status="suggested", actor="matcher", confidence=0.61,
            reasons=[{"feature": "amount", "level": "fee", "weight": 4.0, "detail": "2.00 short"}],
            cause="fee_gap",
        )  # fmt: skip
        charge = make_charge(s, "12.00")
        paid = make_line(s, "10.00")
        inv2 = make_invoice(s, "10.00")
        done = create_match(
            s, receipt=paid, allocations=[AllocationSpec(inv2.id, Decimal("10"))],
            status="manual", actor="someone",
        )  # fmt: skip
        from recon.allocation.adjustments import add_adjustment

        small = make_line(s, "80.00")
        adj = add_adjustment(
            s, kind="write_off", amount=Decimal("80"), actor="preparer", limit=Decimal("50"),
            statement_line_id=small.id, reason="unknown",
        )  # fmt: skip
        return {
            "line": line.id, "match": sugg.id, "charge": charge.id, "paid": paid.id,
            "done": done.id, "adj": adj.id, "small": small.id, "inv": inv.id,
        }  # fmt: skip


def gets(d):
    return [
        "/queue",
        "/queue?cause=fee_gap&sort=-amount&group=0",
        f"/queue/line/{d['line']}",
        f"/queue/charge/{d['charge']}",
        f"/queue/line/{d['line']}/invoices?q=INV",
        "/queue/approvals",
    ]


def posts(d):
    return [
        (f"/queue/line/{d['line']}/accept", {"match_id": d["match"]}),
        (f"/queue/line/{d['line']}/reject", {"match_id": d["match"]}),
        (f"/queue/line/{d['line']}/match", {"invoice_id": d["inv"], "amount": "98.00"}),
        (f"/queue/line/{d['line']}/classify", {"kind": "other_income"}),
        (f"/queue/line/{d['line']}/write-off", {"reason": "x"}),
        (f"/queue/charge/{d['charge']}/classify", {"kind": "other_income", "amount": "1"}),
        (f"/queue/charge/{d['charge']}/write-off", {"reason": "x", "amount": "1"}),
        (f"/queue/line/{d['paid']}/undo/{d['done']}", {"reason": "x"}),
        (f"/queue/line/{d['small']}/undo-adjustment/{d['adj']}", {"reason": "x"}),
        ("/queue/bulk-accept", {"match_id": d["match"]}),
        (f"/queue/approvals/{d['adj']}/approve", {}),
        (f"/queue/approvals/{d['adj']}/reject", {"reason": "no"}),
    ]


def test_anonymous_is_sent_to_login(client, data) -> None:
    for url in gets(data):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for url, form in posts(data):
        assert client.post(url, data=form).status_code in (302, 401), url
    assert client.get("/queue", headers={"Accept": "application/json"}).status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reads_for_every_role(client, login, data, role) -> None:
    login(client, f"u_{role}", role)
    for url in gets(data):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    page = client.get(f"/queue/line/{data['line']}").get_data(as_text=True)
    assert ("Accept (a)" in page) == (role != "viewer")  # viewers get no action buttons
    queue = client.get("/queue").get_data(as_text=True)
    assert ('id="bulk"' in queue) == (role != "viewer")


@pytest.mark.parametrize("role", ROLES)
def test_actions_check_the_role_on_the_server(client, login, data, role) -> None:
    login(client, f"u_{role}", role)
    for url, form in posts(data):
        status = client.post(url, data=form).status_code
        approval = "/approvals/" in url
        allowed = role in ("approver", "admin") if approval else role != "viewer"
        assert (status != 403) == allowed, (url, role, status)
        assert status in ((302, 200) if allowed else (403,)), (url, status)


def test_unknown_kind_and_receipt_are_404(client, login, data) -> None:
    login(client, "v", "viewer")
    assert client.get("/queue/invoice/1").status_code == 404
    assert client.get("/queue/line/999999").status_code == 404
    login(client, "c", "clerk")
    assert client.post("/queue/invoice/1/accept", data={"match_id": data["match"]}).status_code == 404
    assert client.post("/queue/invoice/1/reject", data={"match_id": data["match"]}).status_code == 404


@pytest.mark.parametrize(
    "query", ["cause=nope", "sort=sideways", "cursor=%%%", "min_age=ten", "max_age=-1"]
)
def test_bad_filters_are_400(client, login, data, query) -> None:
    login(client, "v", "viewer")
    assert client.get(f"/queue?{query}").status_code == 400


def test_csrf_is_required_for_every_action(csrf_client, login, data) -> None:
    login(csrf_client, "boss", "admin")
    for url, form in posts(data):
        assert csrf_client.post(url, data=form).status_code == 400, url
    page = csrf_client.get(f"/queue/line/{data['line']}").get_data(as_text=True)
    token = csrf_token(page)
    url, form = posts(data)[0]
    response = csrf_client.post(url, data={**form, "csrf_token": token})
    assert response.status_code == 302
    htmx = csrf_client.post(
        f"/queue/line/{data['line']}/reject", data={"match_id": data["match"]},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )  # fmt: skip
    assert htmx.status_code == 200  # already accepted: the rule error is shown in place
    assert "only suggestions can be rejected" in htmx.get_data(as_text=True)


def test_queue_page_shows_causes_reasons_and_pages(client, login, session_factory) -> None:
    with session_factory.begin() as s:
        account = make_line(s, "1.00").account
        for n in range(2, 62):
            make_line(s, f"{n}.00", account=account)
    login(client, "v", "viewer")
    first = client.get("/queue?sort=-amount&group=0").get_data(as_text=True)
    assert first.count('class="item"') == 50 and "€61.00" in first
    cursor = re.search(r'href="/queue\?cursor=([^&"]+)', first).group(1)
    second = client.get(f"/queue?cursor={cursor}&sort=-amount&group=0").get_data(as_text=True)
    assert second.count('class="item"') == 11 and "€1.00" in second and "€61.00" not in second
    grouped = client.get("/queue").get_data(as_text=True)
    assert 'class="group"' in grouped and "No candidate invoice" in grouped
    assert client.get("/queue?q=61.00").get_data(as_text=True).count('class="item"') == 1


def test_detail_shows_raw_reasons_and_weights(client, login, data) -> None:
    login(client, "v", "viewer")
    page = client.get(f"/queue/line/{data['line']}").get_data(as_text=True)
    assert "&lt;Ntry&gt;98&lt;/Ntry&gt;" in page  # the line as the bank sent it, escaped
    assert "+4.0" in page and "2.00 short" in page and "Fee gap" in page
    found = client.get(f"/queue/line/{data['line']}/invoices?q=inv-42").get_data(as_text=True)
    assert "INV-42" in found and 'data-open="100.00"' in found
