"""Gateway webhook endpoints: ``POST /webhooks/stripe|alipay|wechatpay|paypal`` (web edge, thin).

They are answered by `WebhookEdge`, a WSGI layer in front of the Flask app, not by Flask views:
a gateway's delivery needs none of what Flask sets up for a page -- request context, session
cookie, login, Babel, CSRF, the rate limiter's hooks (no webhook has a rate limit: the
signature is the authentication and a gateway's retries are its own) -- and that set-up was a
quarter of the endpoint's CPU at a thousand deliveries a second.  Every other request, and
every other method on these paths (405), goes to Flask unchanged.

Each endpoint reads the raw body (never a form or JSON parser, which would re-decode it; 413
above the gateway's size limit, before reading it all), verifies it with `gateways` (the
signature on the raw bytes, the gateway's timestamp window and account), stores it committed
(`recon.gateway.group_commit.EventWriter`: on PostgreSQL one statement and one commit for all
the deliveries of the moment) and only then answers; the new event's row id goes to
`recon.tasks.publisher.EventPublisher`, which publishes its processing task after the commit
(without a broker it is processed here, before the answer).  A publish that fails leaves the
event ``pending`` for the beat sweep.  Answers: Stripe and PayPal 200 JSON, WeChat Pay 204,
Alipay exactly ``success`` (only after the row is durably stored, else ``fail``).  A delivery
that fails verification is refused and not stored: 400 (``fail`` for Alipay), 413 above the size
limit; one naming no account of ours is kept as ``foreign``.  Duplicates are answered as
success; a storage failure is 500, so the gateway delivers again; anything unexpected is logged
and answered 500 in the gateway's format.  Log lines carry the gateway, reason and event id only
-- never secrets, keys, signatures or payer data.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request

from gateways import VerifiedEvent, WebhookRejected
from recon.gateway.event_store import store_foreign
from recon.gateway.group_commit import EventWriter
from recon.tasks.publisher import EventPublisher
from web.errors import HSTS, SECURITY_HEADERS
from web.webhook_verifiers import Verifiers, build_verifiers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "ENDPOINTS", "KEY", "PREFIX", "Answer", "Endpoint", "Verifiers", "WebhookEdge",
    "build_verifiers", "install",
]

log = logging.getLogger(__name__)
PREFIX = "/webhooks/"
KEY = "recon.gateway_verifiers"  # app.extensions: the `Verifiers` (tests may set their own)


@dataclass(frozen=True, slots=True)
class Answer:
    """A webhook's answer, written straight to WSGI (no response object, no after-request
    hooks: the security headers of every page, `web.errors.SECURITY_HEADERS`, are added here)."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()

    def send(self, start_response: StartResponse, *, https: bool) -> list[bytes]:
        headers = [*SECURITY_HEADERS, *self.headers, ("Content-Length", str(len(self.body)))]
        if self.content_type:
            headers.append(("Content-Type", self.content_type))
        if https:
            headers.append(HSTS)
        start_response(f"{self.status} {HTTP_STATUS_CODES.get(self.status, 'Unknown')}",
                       headers)
        return [self.body]


def _json(body: dict[str, object], status: int) -> Answer:
    text = json.dumps(body, separators=(",", ":"), sort_keys=True) + "\n"
    return Answer(status, text.encode(), "application/json")


def _text(body: str, status: int) -> Answer:
    return Answer(status, body.encode(), "text/plain; charset=utf-8")


_RECEIVED = {dup: _json({"received": True, "duplicate": dup}, 200) for dup in (False, True)}
_ALIPAY_SUCCESS = _text("success", 200)


def _received(duplicate: bool) -> Answer:
    """The success answer, built once (an `Answer` is immutable): no JSON per delivery."""
    return _RECEIVED[duplicate]


def _error(status: int, reason: str) -> Answer:
    return _json({"error": reason}, status)


def _wechat_fail(status: int, reason: str) -> Answer:
    return _json({"code": "FAIL", "message": reason}, status)


@dataclass(frozen=True)
class Endpoint:
    """How one gateway's deliveries are verified and answered."""

    verify: Callable[[Any, Request, bytes], VerifiedEvent]  # (its verifier, request, raw body)
    ok: Callable[[bool], Answer]  # (duplicate) -> the success answer
    refuse: Callable[[int, str], Answer]  # (status, reason) -> the refusal


ENDPOINTS: dict[str, Endpoint] = {
    "stripe": Endpoint(lambda cfg, req, raw: cfg.verify(raw, req.headers.get("Stripe-Signature")),
                       _received, _error),
    "alipay": Endpoint(lambda cfg, _req, raw: cfg.verify(raw), lambda _dup: _ALIPAY_SUCCESS,
                       lambda status, _reason: _text("fail", status)),
    "wechatpay": Endpoint(lambda cfg, req, raw: cfg.verify(req.headers, raw),
                          lambda _dup: Answer(204), _wechat_fail),
    "paypal": Endpoint(lambda cfg, req, raw: cfg.verify(req.headers, raw), _received, _error),
}


def install(app: Flask) -> None:
    """Put the webhook edge in front of ``app`` (``create_app`` calls this)."""
    if KEY not in app.extensions:
        app.extensions[KEY] = build_verifiers(app.extensions["recon.settings"].gateways,
                                               app.extensions["recon.session_factory"])
    app.wsgi_app = WebhookEdge(app, app.wsgi_app)  # type: ignore[method-assign]


class WebhookEdge:
    """WSGI: the webhook paths answered here (see the module doc), the rest by ``inner``."""

    def __init__(self, app: Flask, inner: WSGIApplication) -> None:
        self.app, self.inner = app, inner
        self.factory = app.extensions["recon.session_factory"]
        self.writer = EventWriter(self.factory)
        self.publisher = EventPublisher(app.extensions["recon.celery"])

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse
                 ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        gateway = path[len(PREFIX):] if path.startswith(PREFIX) else ""
        endpoint = ENDPOINTS.get(gateway)
        if endpoint is None:
            return self.inner(environ, start_response)
        request = Request(environ)
        if request.method != "POST":
            refusal = endpoint.refuse(405, "method_not_allowed")
            answer = dataclasses.replace(refusal, headers=(("Allow", "POST"),))
        else:
            try:
                answer = self.answer(gateway, endpoint, request)
            except Exception:  # a bug, not the sender's fault: logged, answered 5xx
                log.exception("webhook %s failed", gateway)
                answer = endpoint.refuse(500, "internal_error")
        return answer.send(start_response, https=request.is_secure)

    def answer(self, gateway: str, endpoint: Endpoint, request: Request) -> Answer:
        """Verify, store, hand over for processing; the shared skeleton of the endpoints."""
        verifier = getattr(self.app.extensions[KEY], gateway)
        if verifier is None:
            return endpoint.refuse(404, "not_configured")
        actor = f"gateway:{gateway}"
        try:
            raw = _raw_body(request, verifier.max_bytes)
            event = endpoint.verify(verifier, request, raw)
        except RequestEntityTooLarge:
            log.warning("webhook %s refused: too_large", gateway)
            return endpoint.refuse(413, "too_large")
        except HTTPException as exc:  # the body could not be read (client went away)
            log.warning("webhook %s refused: unreadable body (%s)", gateway, exc.code)
            return endpoint.refuse(400, "unreadable")
        except WebhookRejected as exc:
            log.warning("webhook %s refused: %s event=%s", gateway, exc.reason,
                        exc.event_id or "-")
            if exc.reason == "foreign":  # names no account of ours: kept for a person
                self._keep_foreign(gateway, raw, actor)
            return endpoint.refuse(exc.http_status, exc.reason)
        try:
            stored = self.writer.store(event, actor=actor)
        except Exception:
            log.exception("webhook %s event=%s could not be stored", gateway, event.event_id)
            return endpoint.refuse(500, "storage_failed")
        if stored.id is not None:  # committed: only now may a worker see it
            self.publisher.submit(stored.id, actor)
        return endpoint.ok(not stored.created)

    def _keep_foreign(self, gateway: str, raw: bytes, actor: str) -> None:
        try:
            store_foreign(self.factory, gateway, raw, actor=actor)
        except Exception:
            log.exception("webhook %s: a foreign delivery could not be kept", gateway)


def _raw_body(request: Request, limit: int) -> bytes:
    """The request bytes, refusing more than `limit` without reading them all."""
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    request.max_content_length = limit
    return request.get_data(cache=False)
