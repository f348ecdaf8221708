"""Alipay certificate mode with a throw-away CA: serial numbers computed as Alipay does, the
chain checked, notifications verified alongside public-key mode."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from gateways import WebhookRejected
from gateways.alipay_cert import AlipayCertConfig, cert_sn, root_cert_sn
from tests.gateways.gw_signing import ALIPAY_APP_ID, alipay_keys, alipay_params, sign_alipay

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
ANT = [("C", "CN"), ("O", "Ant Financial"), ("OU", "Certification Authority")]
OIDS = {"C": NameOID.COUNTRY_NAME, "O": NameOID.ORGANIZATION_NAME,
        "OU": NameOID.ORGANIZATIONAL_UNIT_NAME, "CN": NameOID.COMMON_NAME}


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(OIDS[k], v) for k, v in [*ANT, ("CN", cn)]])


def _cert(subject, key, issuer, issuer_key, *, ca, algo=None, days=7300):
    return (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=10))
            .not_valid_after(NOW + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(issuer_key, algo if algo is not None else hashes.SHA256()))


def _sha1_root() -> x509.Certificate:
    """A SHA1withRSA root (cryptography no longer signs SHA-1: Debian's openssl does)."""
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "c.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        str(Path(tmp) / "k.pem"), "-out", str(out), "-sha1", "-days", "3650",
                        "-subj", "/C=CN/O=iTrusChina Co.,Ltd./OU=China Trust Network"
                        "/CN=iTrusChina Class 2 Root CA - G3"], check=True, capture_output=True)
        return x509.load_pem_x509_certificate(out.read_bytes())


def _pem(*certs) -> str:
    return "\n".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in certs)


@pytest.fixture(scope="module")
def pki():
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sm2_like = ec.generate_private_key(ec.SECP256R1())  # stands in for the SM2 root: skipped
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _cert("Ant Financial Certification Authority R1", root_key,
                 "Ant Financial Certification Authority R1", root_key, ca=True)
    old = _sha1_root()
    ecc = _cert("Ant Financial Certification Authority E1", sm2_like,
                "Ant Financial Certification Authority E1", sm2_like, ca=True)
    inter = _cert("Ant Financial Certification Authority Class 2 R1", ca_key,
                  "Ant Financial Certification Authority R1", root_key, ca=True)
    alipay_key = serialization.load_der_private_key(base64.b64decode(alipay_keys()[0]), None)
    leaf = _cert("支付宝(中国)网络技术有限公司", alipay_key,
                 "Ant Financial Certification Authority Class 2 R1", ca_key, ca=False)
    return {"root_pem": _pem(old, ecc, root), "alipay_pem": _pem(leaf, inter),
            "leaf": leaf, "roots": (old, root), "inter": inter}


def _config(pki, **kw) -> AlipayCertConfig:
    return AlipayCertConfig(app_id=ALIPAY_APP_ID, alipay_cert=pki["alipay_pem"],
                            root_cert=pki["root_pem"], clock=lambda: NOW.timestamp(), **kw)


def _md5(cert) -> str:
    dn = "CN={},OU={},O={},C={}".format(*(
        cert.issuer.get_attributes_for_oid(OIDS[k])[0].value for k in ("CN", "OU", "O", "C")))
    return hashlib.md5((dn + str(cert.serial_number)).encode()).hexdigest()


def test_serial_numbers_as_alipay_computes_them(pki):
    leaf, (old, root) = pki["leaf"], pki["roots"]
    assert cert_sn(leaf) == _md5(leaf)
    assert root_cert_sn(pki["root_pem"]) == f"{_md5(old)}_{_md5(root)}"  # EC root skipped
    cfg = _config(pki)
    assert (cfg.cert_sn, cfg.root_cert_sn) == (_md5(leaf), f"{_md5(old)}_{_md5(root)}")


def test_certificate_mode_verifies_like_public_key_mode(pki):
    cfg = _config(pki)
    body = sign_alipay(alipay_params(), alipay_keys()[0])
    assert cfg.verify(body).event_id == alipay_params()["notify_id"]
    named = sign_alipay(alipay_params(alipay_cert_sn=cfg.cert_sn), alipay_keys()[0])
    assert cfg.verify(named).payload["alipay_cert_sn"] == cfg.cert_sn
    for bad in (body.replace(b"88.50", b"8.50"),
                sign_alipay(alipay_params(alipay_cert_sn="0" * 32), alipay_keys()[0])):
        with pytest.raises(WebhookRejected) as info:
            cfg.verify(bad)
        assert info.value.reason == "bad_signature"


def test_chain_and_validity_are_checked(pki):
    with pytest.raises(ValueError, match="root"):  # the intermediate missing from the file
        AlipayCertConfig(app_id=ALIPAY_APP_ID, alipay_cert=_pem(pki["leaf"]),
                         root_cert=_pem(pki["leaf"]), clock=lambda: NOW.timestamp())
    other_root = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stranger = _cert("Someone Else Root", other_root, "Someone Else Root", other_root, ca=True)
    with pytest.raises(ValueError, match="root"):
        AlipayCertConfig(app_id=ALIPAY_APP_ID, alipay_cert=pki["alipay_pem"],
                         root_cert=_pem(stranger), clock=lambda: NOW.timestamp())
    cfg = _config(pki)
    cfg.clock = lambda: (NOW + dt.timedelta(days=7400)).timestamp()  # the certificate expired
    with pytest.raises(WebhookRejected):
        cfg.verify(sign_alipay(alipay_params(), alipay_keys()[0]))


def test_certificate_mode_app_side_by_side_with_public_key_mode(pki, tmp_path, session):
    """The environment's app in public-key mode, a second app in certificate mode."""
    from recon.config import GatewaySettings
    from recon.gateway import accounts

    (tmp_path / "alipay.crt").write_text(pki["alipay_pem"])
    (tmp_path / "root.crt").write_text(pki["root_pem"])
    accounts.add_account(session, gateway="alipay", account_id="2021000000000777", actor="a",
                         credentials={"alipay_cert": f"file:{tmp_path / 'alipay.crt'}",
                                      "root_cert": f"file:{tmp_path / 'root.crt'}"})
    gs = GatewaySettings(alipay_app_id=ALIPAY_APP_ID, alipay_public_key=alipay_keys()[1])
    routers = accounts.verifiers(session, gs)
    assert isinstance(routers.alipay.apps["2021000000000777"], AlipayCertConfig)
    body = sign_alipay(alipay_params(app_id="2021000000000777", notify_id="C1"),
                       alipay_keys()[0])
    assert routers.alipay.verify(body).event_id == "C1"
    env_cert = GatewaySettings(alipay_app_id=ALIPAY_APP_ID,
                               alipay_cert=str(tmp_path / "alipay.crt"),
                               alipay_root_cert=str(tmp_path / "root.crt"))
    assert isinstance(accounts.verifiers(None, env_cert).alipay.apps[ALIPAY_APP_ID],
                      AlipayCertConfig)
