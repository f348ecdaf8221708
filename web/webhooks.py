"""Gateway webhook endpoints: ``POST /webhooks/stripe|alipay|wechatpay`` (web edge, thin).

Each view reads the raw body (never ``request.form``/``request.json``, which would re-decode it),
verifies it with `gateways`, stores it with `recon.gateway.events.store` -- one committed
transaction for the inbox row -- and answers the way the gateway expects once that commit is
done.  Processing runs in a transaction of its own: by default
(``RECON_WEBHOOK_PROCESSING=background``) on the worker's
`recon.runtime.event_worker.EventProcessor` thread, after the answer; with ``inline`` before
it; with ``process`` in a separate, lower-priority process (`recon.runtime.event_process`,
``recon gateways worker``) that takes the stored rows.  Answers: Stripe 200 JSON, WeChat Pay
204, Alipay exactly ``success`` (only after the row is durably stored, else ``fail``).  A
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
from gateways.alipay import AlipayConfig
from gateways.stripe import StripeWebhookConfig
from gateways.wechatpay import WechatPayConfig
from recon.config import GatewaySettings
from recon.gateway.events import process_stored, store
from recon.runtime.event_worker import EventProcessor

__all__ = ["PROCESSOR_KEY", "Verifiers", "bp", "build_verifiers", "processor"]

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
_KEY = "recon.gateway_verifiers"
PROCESSOR_KEY = "recon.event_processor"


@dataclass(frozen=True)
class Verifiers:
    """The configured verifiers; ``None`` for a gateway without credentials (404)."""

    stripe: StripeWebhookConfig | None = None
    alipay: AlipayConfig | None = None
    wechatpay: WechatPayConfig | None = None


def build_verifiers(gs: GatewaySettings) -> Verifiers:
    """Verifiers from the settings; a malformed key fails here, at start-up, not per request."""
    stripe = StripeWebhookConfig(secrets=gs.stripe_webhook_secrets,
                                 livemode=gs.stripe_livemode) if gs.stripe_webhook_secrets else None
    alipay = AlipayConfig(app_id=gs.alipay_app_id, seller_id=gs.alipay_seller_id,
                          public_key=gs.alipay_public_key) if (
        gs.alipay_app_id and gs.alipay_public_key) else None
    wechat = None
    if gs.wechatpay_mchid and gs.wechatpay_apiv3_key and gs.wechatpay_platform_public_key:
        wechat = WechatPayConfig(
            mchid=gs.wechatpay_mchid, apiv3_key=gs.wechatpay_apiv3_key,
            platform_keys={gs.wechatpay_platform_serial or "": gs.wechatpay_platform_public_key},
        )
    return Verifiers(stripe=stripe, alipay=alipay, wechatpay=wechat)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    app: Flask = state.app
    settings = app.extensions["recon.settings"]
    if _KEY not in app.extensions:
        app.extensions[_KEY] = build_verifiers(settings.gateways)
    if PROCESSOR_KEY not in app.extensions and settings.webhook_processing == "background":
        app.extensions[PROCESSOR_KEY] = EventProcessor(app.extensions["recon.session_factory"])


def processor(app: Flask) -> EventProcessor | None:
    """The app's background processor (``None`` in inline mode); tests `drain()` it."""
    return app.extensions.get(PROCESSOR_KEY)


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
    """Verify, store, hand over for processing; the shared skeleton of the three endpoints."""
    background = processor(current_app)
    if background is None:
        return _verify_and_store(gateway, limit, verify, ok, refuse)
    with background.serving():
        return _verify_and_store(gateway, limit, verify, ok, refuse)


def _verify_and_store(
    gateway: str,
    limit: int,
    verify: Callable[[bytes], VerifiedEvent],
    ok: Callable[[bool], Response],
    refuse: Callable[[int, str], Response],
) -> Response:
    try:
        event = verify(_raw_body(limit))
    except RequestEntityTooLarge:
        log.warning("webhook %s refused: too_large", gateway)
        return refuse(413, "too_large")
    except WebhookRejected as exc:
        log.warning("webhook %s refused: %s event=%s", gateway, exc.reason, exc.event_id or "-")
        return refuse(exc.http_status, exc.reason)
    factory, actor = current_app.extensions["recon.session_factory"], f"gateway:{gateway}"
    try:
        stored = store(factory, event, actor=actor)
    except Exception:
        log.exception("webhook %s event=%s could not be stored", gateway, event.event_id)
        return refuse(500, "storage_failed")
    if stored.id is not None:
        _process(factory, stored.id, actor, gateway, event.event_id)
    return ok(not stored.created)


def _process(
    factory: sessionmaker[Session], row_id: int, actor: str, gateway: str, event_id: str
) -> None:
    """Hand a new event to the background processor, or process it here (inline mode); in
    ``process`` mode the stored row is the whole hand-over (`recon gateways worker` polls)."""
    if current_app.extensions["recon.settings"].webhook_processing == "process":
        return
    background = processor(current_app)
    if background is not None:
        if not background.submit(row_id, actor):
            log.warning("webhook %s event=%s queue full: left pending for the sweep", gateway,
                        event_id)
        return
    processed = process_stored(factory, row_id, actor)
    if processed.exception:
        log.info("webhook %s event=%s needs a person: %s", gateway, event_id,
                 processed.exception)


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


def _json(body: dict[str, object], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def _text(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/plain")
