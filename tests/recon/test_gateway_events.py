"""The webhook inbox: exactly-once storage, processing, retries, order independence, settlement."""

from __future__ import annotations

import itertools
import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from gateways import VerifiedEvent
from gateways.alipay import AlipayConfig
from gateways.stripe import verify
from recon.db import make_session_factory
from recon.gateway import events as gateway_events
from recon.models import (
    Adjustment,
    AuditEvent,
    GatewayEvent,
    GatewayTransaction,
    Invoice,
    Match,
)
from tests.gateways.gw_signing import (
    ALIPAY_APP_ID,
    STRIPE_SECRET,
    alipay_keys,
    alipay_params,
    sign_alipay,
    sign_stripe,
    stripe_event,
)
from tests.recon.factories import make_invoice


def stripe(event_type: str, obj: dict, event_id: str, created: int = 1_720_000_000):
    body, header = sign_stripe(stripe_event(event_type, obj, event_id=event_id, created=created))
    return verify(body, header, [STRIPE_SECRET])


def charge(invoice_no: str = "INV-G1", amount: int = 12050, currency: str = "eur") -> dict:
    return {"id": "ch_1", "object": "charge", "amount": amount, "amount_captured": amount,
            "currency": currency, "payment_intent": "pi_1", "created": 1_720_000_000,
            "metadata": {"invoice_no": invoice_no}}


def receive(session_factory, event: VerifiedEvent):
    return gateway_events.receive(session_factory, event, actor="gateway:test")


def count(session, model, **where) -> int:
    return session.scalar(select(func.count()).select_from(model).filter_by(**where))


def test_duplicate_delivery_five_times_stores_once(session_factory, session):
    make_invoice(session, "120.50", "EUR", invoice_no="INV-G1")
    session.commit()
    event = stripe("charge.succeeded", charge(), "evt_dup")
    results = [receive(session_factory, event) for _ in range(5)]
    assert [stored.created for stored, _ in results] == [True, False, False, False, False]
    assert results[0][1].status == "processed"
    session.expire_all()
    assert count(session, GatewayEvent) == 1 and count(session, GatewayTransaction) == 1
    invoice = session.scalars(select(Invoice).filter_by(invoice_no="INV-G1")).one()
    assert invoice.status == "paid" and count(session, Match, status="auto") == 1
    assert count(session, AuditEvent, action="gateway_event.receive") == 1


def test_payment_intent_and_charge_events_settle_once(session_factory, session):
    make_invoice(session, "120.50", "EUR", invoice_no="INV-G1")
    session.commit()
    pi = {"id": "pi_1", "amount": 12050, "amount_received": 12050, "currency": "eur",
          "latest_charge": "ch_1", "metadata": {"invoice_no": "INV-G1"}}
    receive(session_factory, stripe("payment_intent.succeeded", pi, "evt_pi"))
    receive(session_factory, stripe("charge.succeeded", charge(), "evt_ch"))
    assert count(session, GatewayTransaction) == 1 and count(session, Match) == 1


@pytest.mark.parametrize(("invoice_no", "amount", "code"), [
    ("NO-SUCH", 12050, "unknown_order"), ("INV-G1", 9999, "amount_mismatch")])
def test_unknown_order_or_other_amount_is_stored_and_flagged(session_factory, session,
                                                             invoice_no, amount, code):
    make_invoice(session, "120.50", "EUR", invoice_no="INV-G1")
    session.commit()
    _, processed = receive(session_factory,
                           stripe("charge.succeeded", charge(invoice_no, amount), "evt_x"))
    assert processed.status == "processed" and processed.exception == code
    row = session.scalars(select(GatewayEvent)).one()
    assert row.exception == code and count(session, Match) == 0
    assert count(session, GatewayTransaction) == 1  # the money moved: kept for matching


def test_processing_failure_leaves_event_pending_then_retry(session_factory, session,
                                                           monkeypatch):
    def boom(_event):
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", boom)
    stored, processed = receive(session_factory, stripe("payout.paid", {
        "id": "po_1", "amount": 5000, "currency": "usd", "status": "paid"}, "evt_po"))
    assert stored.created and processed.status == "pending"
    row = session.get(GatewayEvent, stored.id)
    assert (row.status, row.attempts, row.last_error) == (
        "pending", 1, "RuntimeError: database hiccup")
    monkeypatch.undo()
    report = gateway_events.retry_pending(session_factory, actor="cli:test")
    assert (report.processed, report.failed) == (1, 0)
    session.expire_all()
    assert session.get(GatewayEvent, stored.id).status == "processed"
    assert count(session, GatewayTransaction, kind="payout") == 1


def test_repeated_failures_end_as_failed(session_factory, session, monkeypatch):
    monkeypatch.setitem(gateway_events.NORMALIZERS, "stripe", lambda e: 1 / 0)
    stored, _ = receive(session_factory, stripe("customer.created", {"id": "cus_1"}, "evt_f"))
    for _ in range(gateway_events.MAX_ATTEMPTS):
        gateway_events.retry_pending(session_factory, actor="cli:test")
    assert session.get(GatewayEvent, stored.id).status == "failed"
    monkeypatch.undo()
    assert gateway_events.retry_pending(session_factory, actor="t").processed == 0
    assert gateway_events.retry_pending(session_factory, actor="t",
                                        include_failed=True).processed == 1


def test_unknown_event_type_is_stored_and_processed_without_records(session_factory, session):
    _, processed = receive(session_factory, stripe("customer.created", {"id": "cus_1"}, "e1"))
    assert processed == gateway_events.Processed("processed", None, 0)


PO = {"id": "po_9", "amount": 77700, "currency": "usd", "arrival_date": 1_720_100_000}
SEQUENCE = [
    ("charge.succeeded", charge("NO-INVOICE"), "evt_a", 1),
    ("charge.refunded", dict(charge("NO-INVOICE"), amount_refunded=2000), "evt_b", 2),
    ("charge.refunded", dict(charge("NO-INVOICE"), amount_refunded=5000), "evt_c", 3),
    ("charge.dispute.created", {"id": "dp_1", "amount": 7050, "currency": "eur",
                                "charge": "ch_1", "status": "needs_response"}, "evt_d", 4),
    ("charge.dispute.closed", {"id": "dp_1", "amount": 7050, "currency": "eur",
                               "charge": "ch_1", "status": "lost"}, "evt_e", 5),
    ("payout.paid", dict(PO, status="paid"), "evt_f", 6),
    ("payout.failed", dict(PO, status="failed"), "evt_g", 7),
]


def _final_state(session) -> list[tuple]:
    rows = session.scalars(select(GatewayTransaction).order_by(GatewayTransaction.gateway_id))
    return [(r.gateway_id, r.kind, r.status, r.gross_minor, r.currency) for r in rows]


def test_out_of_order_sequences_reach_the_same_final_state(db_url, engine):
    factory = make_session_factory(engine)
    events = [stripe(t, o, i, created=1_720_000_000 + n) for t, o, i, n in SEQUENCE]
    orders = [events, list(reversed(events)), *itertools.islice(
        (list(p) for p in itertools.permutations(events) if p[0] is events[6]), 2)]
    states = []
    for order in orders:
        with factory.begin() as s:
            # refunds/disputes of an unmatched charge book adjustments on it (issue 19)
            for model in (AuditEvent, Adjustment, GatewayTransaction, GatewayEvent):
                s.execute(model.__table__.delete())
        for event in order:
            receive(factory, event)
        with factory() as s:
            states.append(_final_state(s))
    assert all(state == states[0] for state in states)
    assert states[0] == [
        ("ch_1", "charge", "succeeded", 12050, "EUR"),
        ("ch_1:refund", "refund", "succeeded", -5000, "EUR"),
        ("dp_1", "dispute", "lost", -7050, "EUR"),
        ("po_9", "payout", "failed", -77700, "USD"),
    ]


def test_alipay_replay_is_idempotent_and_not_double_counted(session_factory, session):
    make_invoice(session, "88.50", "CNY", invoice_no="INV-1001")
    session.commit()
    config = AlipayConfig(app_id=ALIPAY_APP_ID, public_key=alipay_keys()[1])
    raw = sign_alipay(alipay_params(), alipay_keys()[0])
    for _ in range(3):
        receive(session_factory, config.verify(raw))
    finished = sign_alipay(alipay_params(notify_id="other", trade_status="TRADE_FINISHED"),
                           alipay_keys()[0])
    receive(session_factory, config.verify(finished))
    session.expire_all()
    assert count(session, GatewayEvent) == 2 and count(session, GatewayTransaction) == 1
    invoice = session.scalars(select(Invoice).filter_by(invoice_no="INV-1001")).one()
    assert invoice.paid_minor == 8850 and count(session, Match) == 1
    assert session.scalars(select(GatewayTransaction)).one().status == "finished"


@pytest.mark.postgres
def test_concurrent_duplicate_delivery_on_postgresql(pg_engine):
    factory = make_session_factory(pg_engine)
    with factory.begin() as s:
        make_invoice(s, "120.50", "EUR", invoice_no="INV-G1")
    event = stripe("charge.succeeded", charge(), "evt_race")
    barrier, results, errors = threading.Barrier(12), [], []

    def deliver():
        try:
            barrier.wait()
            results.append(gateway_events.receive(factory, event, actor="gateway:test"))
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sum(stored.created for stored, _ in results) == 1 and len(results) == 12
    with factory() as s:
        assert count(s, GatewayEvent) == 1 and count(s, GatewayTransaction) == 1
        assert count(s, Match) == 1
        assert s.scalars(select(Invoice)).one().paid_minor == 12050


@pytest.mark.postgres
def test_concurrent_distinct_events_for_one_charge_on_postgresql(pg_engine):
    """payment_intent.succeeded and charge.succeeded racing: one record, one settlement."""
    factory = make_session_factory(pg_engine)
    with factory.begin() as s:
        make_invoice(s, "120.50", "EUR", invoice_no="INV-G1")
    pi = {"id": "pi_1", "amount": 12050, "amount_received": 12050, "currency": "eur",
          "latest_charge": "ch_1", "metadata": {"invoice_no": "INV-G1"}}
    events = [stripe("payment_intent.succeeded", pi, f"evt_pi{i}") for i in range(4)] + [
        stripe("charge.succeeded", charge(), f"evt_ch{i}") for i in range(4)]
    barrier = threading.Barrier(len(events))

    def deliver(event):
        barrier.wait()
        gateway_events.receive(factory, event, actor="gateway:test")

    threads = [threading.Thread(target=deliver, args=(e,)) for e in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    time.sleep(0)
    with factory() as s:
        assert count(s, GatewayEvent) == 8 and count(s, GatewayTransaction) == 1
        assert count(s, Match) == 1 and count(s, GatewayEvent, status="processed") == 8
        assert s.scalars(select(Invoice)).one().paid_minor == 12050


def test_amounts_are_exact_in_zero_decimal_currency(session_factory, session):
    make_invoice(session, "5000", "JPY", invoice_no="INV-JPY")
    session.commit()
    receive(session_factory, stripe("charge.succeeded", charge("INV-JPY", 5000, "jpy"), "e"))
    row = session.scalars(select(GatewayTransaction)).one()
    assert row.gross == Decimal("5000") and row.gross_minor == 5000
    assert session.scalars(select(Invoice)).one().status == "paid"
