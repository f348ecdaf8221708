"""PayPal webhooks verified by PayPal's verify-webhook-signature API (leaf layer, the alternative
to offline verification in `gateways.paypal`).

`PaypalApiVerifier.verify(headers, raw)` applies the same local checks first (size, algorithm,
transmission time window), then obtains an OAuth token (client credentials, cached until shortly
before it expires) and posts ``{auth_algo, cert_url, transmission_id, transmission_sig,
transmission_time, webhook_id, webhook_event}`` to ``/v1/notifications/verify-webhook-signature``
with the **raw** body embedded as ``webhook_event`` -- re-serialised JSON can fail.  Only
``verification_status == "SUCCESS"`` passes; any API failure refuses the delivery (PayPal
retries).  Plain ``urllib`` is used: the official ``paypal-server-sdk`` has no webhook helper and
would add a large dependency for two POSTs.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from gateways.errors import GatewayApiError, WebhookRejected
from gateways.model import VerifiedEvent
from gateways.paypal import (
    AUTH_ALGO,
    DEFAULT_TOLERANCE,
    GATEWAY,
    MAX_BODY_BYTES,
    header,
    parse_event,
    transmission_time,
)

LIVE = "https://api-m.paypal.com"
SANDBOX = "https://api-m.sandbox.paypal.com"
HEADERS = ("transmission_id", "transmission_time", "transmission_sig", "cert_url", "auth_algo")


def _post(url: str, body: bytes, headers: Mapping[str, str]) -> dict:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # base URL is configured
            return json.loads(response.read(1024 * 1024))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise GatewayApiError(f"PayPal API call failed: {type(exc).__name__}") from None


@dataclass
class PaypalApiVerifier:
    """Verifies through PayPal's API with ``PAYPAL_CLIENT_ID``/``PAYPAL_CLIENT_SECRET``."""

    webhook_id: str
    client_id: str
    client_secret: str = field(repr=False)
    base_url: str = LIVE
    tolerance: int = DEFAULT_TOLERANCE
    max_bytes: int = MAX_BODY_BYTES
    clock: Callable[[], float] = time.time
    _token: tuple[str, float] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _access_token(self) -> str:
        now = self.clock()
        with self._lock:
            if self._token and self._token[1] > now:
                return self._token[0]
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        answer = _post(f"{self.base_url}/v1/oauth2/token",
                       urlencode({"grant_type": "client_credentials"}).encode(),
                       {"Authorization": f"Basic {basic}",
                        "Content-Type": "application/x-www-form-urlencoded"})
        token = answer.get("access_token")
        if not isinstance(token, str):
            raise GatewayApiError("PayPal OAuth answer has no access_token")
        expires = answer.get("expires_in")
        life = float(expires) if isinstance(expires, int | float) else 300.0
        with self._lock:
            self._token = (token, now + max(life - 60, 0))
        return token

    def verify(self, headers: Mapping[str, str], raw: bytes) -> VerifiedEvent:
        if len(raw) > self.max_bytes:
            raise WebhookRejected("too_large", f"body larger than {self.max_bytes} bytes",
                                  gateway=GATEWAY)
        if header(headers, "PAYPAL-AUTH-ALGO") != AUTH_ALGO:
            raise WebhookRejected("bad_signature", "PAYPAL-AUTH-ALGO is not SHA256withRSA",
                                  gateway=GATEWAY)
        stamp = header(headers, "PAYPAL-TRANSMISSION-TIME")
        if abs(self.clock() - transmission_time(stamp).timestamp()) > self.tolerance:
            raise WebhookRejected("stale", "PAYPAL-TRANSMISSION-TIME outside the window",
                                  gateway=GATEWAY)
        event = parse_event(raw)  # malformed bodies never reach the API
        fields = {name: header(headers, f"PAYPAL-{name.upper().replace('_', '-')}")
                  for name in HEADERS}
        fields["webhook_id"] = self.webhook_id
        head = json.dumps(fields)[:-1]
        body = f'{head}, "webhook_event": '.encode() + raw + b"}"
        try:
            answer = _post(f"{self.base_url}/v1/notifications/verify-webhook-signature", body,
                           {"Authorization": f"Bearer {self._access_token()}",
                            "Content-Type": "application/json"})
        except GatewayApiError as exc:
            raise WebhookRejected("bad_signature", str(exc), gateway=GATEWAY,
                                  event_id=event.event_id) from None
        if answer.get("verification_status") != "SUCCESS":
            raise WebhookRejected("bad_signature", "PayPal says the signature is not valid",
                                  gateway=GATEWAY, event_id=event.event_id)
        return event
