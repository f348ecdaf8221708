"""Money flowing back: refunds, chargebacks and disputes reopen or flag the invoice a charge
paid, and every order of arrival of charge, refund, dispute and resolution ends the same."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from gateways.stripe import verify
from recon.allocation import reversals
from recon.gateway import events as gateway_events
from recon.models import (
    Adjustment,
    AuditEvent,
    GatewayEvent,
    GatewayTransaction,
    Invoice,
    Match,
)
from tests.gateways.gw_signing import STRIPE_SECRET, sign_stripe, stripe_event
from tests.recon.factories import make_invoice


def _send(session_factory, event_type: str, obj: dict, event_id: str) -> None:
    body, header = sign_stripe(stripe_event(event_type, obj, event_id=event_id))
    gateway_events.receive(session_factory, verify(body, header, [STRIPE_SECRET]),
                           actor="gateway:stripe")


def _events(n: int, outcome: str, refund: int = 3000) -> dict[str, tuple[str, dict]]:
    charge = {"id": f"ch_{n}", "amount": 10000, "amount_captured": 10000, "currency": "usd",
              "metadata": {"invoice_no": f"INV-{n}"}, "created": 1_720_000_000}
    dispute = {"id": f"dp_{n}", "amount": 10000 - refund, "currency": "usd",
               "charge": f"ch_{n}", "status": "needs_response"}
    closed = dict(dispute, status=outcome,
                  balance_transactions=[{"fee": 1500, "currency": "usd"}])
    return {
        "charge": ("charge.succeeded", charge),
        "refund": ("charge.refunded", dict(charge, amount_refunded=refund)),
        "dispute": ("charge.dispute.created", dispute),
        "resolution": ("charge.dispute.closed", closed),
    }


def _state(session, n: int) -> tuple:
    session.expire_all()
    inv = session.scalars(select(Invoice).filter_by(invoice_no=f"INV-{n}")).one()
    charge = session.scalars(select(GatewayTransaction).filter_by(gateway_id=f"ch_{n}")).one()
    fees = session.scalars(
        select(Adjustment.amount_minor).join(
            GatewayTransaction, GatewayTransaction.id == Adjustment.gateway_txn_id)
        .where(GatewayTransaction.gateway_id == f"dp_{n}", Adjustment.status == "applied")
    ).all()
    state = (inv.paid_minor, inv.refunded_minor, inv.status, inv.disputed,
             charge.allocated_minor, reversals.taken_back(session, charge), fees)
    session.rollback()  # end the read transaction: the next delivery's locks must not wait
    return state


EXPECTED = {
    # lost: the refund and the chargeback took everything back; the dispute fee is booked
    "lost": (0, 10000, "open", False, 10000, 10000, [1500]),
    # won: only the refund reopened the invoice
    "won": (7000, 3000, "partial", False, 10000, 3000, []),
}


@pytest.mark.parametrize("outcome", ["lost", "won"])
def test_every_order_of_charge_refund_dispute_resolution_converges(
    session_factory, session, outcome
):
    orders = list(itertools.permutations(["charge", "refund", "dispute", "resolution"]))
    for n, _ in enumerate(orders):
        make_invoice(session, "100.00", "USD", invoice_no=f"INV-{n}")
    session.commit()
    for n, order in enumerate(orders):
        events = _events(n, outcome)
        for step in order:
            event_type, obj = events[step]
            _send(session_factory, event_type, obj, f"evt_{n}_{step}")
        assert _state(session, n) == EXPECTED[outcome], order


def test_refund_after_payment_reopens_through_the_allocation_service(session_factory, session):
    make_invoice(session, "100.00", "USD", invoice_no="INV-1")
    session.commit()
    events = _events(1, "lost", refund=2500)
    _send(session_factory, *events["charge"], "e1")
    assert _state(session, 1)[:3] == (10000, 0, "paid")
    _send(session_factory, *events["refund"], "e2")
    assert _state(session, 1)[:4] == (7500, 2500, "partial", False)
    undone = session.scalars(select(Match).filter_by(status="undone")).one()
    assert undone.close_reason == reversals.REASON  # visible why the invoice reopened
    flagged = session.scalars(select(GatewayEvent).filter_by(event_id="e2")).one()
    assert flagged.exception == "refunded_after_payment"  # the event needs a person
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"match.undo", "adjustment.apply", "match.auto"} <= actions
    _send(session_factory, "charge.refunded", dict(events["refund"][1], amount_refunded=2500),
          "e2-again")  # the same refund told again changes nothing
    assert _state(session, 1)[:2] == (7500, 2500)


def test_open_dispute_flags_the_invoice_until_resolved(session_factory, session):
    make_invoice(session, "100.00", "USD", invoice_no="INV-2")
    session.commit()
    events = _events(2, "won", refund=0)
    _send(session_factory, *events["charge"], "e1")
    _send(session_factory, *events["dispute"], "e2")
    assert _state(session, 2)[:4] == (10000, 0, "paid", True)
    _send(session_factory, *events["resolution"], "e3")
    assert _state(session, 2)[:4] == (10000, 0, "paid", False)


def test_refund_of_an_unmatched_charge_leaves_only_the_rest_in_the_queue(
    session_factory, session
):
    events = _events(3, "won", refund=4000)  # INV-3 does not exist: the charge is unmatched
    _send(session_factory, *events["refund"], "e1")
    _send(session_factory, *events["charge"], "e2")
    session.expire_all()
    charge = session.scalars(select(GatewayTransaction).filter_by(gateway_id="ch_3")).one()
    assert (charge.allocated_minor, charge.unapplied_minor) == (4000, 6000)


def test_taking_less_back_restores_the_invoice(session_factory, session):
    invoice = make_invoice(session, "100.00", "USD", invoice_no="INV-4")
    session.commit()
    _send(session_factory, *_events(4, "won")["charge"], "e1")
    session.expire_all()
    charge = session.scalars(select(GatewayTransaction).filter_by(gateway_id="ch_4")).one()
    for target, paid in ((10000, 0), (3000, 7000), (3000, 7000), (0, 10000)):
        reversals.take_back(session, charge, target, actor="t")
        session.flush()
        session.refresh(invoice)
        assert (invoice.paid_minor, invoice.refunded_minor) == (paid, 10000 - paid)
        assert charge.allocated_minor == 10000
    session.commit()


@pytest.mark.postgres
def test_charge_refund_dispute_resolution_racing_on_postgresql(pg_engine):
    """All four deliveries at once, several times each: one converged state, no deadlock."""
    import threading

    from recon.db import make_session_factory

    factory = make_session_factory(pg_engine)
    with factory.begin() as s:
        make_invoice(s, "100.00", "USD", invoice_no="INV-90")
    events = _events(90, "lost")
    jobs = [(step, k) for step in events for k in range(3)]
    barrier, errors = threading.Barrier(len(jobs)), []

    def deliver(step: str, k: int) -> None:
        try:
            barrier.wait()
            _send(factory, *events[step], f"evt_90_{step}_{k}")
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with factory() as s:  # every delivery processed at once: the charge lock serialises them
        statuses = s.scalars(select(GatewayEvent.status)).all()
        assert statuses == ["processed"] * len(jobs)
        assert _state(s, 90) == EXPECTED["lost"]
