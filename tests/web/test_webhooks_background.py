"""Background processing behind the webhook endpoint: answered first, processed right after."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from recon.config import AppSettings
from recon.gateway import events as gateway_events
from recon.models import GatewayEvent, Invoice
from tests.gateways.gw_signing import STRIPE_SECRET, stripe_event
from tests.recon.factories import make_invoice
from tests.web.test_webhooks import CHARGE, post_stripe
from web import create_app
from web.webhooks import processor


@pytest.fixture
def bg_app(settings: AppSettings) -> Iterator[Flask]:
    app = create_app({"RECON_SETTINGS": settings.with_(
        extra={"STRIPE_WEBHOOK_SECRET": STRIPE_SECRET}), "TESTING": True})
    yield app
    processor(app).stop()
    app.extensions["recon.engine"].dispose()


def test_background_is_the_default_and_answers_before_processing(bg_app, session, monkeypatch):
    make_invoice(session, "120.50", "EUR", invoice_no="INV-W1")
    session.commit()
    opened, original = threading.Event(), gateway_events.NORMALIZERS["stripe"]

    def gated(event):
        assert opened.wait(30)
        return original(event)

    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", gated)
    response = post_stripe(bg_app.test_client(), stripe_event("charge.succeeded", CHARGE))
    assert response.status_code == 200 and response.json == {"received": True,
                                                              "duplicate": False}
    row = session.scalars(select(GatewayEvent)).one()
    assert (row.status, row.attempts) == ("pending", 0)  # stored and committed, not processed
    session.rollback()
    opened.set()
    assert processor(bg_app).drain(30)
    session.expire_all()
    assert session.scalars(select(GatewayEvent.status)).one() == "processed"
    assert session.scalars(select(Invoice)).one().status == "paid"


def test_background_failure_leaves_event_pending_for_retry(bg_app, session, settings,
                                                           monkeypatch):
    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", lambda _e: 1 / 0)
    assert post_stripe(bg_app.test_client(), stripe_event("charge.succeeded", CHARGE)
                       ).status_code == 200
    assert processor(bg_app).drain(30)
    row = session.scalars(select(GatewayEvent)).one()
    assert (row.status, row.attempts) == ("pending", 1)
    session.rollback()
    monkeypatch.undo()
    factory = bg_app.extensions["recon.session_factory"]
    assert gateway_events.retry_pending(factory, actor="cli:test").processed == 1
    session.expire_all()
    assert session.scalars(select(GatewayEvent.status)).one() == "processed"
