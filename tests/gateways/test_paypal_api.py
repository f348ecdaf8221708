"""PayPal verify-webhook-signature mode against a local fake of PayPal's API (no network)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from gateways import WebhookRejected
from gateways.paypal_api import PaypalApiVerifier
from tests.gateways import paypal_signing as pp

MARK = b'"webhook_event": '


class FakePaypal(BaseHTTPRequestHandler):
    """OAuth token + verify-webhook-signature, checking the signature as PayPal would."""

    calls: ClassVar[list[str]] = []

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.calls.append(self.path)
        if self.path == "/v1/oauth2/token":
            ok = self.headers["Authorization"].startswith("Basic ")
            return self._answer({"access_token": "A21-token", "expires_in": 3600} if ok else {})
        assert self.headers["Authorization"] == "Bearer A21-token"
        fields = json.loads(body)
        raw = body[body.index(MARK) + len(MARK):-1]  # the event exactly as we received it
        headers = {f"PAYPAL-{k.upper().replace('_', '-')}": v for k, v in fields.items()
                   if k not in ("webhook_id", "webhook_event")}
        offline = pp.signer().config()
        offline.webhook_id = fields["webhook_id"]
        try:
            offline.verify(headers, raw)
            status = "SUCCESS"
        except WebhookRejected:
            status = "FAILURE"
        self._answer({"verification_status": status})

    def _answer(self, obj: dict) -> None:
        data = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def api() -> Iterator[str]:
    FakePaypal.calls = []
    server = HTTPServer(("127.0.0.1", 0), FakePaypal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _verifier(base: str) -> PaypalApiVerifier:
    return PaypalApiVerifier(webhook_id=pp.WEBHOOK_ID, client_id="cid", client_secret="secret",
                             base_url=base, clock=lambda: pp.NOW.timestamp())


def test_api_mode_accepts_genuine_and_refuses_forged(api):
    s = pp.signer()
    verifier = _verifier(api)
    raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()))
    assert verifier.verify(headers, raw).event_id == "WH-1"
    with pytest.raises(WebhookRejected) as info:
        verifier.verify(headers, raw.replace(b"100.00", b"900.00"))
    assert info.value.reason == "bad_signature"
    _, foreign = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()),
                        webhook_id="OTHER")
    with pytest.raises(WebhookRejected):
        verifier.verify(foreign, raw)
    assert FakePaypal.calls.count("/v1/oauth2/token") == 1  # the token is reused


def test_api_mode_refuses_stale_before_calling_and_when_api_is_down(api):
    s = pp.signer()
    import datetime as dt
    raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()),
                          when=pp.NOW - dt.timedelta(hours=1))
    with pytest.raises(WebhookRejected) as info:
        _verifier(api).verify(headers, raw)
    assert info.value.reason == "stale" and FakePaypal.calls == []
    raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()))
    with pytest.raises(WebhookRejected) as info:
        _verifier("http://127.0.0.1:9").verify(headers, raw)  # nothing listens there
    assert info.value.reason == "bad_signature"
