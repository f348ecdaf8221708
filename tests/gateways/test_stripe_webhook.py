"""Stripe webhook verification and normalisation, signed with stripe's own signer."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
import stripe

from gateways import WebhookRejected
from gateways import stripe as gw_stripe
from gateways.stripe import StripeWebhookConfig, normalize, verify
from tests.gateways.gw_signing import STRIPE_SECRET, sign_stripe, stripe_event

CHARGE = {
    "id": "ch_1", "object": "charge", "amount": 12050, "amount_captured": 12050,
    "currency": "eur", "payment_intent": "pi_1", "balance_transaction": "txn_1",
    "created": 1720000000, "metadata": {"invoice_no": "INV-1001"},
    "billing_details": {"name": "ACME GmbH", "email": "ap@acme.example"},
    "payment_method_details": {"card": {"last4": "4242", "exp_year": 2030}},
}


def verified(event: dict, **kwargs):
    body, header = sign_stripe(event)
    return verify(body, header, [STRIPE_SECRET], **kwargs)


def test_payment_intent_succeeded_is_keyed_by_charge_and_carries_invoice():
    pi = {"id": "pi_1", "object": "payment_intent", "amount": 12050, "amount_received": 12050,
          "currency": "eur", "latest_charge": "ch_1", "metadata": {"invoice_no": "INV-1001"}}
    (txn,) = normalize(verified(stripe_event("payment_intent.succeeded", pi)))
    assert (txn.gateway_id, txn.kind, txn.gross, txn.currency) == (
        "ch_1", "charge", Decimal("120.50"), "EUR")
    assert txn.order_ref == "INV-1001" and txn.related_id == "pi_1"
    assert txn.fee is None and txn.net is None  # webhooks carry no fee


def test_charge_succeeded_merges_with_payment_intent_record():
    (txn,) = normalize(verified(stripe_event("charge.succeeded", CHARGE)))
    assert txn.gateway_id == "ch_1" and txn.gross == Decimal("120.50")
    assert txn.payer == {"name": "ACME GmbH", "email": "ap@acme.example", "card_last4": "4242"}
    assert "exp_year" not in json.dumps(txn.to_json())


def test_charge_refunded_cumulative_amount():
    charge = dict(CHARGE, amount_refunded=5000, refunded=False)
    (txn,) = normalize(verified(stripe_event("charge.refunded", charge)))
    assert (txn.gateway_id, txn.kind, txn.gross, txn.related_id) == (
        "ch_1:refund", "refund", Decimal("-50.00"), "ch_1")


def test_charge_refunded_with_embedded_refunds_gives_one_record_each():
    refunds = {"data": [
        {"id": "re_1", "amount": 1000, "currency": "eur", "status": "succeeded", "created": 1},
        {"id": "re_2", "amount": 500, "currency": "eur", "status": "succeeded", "created": 2},
    ]}
    charge = dict(CHARGE, amount_refunded=1500, refunds=refunds)
    txns = normalize(verified(stripe_event("charge.refunded", charge)))
    assert [(t.gateway_id, t.gross) for t in txns] == [
        ("re_1", Decimal("-10.00")), ("re_2", Decimal("-5.00"))]


@pytest.mark.parametrize(("event_type", "status"), [
    ("charge.dispute.created", "needs_response"), ("charge.dispute.closed", "lost")])
def test_dispute_events(event_type, status):
    dp = {"id": "dp_1", "object": "dispute", "amount": 12050, "currency": "eur",
          "charge": "ch_1", "status": status, "reason": "fraudulent",
          "balance_transactions": [{"id": "txn_d", "fee": 1500, "currency": "eur"}]}
    (txn,) = normalize(verified(stripe_event(event_type, dp)))
    assert (txn.kind, txn.gross, txn.fee, txn.status, txn.related_id) == (
        "dispute", Decimal("-120.50"), Decimal("15.00"), status, "ch_1")
    assert txn.net == Decimal("-135.50")


@pytest.mark.parametrize("event_type", ["payout.paid", "payout.failed"])
def test_payout_events(event_type):
    status = event_type.split(".")[1]
    po = {"id": "po_1", "object": "payout", "amount": 500000, "currency": "jpy",
          "arrival_date": 1720051200, "status": status}
    (txn,) = normalize(verified(stripe_event(event_type, po)))
    assert (txn.kind, txn.gross, txn.currency, txn.status, txn.payout_id) == (
        "payout", Decimal("-500000"), "JPY", status, "po_1")


@pytest.mark.parametrize(("currency", "minor", "major"), [
    ("jpy", 1000, Decimal("1000")), ("usd", 1000, Decimal("10.00")),
    ("kwd", 1230, Decimal("1.230")), ("krw", 5, Decimal("5"))])
def test_zero_and_three_decimal_currencies(currency, minor, major):
    charge = dict(CHARGE, amount=minor, amount_captured=minor, currency=currency)
    (txn,) = normalize(verified(stripe_event("charge.succeeded", charge)))
    assert txn.gross == major and str(txn.gross) == str(major)


def test_unknown_type_verifies_and_normalises_to_nothing():
    event = verified(stripe_event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert event.event_type == "customer.created" and normalize(event) == ()


def test_secret_rotation_accepts_either_secret():
    t, event = int(time.time()), stripe_event("payout.paid", {"id": "po_1"})
    body, new = sign_stripe(event, secret="whsec_new", timestamp=t)
    _, old = sign_stripe(event, secret="whsec_old", timestamp=t)
    header = f"{new},{old.split(',')[1]}"  # t=..,v1=<new>,v1=<old>, as during a roll
    assert verify(body, header, ["whsec_old"]).event_id == "evt_1"
    assert verify(body, header, ["whsec_new"]).event_id == "evt_1"
    assert verify(body, new, ["whsec_old", "whsec_new"]).event_id == "evt_1"
    with pytest.raises(WebhookRejected, match="bad_signature"):
        verify(body, new, ["whsec_old"])


@pytest.mark.parametrize(("offset", "ok"), [(-300, True), (-301, False), (300, True),
                                            (301, False)])
def test_timestamp_window_both_directions(offset, ok):
    now = time.time()
    body, header = sign_stripe(stripe_event("payout.paid", {"id": "po_1"}),
                               timestamp=int(now) + offset)
    if ok:
        assert verify(body, header, [STRIPE_SECRET], now=int(now)).event_id == "evt_1"
    else:
        with pytest.raises(WebhookRejected) as err:
            verify(body, header, [STRIPE_SECRET], now=int(now))
        assert err.value.reason == "stale"


def test_injected_now_in_the_past_is_honoured_by_the_sdk_check_too():
    past = int(time.time()) - 86400
    body, header = sign_stripe(stripe_event("payout.paid", {"id": "po_1"}), timestamp=past)
    assert verify(body, header, [STRIPE_SECRET], now=past + 10).event_id == "evt_1"
    with pytest.raises(WebhookRejected, match="stale"):
        verify(body, header, [STRIPE_SECRET])


@pytest.mark.parametrize("tolerance", [0, -1])
def test_tolerance_that_would_disable_replay_check_is_refused(tolerance):
    body, header = sign_stripe(stripe_event("payout.paid", {"id": "po_1"}))
    with pytest.raises(ValueError):
        verify(body, header, [STRIPE_SECRET], tolerance=tolerance)


def test_reserialised_body_fails():
    body, header = sign_stripe(stripe_event("payout.paid", {"id": "po_1"}))
    reserialised = json.dumps(json.loads(body), separators=(",", ":")).encode()
    with pytest.raises(WebhookRejected) as err:
        verify(reserialised, header, [STRIPE_SECRET])
    assert err.value.reason == "bad_signature" and err.value.http_status == 400


def test_tampered_amount_fails():
    body, header = sign_stripe(stripe_event("charge.succeeded", CHARGE))
    with pytest.raises(WebhookRejected, match="bad_signature"):
        verify(body.replace(b"12050", b"92050"), header, [STRIPE_SECRET])


@pytest.mark.parametrize("header", [None, "", "v1=abc", "t=notint,v1=abc"])
def test_missing_or_unparsable_header(header):
    with pytest.raises(WebhookRejected) as err:
        verify(b"{}", header, [STRIPE_SECRET])
    assert err.value.reason == "bad_signature"


def test_v0_only_header_is_not_accepted():
    body, header = sign_stripe(stripe_event("payout.paid", {"id": "po_1"}))
    downgraded = header.replace("v1=", "v0=")
    with pytest.raises(WebhookRejected, match="bad_signature"):
        verify(body, downgraded, [STRIPE_SECRET])


def test_signed_non_json_and_non_utf8_are_malformed():
    t = int(time.time())
    header = stripe.WebhookSignature.generate_signature_header("not json", STRIPE_SECRET, t)
    with pytest.raises(WebhookRejected) as err:
        verify(b"not json", header, [STRIPE_SECRET])
    assert err.value.reason == "malformed"
    with pytest.raises(WebhookRejected, match="malformed"):
        verify(b"\xff\xfe", header, [STRIPE_SECRET])


def test_oversized_body_is_413():
    body, header = sign_stripe(stripe_event("payout.paid", {"id": "po_1", "pad": "x" * 300_000}))
    with pytest.raises(WebhookRejected) as err:
        verify(body, header, [STRIPE_SECRET])
    assert err.value.reason == "too_large" and err.value.http_status == 413


def test_config_hides_secrets_and_checks_livemode():
    config = StripeWebhookConfig(secrets=(STRIPE_SECRET,), livemode=True)
    assert STRIPE_SECRET not in repr(config)
    body, header = sign_stripe(stripe_event("payout.paid", {"id": "po_1"}))
    with pytest.raises(WebhookRejected, match="foreign"):
        config.verify(body, header)
    assert StripeWebhookConfig(secrets=(STRIPE_SECRET,)).verify(body, header).livemode is False


def test_known_event_without_amount_is_malformed():
    event = verified(stripe_event("payout.paid", {"id": "po_1", "currency": "usd"}))
    with pytest.raises(WebhookRejected, match="malformed"):
        gw_stripe.normalize(event)


def _deliveries() -> list[tuple[str, bytes, str]]:
    """Deliveries of every kind: good, tampered, re-serialised, stale, thin, not JSON, bad header."""
    t = int(time.time())
    good, header = sign_stripe(stripe_event("charge.succeeded", CHARGE), timestamp=t)
    thin = json.dumps({"id": "evt_t", "object": "v2.core.event", "type": "x"})
    not_json = "not json"
    sign = stripe.WebhookSignature.generate_signature_header
    stale_body, stale = sign_stripe(stripe_event("payout.paid", {"id": "po_1"}),
                                    timestamp=t - 1000)
    return [
        ("good", good, header),
        ("tampered", good.replace(b"12050", b"92050"), header),
        ("reserialised", json.dumps(json.loads(good), separators=(",", ":")).encode(), header),
        ("other secret", good, sign_stripe(stripe_event("charge.succeeded", CHARGE),
                                           secret="whsec_other", timestamp=t)[1]),
        ("v0 only", good, header.replace("v1=", "v0=")),
        ("no timestamp", good, header.split(",")[1]),
        ("stale", stale_body, stale),
        ("thin v2", thin.encode(), sign(thin, STRIPE_SECRET, t)),
        ("not json", not_json.encode(), sign(not_json, STRIPE_SECRET, t)),
    ]


@pytest.mark.parametrize("case", range(len(_deliveries())))
def test_verify_accepts_exactly_what_construct_event_accepts(case):
    """Our verifier runs the library's `verify_header` and parses once instead of building a
    StripeObject tree: for every kind of delivery it must agree with `construct_event`."""
    name, body, header = _deliveries()[case]
    try:
        library = stripe.Webhook.construct_event(body.decode(), header, STRIPE_SECRET,
                                                 tolerance=300)
    except (stripe.SignatureVerificationError, ValueError):
        library = None
    try:
        ours = verify(body, header, [STRIPE_SECRET], tolerance=300)
    except WebhookRejected:
        ours = None
    assert (ours is None) == (library is None), name
    if ours is not None:
        assert ours.event_id == library.id and ours.payload == library.to_dict(recursive=True)
