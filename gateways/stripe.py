"""Stripe webhooks: verify a delivery, then normalise its event (leaf layer).

`verify` takes the raw request body and the ``Stripe-Signature`` header and returns a
`VerifiedEvent` or raises `WebhookRejected`.  The HMAC check is the stripe library's own,
`stripe.WebhookSignature.verify_header` -- the verification half of
`stripe.Webhook.construct_event`, which the library documents for "validating incoming webhooks
before storing them for later processing", our case exactly -- with the tolerance always
explicit (never the library's ``None``/``0`` that turns replay protection off) and with future
timestamps refused too, which the library does not do.  The other half of ``construct_event``
(``json.loads`` plus a `StripeObject` tree, a third of the endpoint's CPU) is replaced by one
``json.loads`` into the plain dicts we store, with the library's refusal of thin (v2) event
notifications kept; a test checks both accept and refuse the same deliveries.  Several secrets
are tried in turn so a rolled secret keeps working.

`normalize` maps an event to `GatewayTxn` records through the `HANDLERS` table; event types not in
the table normalise to nothing (they are stored and acknowledged by the caller).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import stripe

from gateways.errors import WebhookRejected
from gateways.model import VerifiedEvent
from gateways.stripe_events import GATEWAY, HANDLERS, normalize, when

__all__ = [
    "DEFAULT_TOLERANCE", "GATEWAY", "HANDLERS", "StripeWebhookConfig", "normalize", "verify",
]

DEFAULT_TOLERANCE = 300
MAX_BODY_BYTES = 256 * 1024
# looked up once: the package resolves its names lazily, an import machinery call per access
_VERIFY_HEADER = stripe.WebhookSignature.verify_header


def _reject(reason: Any, message: str, event_id: str | None = None) -> WebhookRejected:
    return WebhookRejected(reason, message, gateway=GATEWAY, event_id=event_id)


def header_timestamp(header: str) -> int:
    """The ``t=`` value of a Stripe-Signature header; raises `WebhookRejected` if absent."""
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            try:
                return int(value)
            except ValueError:
                break
    raise _reject("bad_signature", "Stripe-Signature header has no valid timestamp")


def check_window(timestamp: int, now: float, tolerance: int) -> None:
    """Refuse a signature older than `tolerance` seconds or more than `tolerance` in the future."""
    if timestamp < now - tolerance:
        raise _reject("stale", f"signature timestamp is {int(now - timestamp)} s old")
    if timestamp > now + tolerance:
        raise _reject("stale", f"signature timestamp is {int(timestamp - now)} s in the future")


def verify(
    payload: bytes,
    header: str | None,
    secrets: Sequence[str],
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
    max_bytes: int = MAX_BODY_BYTES,
) -> VerifiedEvent:
    """Verify a Stripe delivery on its raw bytes and return the event.

    Raises `WebhookRejected` with reason ``too_large``, ``malformed``, ``bad_signature`` or
    ``stale``.  `now` (unix seconds) is injectable for tests; the library's own age check is
    shifted by the same offset so both checks agree.
    """
    if tolerance <= 0:
        raise ValueError("tolerance must be positive; 0 would disable the replay check")
    if not secrets:
        raise ValueError("at least one webhook secret is required")
    if len(payload) > max_bytes:
        raise _reject("too_large", f"body of {len(payload)} bytes exceeds {max_bytes}")
    if not header:
        raise _reject("bad_signature", "missing Stripe-Signature header")
    clock = time.time() if now is None else now
    check_window(header_timestamp(header), clock, tolerance)
    # Our window (above) is authoritative; the library's own age check runs on the real clock,
    # so shift it by the injected offset, plus a second of slack for the time spent in between.
    sdk_tolerance = max(1, tolerance + math.ceil(time.time() - clock) + 1)
    text = _verify_signature(payload, header, secrets, sdk_tolerance)
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise _reject("malformed", f"signed body is not JSON: {exc}") from None
    except RecursionError:  # signed, yet nested deeper than any Stripe event: refuse, never 500
        raise _reject("malformed", "signed body is nested too deeply") from None
    if isinstance(body, dict) and body.get("object") == "v2.core.event":
        raise _reject("malformed", "signed body is a thin (v2) event notification, not a v1 "
                      "event")
    return _to_verified(body)


def _verify_signature(
    payload: bytes, header: str, secrets: Sequence[str], tolerance: int
) -> str:
    """The body as text once the library's verifier accepts it with one of `secrets`."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise _reject("malformed", "body is not UTF-8") from None
    for secret in secrets:
        try:
            _VERIFY_HEADER(text, header, secret, tolerance=tolerance)
        except stripe.SignatureVerificationError:
            continue
        return text
    raise _reject("bad_signature", "no v1 signature matches any configured secret")


def _to_verified(body: Any) -> VerifiedEvent:
    if not isinstance(body, dict):
        raise _reject("malformed", "event is not a JSON object")
    event_id, event_type = body.get("id"), body.get("type")
    obj = body.get("data", {}).get("object") if isinstance(body.get("data"), dict) else None
    if not isinstance(event_id, str) or not isinstance(event_type, str) or not isinstance(
        obj, dict
    ):
        raise _reject("malformed", "event lacks id, type or data.object")
    created = body.get("created")
    occurred = when(created)
    if created is not None and occurred is None:
        raise _reject("malformed", "created is not a time in range", event_id)
    return VerifiedEvent(
        gateway=GATEWAY,
        event_id=event_id,
        event_type=event_type,
        occurred_at=occurred,
        payload=body,
        livemode=body.get("livemode"),
    )


@dataclass(frozen=True)
class StripeWebhookConfig:
    """Stripe endpoint settings; `secrets` holds every active ``whsec_`` during a rotation."""

    secrets: tuple[str, ...] = field(repr=False)
    tolerance: int = DEFAULT_TOLERANCE
    max_bytes: int = MAX_BODY_BYTES
    livemode: bool | None = None  # when set, events of the other mode are refused as foreign

    def verify(self, payload: bytes, header: str | None, *, now: float | None = None) -> (
        VerifiedEvent
    ):
        """`verify` with these settings, plus the live/test mode check."""
        event = verify(
            payload, header, self.secrets, tolerance=self.tolerance, now=now,
            max_bytes=self.max_bytes,
        )
        if self.livemode is not None and event.livemode is not self.livemode:
            raise _reject("foreign", "event is from the other live/test mode", event.event_id)
        return event
