"""Our Alipay SN computation against Alipay's real root certificate and its published SN."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography import x509

from gateways.alipay_cert import RSA_SIGNED, cert_sn, issuer_dn, load_certs, root_cert_sn

ROOT = Path(__file__).parent / "data" / "alipayRootCert.crt"
PUBLISHED = "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6"


def test_real_root_gives_the_published_root_cert_sn() -> None:
    assert root_cert_sn(ROOT.read_bytes()) == PUBLISHED


def test_only_rsa_signed_roots_count_in_file_order() -> None:
    certs = load_certs(ROOT.read_bytes())
    rsa = [c for c in certs if c.signature_algorithm_oid in RSA_SIGNED]
    assert [c.subject.rfc4514_string().split(",")[0] for c in rsa] == [
        "CN=Ant Financial Certification Authority R1", "CN=iTrusChina Class 2 Root CA - G3"]
    assert [cert_sn(c) for c in rsa] == PUBLISHED.split("_")
    assert len(certs) == 3  # the SM2 root parses (not RSA: left out); the E1 root is skipped


def test_issuer_dn_is_written_most_specific_first() -> None:
    r1 = load_certs(ROOT.read_bytes())[1]
    assert issuer_dn(r1) == ("CN=Ant Financial Certification Authority R1,"
                             "OU=Certification Authority,O=Ant Financial,C=CN")


def test_the_whole_file_is_what_a_strict_parser_refuses() -> None:
    # why load_certs parses certificate by certificate: the E1 root breaks the one-call parse
    with pytest.raises(ValueError):
        x509.load_pem_x509_certificates(ROOT.read_bytes())


def test_an_rsa_signed_certificate_that_does_not_parse_is_an_error() -> None:
    text = ROOT.read_text()
    blocks = text.split("-----END CERTIFICATE-----")
    r1 = blocks[1] + "-----END CERTIFICATE-----"
    body = "".join(r1.split("-----BEGIN CERTIFICATE-----")[1].split("-----END")[0].split())
    der = bytearray(base64.b64decode(body))
    der[40] ^= 0xFF  # damage the tbsCertificate, keep the outer sha256WithRSA identifier
    broken = ("-----BEGIN CERTIFICATE-----\n" + base64.b64encode(bytes(der)).decode()
              + "\n-----END CERTIFICATE-----\n")
    with pytest.raises(ValueError):
        load_certs(broken)
