"""PayPal offline verification: genuine deliveries pass; forged, stale, foreign-certificate,
expired-certificate and wrong-webhook deliveries are refused; certificates are cached."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gateways import WebhookRejected, paypal_events
from gateways.paypal import cert_url_allowed
from tests.gateways import paypal_signing as pp


def _rejected(cfg, raw, headers) -> str:
    with pytest.raises(WebhookRejected) as info:
        cfg.verify(headers, raw)
    return info.value.reason


def test_genuine_delivery_verifies_and_normalises():
    s = pp.signer()
    raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()))
    event = s.config().verify(headers, raw)
    assert (event.gateway, event.event_id, event.event_type) == (
        "paypal", "WH-1", "PAYMENT.CAPTURE.COMPLETED")
    (txn,) = paypal_events.normalize(event)
    assert (txn.kind, txn.gateway_id, txn.gross, txn.fee, txn.net, txn.order_ref) == (
        "charge", "5O190127TN364715T", Decimal("100.00"), Decimal("3.20"), Decimal("96.80"),
        "INV-PP-1")


def test_header_names_are_case_insensitive():
    s = pp.signer()
    raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()))
    assert s.config().verify({k.lower(): v for k, v in headers.items()}, raw).event_id == "WH-1"


def test_forged_body_signature_and_webhook_id_are_refused():
    s = pp.signer()
    raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()))
    cfg = s.config()
    assert _rejected(cfg, raw.replace(b"100.00", b"900.00"), headers) == "bad_signature"
    other_key = pp._key("attacker")
    raw2, forged = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()), key=other_key)
    assert _rejected(cfg, raw2, forged) == "bad_signature"
    raw3, foreign = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()),
                           webhook_id="SOMEONE-ELSES-WEBHOOK")
    assert _rejected(cfg, raw3, foreign) == "bad_signature"
    assert _rejected(cfg, raw, dict(headers, **{"PAYPAL-AUTH-ALGO": "SHA1withRSA"})) == (
        "bad_signature")
    assert _rejected(cfg, raw, dict(headers, **{"PAYPAL-TRANSMISSION-SIG": "%%%"})) == (
        "bad_signature")


def test_stale_and_future_deliveries_are_refused():
    s = pp.signer()
    cfg = s.config(tolerance=300)
    for skew in (-301, 301):
        raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()),
                              when=pp.NOW + dt.timedelta(seconds=skew))
        assert _rejected(cfg, raw, headers) == "stale"


@pytest.mark.parametrize("url", [
    "http://api.paypal.com/v1/notifications/certs/CERT-1",          # not HTTPS
    "https://evil.example/v1/notifications/certs/CERT-1",           # not PayPal
    "https://api.paypal.com.evil.example/v1/notifications/certs/x",  # suffix trick
    "https://evilpaypal.com/v1/notifications/certs/CERT-1",         # look-alike
    "https://user@api.paypal.com/v1/notifications/certs/CERT-1",    # credentials
    "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",    # other port
    "https://api.paypal.com/v1/other/CERT-1",                        # not the cert path
    "https://api.paypal.com/v1/notifications/certs/../../x",        # traversal
])
def test_foreign_certificate_urls_are_refused_without_fetching(url):
    s = pp.signer()
    fetched: list[str] = []
    raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()), cert_url=url)
    assert _rejected(s.config(fetched), raw, headers) == "bad_signature"
    assert fetched == [] and not cert_url_allowed(url)


def test_untrusted_expired_and_misnamed_certificates_are_refused():
    trusted = pp.signer()
    raw, headers = trusted.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()))
    rogue = pp.signer("rogue")  # a valid-looking chain under a CA nobody trusts
    raw2, headers2 = rogue.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()))
    cfg = trusted.config()
    cfg.certs.fetch = lambda url: rogue.chain_pem
    assert _rejected(cfg, raw2, headers2) == "bad_signature"
    expired = pp.signer("old", expired=True)
    raw3, headers3 = expired.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()))
    assert _rejected(expired.config(), raw3, headers3) == "bad_signature"
    misnamed = pp.signer("named", name="www.paypal.com")
    raw4, headers4 = misnamed.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture()))
    assert _rejected(misnamed.config(), raw4, headers4) == "bad_signature"
    assert trusted.config().verify(headers, raw).event_id == "WH-1"


def test_certificate_is_fetched_once_and_cached():
    s = pp.signer()
    fetched: list[str] = []
    cfg = s.config(fetched)
    for n in range(3):
        raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", pp.capture(),
                                       event_id=f"WH-{n}"))
        cfg.verify(headers, raw)
    assert fetched == [pp.CERT_URL]


def test_refund_reversal_and_dispute_normalise_to_the_capture():
    s = pp.signer()
    cfg = s.config()

    def one(event_type, resource):
        raw, headers = s.sign(pp.event(event_type, resource))
        return paypal_events.normalize(cfg.verify(headers, raw))[0]

    refund = one("PAYMENT.CAPTURE.REFUNDED", pp.refund("1JU08902781691411", "CAP1", "30.00"))
    assert (refund.kind, refund.gross, refund.related_id) == ("refund", Decimal("-30.00"), "CAP1")
    reversal = one("PAYMENT.CAPTURE.REVERSED", pp.capture("CAP1", status="REVERSED"))
    assert (reversal.kind, reversal.gateway_id, reversal.related_id) == (
        "refund", "CAP1:reversal", "CAP1")
    opened = one("CUSTOMER.DISPUTE.CREATED", pp.dispute("PP-D-1", "CAP1", "70.00"))
    lost = one("CUSTOMER.DISPUTE.RESOLVED",
               pp.dispute("PP-D-1", "CAP1", "70.00", "RESOLVED_BUYER_FAVOUR"))
    won = one("CUSTOMER.DISPUTE.RESOLVED",
              pp.dispute("PP-D-1", "CAP1", "70.00", "RESOLVED_SELLER_FAVOUR"))
    assert (opened.status, lost.status, won.status) == ("needs_response", "lost", "won")
    assert opened.related_id == "CAP1"


def test_checkout_order_uses_the_purchase_unit_reference():
    s = pp.signer()
    order = {"id": "5O190127TN364715T-ORDER", "status": "COMPLETED", "purchase_units": [
        {"custom_id": "INV-77", "payments": {"captures": [pp.capture("CAP9", invoice_id=None)]}}]}
    raw, headers = s.sign(pp.event("CHECKOUT.ORDER.COMPLETED", order))
    (txn,) = paypal_events.normalize(s.config().verify(headers, raw))
    assert (txn.gateway_id, txn.order_ref, txn.related_id) == (
        "CAP9", "INV-77", "5O190127TN364715T-ORDER")


def test_malformed_body_is_refused():
    s = pp.signer()
    raw, headers = s.sign({"id": "WH-1"})
    assert _rejected(s.config(), raw, headers) == "malformed"
