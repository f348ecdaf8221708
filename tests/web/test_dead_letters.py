"""The Gateways page shows webhook events that gave up after their retries (the dead letters),
in English and Simplified Chinese; ``recon gateways events --status failed`` lists the same."""

from __future__ import annotations

import json

from gateways import VerifiedEvent
from recon.gateway.events import MAX_ATTEMPTS, record_failure, store


def _fail(session_factory, event_id: str, times: int) -> None:
    event = VerifiedEvent(gateway="stripe", event_id=event_id, event_type="charge.succeeded",
                          occurred_at=None, payload={"id": event_id, "data": {"object": {}}})
    row_id = store(session_factory, event, actor="gateway:stripe").id
    for _ in range(times):
        with session_factory.begin() as s:
            record_failure(s, row_id, KeyError("currency"), actor="gateway:worker")


def test_failed_events_are_listed_on_the_gateways_page(client, login, session_factory, cli):
    _fail(session_factory, "evt_dead", MAX_ATTEMPTS)
    _fail(session_factory, "evt_retrying", 2)  # still pending: not a dead letter
    login(client, "vera", "viewer")
    page = client.get("/gateways").get_data(as_text=True)
    assert "Webhook events that failed" in page and "evt_dead" in page
    assert "KeyError" in page and "evt_retrying" not in page
    client.post("/locale", data={"lang": "zh_Hans"})
    assert "处理失败的 Webhook 事件" in client.get("/gateways").get_data(as_text=True)
    listed = json.loads(cli("gateways", "events", "--status", "failed", "--json").output)
    assert [e["event_id"] for e in listed] == ["evt_dead"]
    assert listed[0]["attempts"] == MAX_ATTEMPTS


def test_no_failed_events_no_section(client, login):
    login(client, "vera", "viewer")
    assert "Webhook events that failed" not in client.get("/gateways").get_data(as_text=True)
