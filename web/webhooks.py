"""Gateway webhook endpoints: ``POST /webhooks/stripe|alipay|wechatpay|paypal`` (web edge, thin).

Each view reads the raw body (never ``request.form``/``request.json``, which would re-decode it),
verifies it with `gateways`, stores it with `recon.gateway.events.store` -- one committed
transaction for the inbox row -- and, once that commit is done, publishes the processing task
(`recon.tasks.publish_event`: a Celery worker processes it; without a broker it runs here,
before the answer) and answers the way the gateway expects.  A publish that fails (broker
away) leaves the committed event ``pending`` for the beat sweep; the answer is still a success,
because the event is durably stored.  Answers: Stripe and PayPal 200 JSON,
WeChat Pay 204, Alipay exactly ``success`` (only after the row is durably stored, else ``fail``).  A
delivery that fails verification is refused and not stored: 400 (``fail`` for Alipay), 413
above the size limit.  Duplicates are answered as success.  The blueprint is CSRF-exempt
(listed in ``web.CSRF_EXEMPT``) and needs no login: the signature is the authentication.  Log
lines carry the gateway, reason and event id only -- never secrets, keys, signatures or payer
data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import RequestEntityTooLarge

from gateways import VerifiedEvent, WebhookRejected
from gateways.accounts import AlipayAccounts, StripeAccounts, WechatPayAccounts
from gateways.paypal import PaypalConfig
from gateways.paypal_api import LIVE, PaypalApiVerifier
from recon.config import GatewaySettings
from recon.gateway import accounts as gateway_accounts
from recon.gateway.events import store, store_foreign
from recon.tasks import publish_event

__all__ = ["Verifiers", "bp", "build_verifiers"]

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
_KEY = "recon.gateway_verifiers"


@dataclass(frozen=True)
class Verifiers:
    """The configured verifiers; ``None`` for a gateway without credentials (404).  Stripe,
    Alipay and WeChat Pay route to the merchant account a delivery names
    (`recon.gateway.accounts`)."""

    stripe: StripeAccounts | None = None
    alipay: AlipayAccounts | None = None
    wechatpay: WechatPayAccounts | None = None
    paypal: PaypalConfig | PaypalApiVerifier | None = None


def build_verifiers(
    gs: GatewaySettings, factory: sessionmaker[Session] | None = None
) -> Verifiers:
    """Verifiers from the settings and (with `factory`) the gateway_account table; a malformed
    key or an unresolvable secret reference fails here, at start-up, not per request."""
    if factory is None:
        routers = gateway_accounts.verifiers(None, gs)
    else:
        with factory() as session:
            routers = gateway_accounts.verifiers(session, gs)
    return Verifiers(stripe=routers.stripe, alipay=routers.alipay, wechatpay=routers.wechatpay,
                     paypal=_paypal(gs))


def _paypal(gs: GatewaySettings) -> PaypalConfig | PaypalApiVerifier | None:
    """Offline verification by default; ``PAYPAL_VERIFY=api`` asks PayPal's API instead."""
    if not gs.paypal_webhook_id:
        return None
    if gs.paypal_verify != "api":
        return PaypalConfig(webhook_id=gs.paypal_webhook_id)
    if not (gs.paypal_client_id and gs.paypal_client_secret):
        raise ValueError("PAYPAL_VERIFY=api needs PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET")
    return PaypalApiVerifier(webhook_id=gs.paypal_webhook_id, client_id=gs.paypal_client_id,
                             client_secret=gs.paypal_client_secret,
                             base_url=gs.paypal_api_base or LIVE)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    app: Flask = state.app
    settings = app.extensions["recon.settings"]
    if _KEY not in app.extensions:
        app.extensions[_KEY] = build_verifiers(settings.gateways,
                                               app.extensions["recon.session_factory"])


def _verifiers() -> Verifiers:
    return current_app.extensions[_KEY]


def _raw_body(limit: int) -> bytes:
    """The request bytes, refusing more than `limit` without reading them all."""
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    request.max_content_length = limit
    return request.get_data(cache=False)


def _handle(
    gateway: str,
    limit: int,
    verify: Callable[[bytes], VerifiedEvent],
    ok: Callable[[bool], Response],
    refuse: Callable[[int, str], Response],
) -> Response:
    """Verify, store, hand over for processing; the shared skeleton of the endpoints."""
    factory, actor = current_app.extensions["recon.session_factory"], f"gateway:{gateway}"
    try:
        raw = _raw_body(limit)
        event = verify(raw)
    except RequestEntityTooLarge:
        log.warning("webhook %s refused: too_large", gateway)
        return refuse(413, "too_large")
    except WebhookRejected as exc:
        log.warning("webhook %s refused: %s event=%s", gateway, exc.reason, exc.event_id or "-")
        if exc.reason == "foreign":  # names no account of ours: kept for a person, unprocessed
            try:
                store_foreign(factory, gateway, raw, actor=actor)
            except Exception:
                log.exception("webhook %s: a foreign delivery could not be kept", gateway)
        return refuse(exc.http_status, exc.reason)
    try:
        stored = store(factory, event, actor=actor)
    except Exception:
        log.exception("webhook %s event=%s could not be stored", gateway, event.event_id)
        return refuse(500, "storage_failed")
    if stored.id is not None:  # committed: only now may a worker see it
        publish_event(current_app.extensions["recon.celery"], stored.id, actor)
    return ok(not stored.created)


@bp.post("/stripe")
def stripe_webhook() -> Response:
    cfg = _verifiers().stripe
    if cfg is None:
        return _json({"error": "not_configured"}, 404)
    return _handle(
        "stripe", cfg.max_bytes,
        lambda raw: cfg.verify(raw, request.headers.get("Stripe-Signature")),
        lambda duplicate: _json({"received": True, "duplicate": duplicate}, 200),
        lambda status, reason: _json({"error": reason}, status),
    )


@bp.post("/alipay")
def alipay_webhook() -> Response:
    cfg = _verifiers().alipay
    if cfg is None:
        return _text("fail", 404)
    return _handle("alipay", cfg.max_bytes, cfg.verify, lambda _dup: _text("success", 200),
                   lambda status, _reason: _text("fail", status))


@bp.post("/wechatpay")
def wechatpay_webhook() -> Response:
    cfg = _verifiers().wechatpay
    if cfg is None:
        return _json({"code": "FAIL", "message": "not configured"}, 404)
    return _handle(
        "wechatpay", cfg.max_bytes, lambda raw: cfg.verify(request.headers, raw),
        lambda _dup: Response(status=204),
        lambda status, reason: _json({"code": "FAIL", "message": reason}, status),
    )


@bp.post("/paypal")
def paypal_webhook() -> Response:
    cfg = _verifiers().paypal
    if cfg is None:
        return _json({"error": "not_configured"}, 404)
    return _handle(
        "paypal", cfg.max_bytes, lambda raw: cfg.verify(request.headers, raw),
        lambda duplicate: _json({"received": True, "duplicate": duplicate}, 200),
        lambda status, reason: _json({"error": reason}, status),
    )


def _json(body: dict[str, object], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def _text(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/plain")
