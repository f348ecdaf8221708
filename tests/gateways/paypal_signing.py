"""Throw-away PayPal signing material for tests: a CA, a leaf for PayPal's signing name, and
deliveries signed the way PayPal signs them (``id|time|webhook_id|crc32``)."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import uuid
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from gateways.paypal import CertStore, PaypalConfig, signed_message

WEBHOOK_ID = "8PT597110X687430LKGECATA"
CERT_URL = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-test"
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject: str, key, issuer: str, issuer_key, *, ca: bool, san: str | None = None,
          not_after: dt.datetime | None = None) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=30))
        .not_valid_after(not_after or NOW + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_key.public_key()), critical=False)
        .add_extension(x509.KeyUsage(
            digital_signature=not ca, content_commitment=False, key_encipherment=not ca,
            data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
            encipher_only=False, decipher_only=False), critical=True)
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]),
                                        critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                                        critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@functools.cache
def _key(label: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class Signer:
    """A CA and a PayPal-named leaf signed by it; `chain_pem` is what the cert URL serves."""

    root: x509.Certificate
    leaf_key: rsa.RSAPrivateKey
    chain_pem: bytes

    def store(self, fetched: list[str] | None = None) -> CertStore:
        def fetch(url: str) -> bytes:
            if fetched is not None:
                fetched.append(url)
            return self.chain_pem
        return CertStore(fetch=fetch, roots=[self.root])

    def config(self, fetched: list[str] | None = None, **kw) -> PaypalConfig:
        return PaypalConfig(webhook_id=WEBHOOK_ID, certs=self.store(fetched),
                            clock=lambda: NOW.timestamp(), **kw)

    def sign(self, event: dict, *, when: dt.datetime = NOW, webhook_id: str = WEBHOOK_ID,
             cert_url: str = CERT_URL, key: rsa.RSAPrivateKey | None = None
             ) -> tuple[bytes, dict[str, str]]:
        raw = json.dumps(event).encode()
        tid = str(uuid.uuid4())
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        sig = (key or self.leaf_key).sign(signed_message(tid, stamp, webhook_id, raw),
                                          padding.PKCS1v15(), hashes.SHA256())
        return raw, {
            "PAYPAL-TRANSMISSION-ID": tid, "PAYPAL-TRANSMISSION-TIME": stamp,
            "PAYPAL-TRANSMISSION-SIG": base64.b64encode(sig).decode(),
            "PAYPAL-CERT-URL": cert_url, "PAYPAL-AUTH-ALGO": "SHA256withRSA",
        }


@functools.cache
def signer(label: str = "paypal", *, expired: bool = False,
           name: str = "messageverificationcerts.sandbox.paypal.com") -> Signer:
    ca_key, leaf_key = _key(f"{label}-ca"), _key(f"{label}-leaf")
    root = _cert(f"{label} test root", ca_key, f"{label} test root", ca_key, ca=True)
    leaf = _cert(name, leaf_key, f"{label} test root", ca_key, ca=False, san=name,
                 not_after=NOW - dt.timedelta(days=1) if expired else None)
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, root))
    return Signer(root=root, leaf_key=leaf_key, chain_pem=pem)


def event(event_type: str, resource: dict, *, event_id: str = "WH-1") -> dict:
    return {"id": event_id, "event_version": "1.0", "create_time": "2026-12-01T11:59:00Z",
            "resource_type": "capture", "event_type": event_type, "summary": "test",
            "resource": resource, "links": []}


def capture(capture_id: str = "5O190127TN364715T", value: str = "100.00",
            invoice_id: str | None = "INV-PP-1", status: str = "COMPLETED") -> dict:
    res: dict = {"id": capture_id, "status": status,
                 "amount": {"currency_code": "USD", "value": value},
                 "seller_receivable_breakdown": {
                     "gross_amount": {"currency_code": "USD", "value": value},
                     "paypal_fee": {"currency_code": "USD", "value": "3.20"}},
                 "create_time": "2026-12-01T11:58:00Z"}
    if invoice_id:
        res["invoice_id"] = invoice_id
    return res


def refund(refund_id: str, capture_id: str, value: str) -> dict:
    return {"id": refund_id, "status": "COMPLETED",
            "amount": {"currency_code": "USD", "value": value},
            "links": [{"rel": "up", "method": "GET", "href":
                       f"https://api.paypal.com/v2/payments/captures/{capture_id}"}],
            "create_time": "2026-12-01T11:59:00Z"}


def dispute(dispute_id: str, capture_id: str, value: str, outcome: str | None = None) -> dict:
    res: dict = {"dispute_id": dispute_id, "status": "RESOLVED" if outcome else "OPEN",
                 "dispute_amount": {"currency_code": "USD", "value": value},
                 "disputed_transactions": [{"seller_transaction_id": capture_id}]}
    if outcome:
        res["dispute_outcome"] = {"outcome_code": outcome}
    return res
