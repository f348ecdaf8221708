"""PayPal webhooks verified offline, the way PayPal specifies (leaf layer).

`PaypalConfig.verify(headers, raw_body)` checks, in this order: body size; ``PAYPAL-AUTH-ALGO``
is ``SHA256withRSA``; ``PAYPAL-TRANSMISSION-TIME`` is within ±`tolerance` seconds of now (PayPal
documents no window; every delivery and retry carries a fresh transmission, so an old captured
one is refused as ``stale``); ``PAYPAL-CERT-URL`` is HTTPS on a PayPal host under
``/v1/notifications/certs/`` (anything else is refused before any fetch -- otherwise an attacker
names their own certificate); the certificate chain at that URL (fetched through `fetch`,
cached per URL by `CertStore`) is valid now and chains to a trusted root for PayPal's signing
name; and the SHA256withRSA signature verifies over
``transmission_id|transmission_time|webhook_id|crc32(raw_body)`` -- the webhook id is ours, which
binds the event to our endpoint.  Failures raise `WebhookRejected`.

The chain check is cryptography's X.509 path validation (`x509.verification`); only the URL rule,
the cache and the message format are written here, because no library implements PayPal's scheme
(the official server SDK only calls the verify API, see `gateways.paypal_api`).
"""

from __future__ import annotations

import base64
import binascii
import json
import ssl
import threading
import time
import urllib.request
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from gateways.errors import WebhookRejected
from gateways.model import VerifiedEvent

GATEWAY = "paypal"
AUTH_ALGO = "SHA256withRSA"
DEFAULT_TOLERANCE = 600
MAX_BODY_BYTES = 256 * 1024
MAX_CERT_BYTES = 64 * 1024
CERT_PATH = "/v1/notifications/certs/"
SIGNING_NAMES = ("messageverificationcerts.paypal.com",
                 "messageverificationcerts.sandbox.paypal.com")
Fetch = Callable[[str], bytes]


def _reject(reason: Any, message: str, event_id: str | None = None) -> WebhookRejected:
    return WebhookRejected(reason, message, gateway=GATEWAY, event_id=event_id)


def cert_url_allowed(url: str) -> bool:
    """HTTPS, default port, no credentials, a PayPal host, PayPal's certificate path."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return (parts.scheme == "https" and port in (None, 443) and not parts.username
            and (host == "paypal.com" or host.endswith(".paypal.com"))
            and parts.path.startswith(CERT_PATH) and ".." not in parts.path)


def https_fetch(url: str) -> bytes:
    """Download a certificate over HTTPS with the system trust store (production fetcher)."""
    context = ssl.create_default_context()
    with urllib.request.urlopen(url, timeout=10, context=context) as response:
        return response.read(MAX_CERT_BYTES + 1)


def system_roots() -> list[x509.Certificate]:
    """The operating system's trusted roots (PayPal's chain ends at a public CA)."""
    path = ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt"
    with open(path, "rb") as handle:
        return x509.load_pem_x509_certificates(handle.read())


@dataclass
class CertStore:
    """PayPal signing certificates by URL: fetched once, chain-checked, cached for `ttl`."""

    fetch: Fetch = https_fetch
    roots: Sequence[x509.Certificate] | None = None
    names: Sequence[str] = SIGNING_NAMES
    ttl: float = 24 * 3600
    _cache: dict[str, tuple[float, rsa.RSAPublicKey]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def key(self, url: str, *, now: float) -> rsa.RSAPublicKey:
        """The verified public key of the certificate at `url`; raises `WebhookRejected`."""
        if not cert_url_allowed(url):
            raise _reject("bad_signature", "PAYPAL-CERT-URL is not a PayPal certificate URL")
        with self._lock:
            cached = self._cache.get(url)
        if cached and now - cached[0] < self.ttl:
            return cached[1]
        try:
            data = self.fetch(url)
        except Exception as exc:  # network or HTTP failure: refuse, PayPal will retry
            raise _reject("bad_signature", f"certificate fetch failed: {type(exc).__name__}") \
                from None
        key = self._check(data, now)
        with self._lock:
            self._cache[url] = (now, key)
        return key

    def _check(self, data: bytes, now: float) -> rsa.RSAPublicKey:
        if len(data) > MAX_CERT_BYTES:
            raise _reject("bad_signature", "certificate too large")
        try:
            chain = x509.load_pem_x509_certificates(data)
        except ValueError:
            raise _reject("bad_signature", "certificate is not PEM") from None
        leaf, intermediates = chain[0], chain[1:]
        store = Store(list(self.roots if self.roots is not None else system_roots()))
        when = datetime.fromtimestamp(now, UTC)
        for name in self.names:
            verifier = PolicyBuilder().store(store).time(when).build_server_verifier(
                x509.DNSName(name))
            try:
                verifier.verify(leaf, intermediates)
            except VerificationError:
                continue
            key = leaf.public_key()
            if isinstance(key, rsa.RSAPublicKey):
                return key
        raise _reject("bad_signature", "certificate chain not trusted, expired or not PayPal's")


def header(headers: Mapping[str, str], name: str) -> str:
    lowered = {k.lower(): v for k, v in headers.items()}
    value = (lowered.get(name.lower()) or "").strip()
    if not value:
        raise _reject("bad_signature", f"missing {name} header")
    return value


def transmission_time(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _reject("bad_signature", "PAYPAL-TRANSMISSION-TIME is not ISO 8601") from None
    if when.tzinfo is None:
        raise _reject("bad_signature", "PAYPAL-TRANSMISSION-TIME has no offset")
    return when


def signed_message(transmission_id: str, time_text: str, webhook_id: str, raw: bytes) -> bytes:
    """What PayPal signs: ``id|time|webhook_id|crc32`` (CRC32 as unsigned decimal)."""
    return f"{transmission_id}|{time_text}|{webhook_id}|{zlib.crc32(raw)}".encode()


def parse_event(raw: bytes) -> VerifiedEvent:
    """The verified body as a `VerifiedEvent` (``id`` ``WH-...`` is the dedupe key)."""
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _reject("malformed", "body is not JSON") from None
    if not isinstance(payload, dict) or not all(
            isinstance(payload.get(k), str) for k in ("id", "event_type")) or not isinstance(
            payload.get("resource"), dict):
        raise _reject("malformed", "event lacks id, event_type or resource")
    created = payload.get("create_time")
    try:
        occurred = datetime.fromisoformat(created.replace("Z", "+00:00")) if isinstance(
            created, str) else None
    except ValueError:
        occurred = None
    return VerifiedEvent(gateway=GATEWAY, event_id=payload["id"],
                         event_type=payload["event_type"], occurred_at=occurred,
                         payload=payload)


@dataclass
class PaypalConfig:
    """Offline verifier for one webhook (``PAYPAL_WEBHOOK_ID``)."""

    webhook_id: str
    certs: CertStore = field(default_factory=CertStore)
    tolerance: int = DEFAULT_TOLERANCE
    max_bytes: int = MAX_BODY_BYTES
    clock: Callable[[], float] = time.time

    def verify(self, headers: Mapping[str, str], raw: bytes) -> VerifiedEvent:
        if len(raw) > self.max_bytes:
            raise _reject("too_large", f"body larger than {self.max_bytes} bytes")
        if header(headers, "PAYPAL-AUTH-ALGO") != AUTH_ALGO:
            raise _reject("bad_signature", "PAYPAL-AUTH-ALGO is not SHA256withRSA")
        tid = header(headers, "PAYPAL-TRANSMISSION-ID")
        stamp = header(headers, "PAYPAL-TRANSMISSION-TIME")
        now = self.clock()
        if abs(now - transmission_time(stamp).timestamp()) > self.tolerance:
            raise _reject("stale", "PAYPAL-TRANSMISSION-TIME outside the window")
        try:
            signature = base64.b64decode(header(headers, "PAYPAL-TRANSMISSION-SIG"),
                                         validate=True)
        except (binascii.Error, ValueError):
            raise _reject("bad_signature", "PAYPAL-TRANSMISSION-SIG is not base64") from None
        key = self.certs.key(header(headers, "PAYPAL-CERT-URL"), now=now)
        try:
            key.verify(signature, signed_message(tid, stamp, self.webhook_id, raw),
                       padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise _reject("bad_signature", "signature does not verify") from None
        return parse_event(raw)
