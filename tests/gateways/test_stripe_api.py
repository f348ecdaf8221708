"""Payout composition via the official stripe library, offline: a replaying HTTP client.

The responses in data/stripe_payout_po_1PpO01.json follow the API's list-object shape for
``GET /v1/balance_transactions?payout=...&expand[]=data.source`` (hand-written in that shape; no
network access here).  The stripe library itself builds the requests, paginates and parses.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe

from gateways import GatewayApiError
from gateways.stripe_api import make_client, payout_transactions
from gateways.stripe_reports import payout_composition

RECORDED = json.loads((Path(__file__).parent / "data/stripe_payout_po_1PpO01.json").read_text())


class ReplayClient(stripe.HTTPClient):
    """Answers each request with the next recorded response and remembers what was asked."""

    name = "replay"

    def __init__(self, responses: list[tuple[int, dict]]) -> None:
        super().__init__()
        self.responses = list(responses)
        self.requests: list[tuple[str, str, dict]] = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        self.requests.append((method, url, dict(headers or {})))
        status, body = self.responses.pop(0)
        return json.dumps(body), status, {"request-id": "req_replay"}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError

    def close(self):
        return None


def test_payout_transactions_paginates_and_maps_fees():
    http = ReplayClient([(200, RECORDED["page1"]), (200, RECORDED["page2"])])
    client = make_client("sk_test_replay", http_client=http, max_network_retries=0)
    txns = payout_transactions(client, "po_1PpO01")
    assert [t.gateway_id for t in txns] == ["ch_3PabC1", "re_3PabR1", "ch_3PabC2", "po_1PpO01"]
    charge = txns[0]
    assert (charge.gross, charge.fee, charge.net, charge.order_ref, charge.related_id) == (
        Decimal("120.50"), Decimal("3.80"), Decimal("116.70"), "INV-1001", "pi_3PabC1")
    assert all(t.payout_id == "po_1PpO01" for t in txns)
    comp = payout_composition(txns)["po_1PpO01"]
    assert comp.amount == Decimal("121.11") and comp.balanced
    first, second = (parse_qs(urlsplit(url).query) for _, url, _ in http.requests)
    assert first["payout"] == ["po_1PpO01"] and first["expand[0]"] == ["data.source"]
    assert second["starting_after"] == ["txn_3PabR1"]
    assert http.requests[0][2]["Authorization"] == "Bearer sk_test_replay"


def test_api_error_is_wrapped():
    error = {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}
    client = make_client("sk_test_bad", http_client=ReplayClient([(401, error)]),
                         max_network_retries=0)
    with pytest.raises(GatewayApiError, match="po_1PpO01"):
        payout_transactions(client, "po_1PpO01")
