"""Alipay certificate mode (公钥证书) next to public-key mode (leaf layer).

In certificate mode Alipay's public key comes from ``alipayCertPublicKey_RSA2.crt`` (Alipay's
certificate, possibly with its intermediate), which must chain to ``alipayRootCert.crt``.
`AlipayCertConfig` checks that chain and the certificate's validity, then verifies exactly as
public-key mode does -- it hands the certificate's key to `gateways.alipay.AlipayConfig`, the one
RSA2 verifier -- so the signature rules live in one place.  A notification that names another
certificate (``alipay_cert_sn``) is refused.

The serial numbers are computed the way Alipay's SDKs compute them (there is no library for
this; the Java SDK's ``AntCertificationUtil`` is the reference):

- ``cert_sn`` = MD5 hex of the issuer DN, most specific attribute first and values unescaped
  (``CN=..,OU=..,O=..,C=..``, as Alipay's Python SDKs write it; Java's RFC 2253 form differs
  only for values with commas or other specials), followed by the decimal serial number;
- ``alipay_root_cert_sn`` = the ``cert_sn`` of every certificate in the root file signed
  SHA256withRSA or SHA1withRSA (the SM2 root is skipped), joined by ``_``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID, SignatureAlgorithmOID

from gateways.alipay import AlipayConfig, parse_form
from gateways.errors import WebhookRejected
from gateways.model import VerifiedEvent

RSA_SIGNED = (SignatureAlgorithmOID.RSA_WITH_SHA256, SignatureAlgorithmOID.RSA_WITH_SHA1)


SHORT = {NameOID.COMMON_NAME: "CN", NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
         NameOID.ORGANIZATION_NAME: "O", NameOID.COUNTRY_NAME: "C", NameOID.LOCALITY_NAME: "L",
         NameOID.STATE_OR_PROVINCE_NAME: "ST"}


def issuer_dn(cert: x509.Certificate) -> str:
    """The issuer as Alipay's SDKs write it: most specific first, values unescaped."""
    return ",".join(f"{SHORT.get(a.oid, a.oid.dotted_string)}={a.value}"
                    for a in reversed(list(cert.issuer)))


def cert_sn(cert: x509.Certificate) -> str:
    """Alipay's certificate serial: MD5(issuer DN + decimal serial number)."""
    return hashlib.md5(  # Alipay's identifier, not a security hash
        (issuer_dn(cert) + str(cert.serial_number)).encode()).hexdigest()


_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----\s*(.+?)\s*-----END CERTIFICATE-----", re.S)


def load_certs(pem: bytes | str) -> list[x509.Certificate]:
    """The certificates of a PEM file, each parsed on its own.

    Alipay's real ``alipayRootCert.crt`` holds four roots; one, "Ant Financial Certification
    Authority E1", writes a NULL parameter into its ecdsa-with-SHA384 algorithm, which
    ``cryptography`` refuses to parse as a whole file. Alipay's SDKs count only RSA-signed roots,
    so a root that cannot be parsed and is not RSA-signed is skipped here. One that fails to
    parse while its outer signature algorithm is in ``RSA_SIGNED`` is an error: it would count
    for the SN and the chain.
    """
    data = pem.encode() if isinstance(pem, str) else pem
    certs = []
    for body in _PEM.findall(data):
        try:
            der = base64.b64decode(b"".join(body.split()), validate=True)
        except ValueError as exc:
            raise ValueError(f"certificate {len(certs) + 1} is not base64") from exc
        try:
            certs.append(x509.load_der_x509_certificate(der))
        except ValueError:
            if _outer_algorithm(der) in {oid.dotted_string for oid in RSA_SIGNED}:
                raise
    return certs


def _outer_algorithm(der: bytes) -> str | None:
    """The dotted OID of a DER certificate's ``signatureAlgorithm`` (None when unreadable)."""
    try:
        _, pos, _ = _tlv(der, 0)  # Certificate SEQUENCE: step inside
        _, start, end = _tlv(der, pos)  # tbsCertificate: skip it
        _, pos, _ = _tlv(der, end)  # signatureAlgorithm SEQUENCE: step inside
        tag, start, end = _tlv(der, pos)
        return _oid(der[start:end]) if tag == 0x06 else None
    except IndexError:
        return None


def _tlv(der: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``pos``."""
    tag, length, pos = der[pos], der[pos + 1], pos + 2
    if length & 0x80:
        count = length & 0x7F
        length, pos = int.from_bytes(der[pos:pos + count], "big"), pos + count
    return tag, pos, pos + length


def _oid(raw: bytes) -> str:
    parts, value = [], 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    first = min(parts[0] // 40, 2)
    return ".".join(str(p) for p in [first, parts[0] - 40 * first, *parts[1:]])


def root_cert_sn(root_pem: bytes | str) -> str:
    """``alipay_root_cert_sn``: the RSA-signed roots' serials joined by ``_``."""
    return "_".join(cert_sn(c) for c in load_certs(root_pem)
                    if c.signature_algorithm_oid in RSA_SIGNED)


def _issued(child: x509.Certificate, parents: Sequence[x509.Certificate]) -> bool:
    for parent in parents:
        try:
            child.verify_directly_issued_by(parent)
            return True
        except (ValueError, TypeError, InvalidSignature):
            continue
    return False


def check_chain(chain: Sequence[x509.Certificate], roots: Sequence[x509.Certificate],
                when: datetime) -> None:
    """Every certificate valid at `when`, each issued by the next, the last by a root."""
    for cert in chain:
        if not cert.not_valid_before_utc <= when <= cert.not_valid_after_utc:
            raise ValueError(f"certificate {cert_sn(cert)} is not valid at {when:%Y-%m-%d}")
    for child, parent in itertools.pairwise(chain):
        if not _issued(child, [parent]):
            raise ValueError("certificate chain is broken")
    if not _issued(chain[-1], roots):
        raise ValueError("certificate does not chain to the Alipay root certificate")


@dataclass
class AlipayCertConfig:
    """Certificate-mode verifier for one app (``ALIPAY_CERT``/``ALIPAY_ROOT_CERT``)."""

    app_id: str
    alipay_cert: str = field(repr=False)  # alipayCertPublicKey_RSA2.crt (PEM, leaf first)
    root_cert: str = field(repr=False)    # alipayRootCert.crt
    seller_id: str | None = None
    clock: Callable[[], float] = time.time
    chain: list[x509.Certificate] = field(init=False, repr=False)
    roots: list[x509.Certificate] = field(init=False, repr=False)
    cert_sn: str = field(init=False)
    root_cert_sn: str = field(init=False)
    _inner: AlipayConfig = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.chain, self.roots = load_certs(self.alipay_cert), load_certs(self.root_cert)
        if not self.chain or not self.roots:
            raise ValueError("Alipay certificate mode needs the Alipay and the root certificate")
        check_chain(self.chain, self.roots, datetime.fromtimestamp(self.clock(), UTC))
        self.cert_sn, self.root_cert_sn = cert_sn(self.chain[0]), root_cert_sn(self.root_cert)
        spki = self.chain[0].public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        self._inner = AlipayConfig(app_id=self.app_id, seller_id=self.seller_id,
                                   public_key=base64.b64encode(spki).decode())

    @property
    def max_bytes(self) -> int:
        return self._inner.max_bytes

    def verify(self, raw: bytes) -> VerifiedEvent:
        """Refuse another or an expired certificate, then verify as public-key mode does."""
        if len(raw) > self.max_bytes:
            raise WebhookRejected("too_large", f"body of {len(raw)} bytes", gateway="alipay")
        named = parse_form(raw).get("alipay_cert_sn")
        if named and named != self.cert_sn:
            raise WebhookRejected("bad_signature", "signed with another Alipay certificate",
                                  gateway="alipay")
        try:
            check_chain(self.chain, self.roots, datetime.fromtimestamp(self.clock(), UTC))
        except ValueError as exc:
            raise WebhookRejected("bad_signature", str(exc), gateway="alipay") from None
        return self._inner.verify(raw)
