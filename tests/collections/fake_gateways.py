"""Local fakes of the gateways' pay-link APIs, speaking each documented protocol: Stripe's
``POST /v1/checkout/sessions`` (form-encoded, bearer key), Alipay's gateway ``method=
alipay.trade.precreate`` (request signature checked, answer signed), WeChat Pay's ``POST
/v3/pay/transactions/native`` (merchant signature checked, answer signed by the platform)."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa2, verify_with_rsa
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


class Fake(BaseHTTPRequestHandler):
    requests: list[dict] = []  # noqa: RUF012 - one server per test
    config: dict = {}  # noqa: RUF012

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.path == "/v1/checkout/sessions":
            return self._stripe(body)
        if self.path.startswith("/gateway.do"):
            return self._alipay(body)
        if self.path == "/v3/pay/transactions/native":
            return self._wechat(body)
        self._send(404, b"{}")

    def _stripe(self, body: bytes) -> None:
        if self.headers["Authorization"] != "Bearer sk_test_fake":
            return self._send(401, json.dumps({"error": {"message": "bad key"}}).encode())
        form = dict(urllib.parse.parse_qsl(body.decode()))
        sid = f"cs_test_{form['metadata[invoice_no]']}"
        self._send(200, json.dumps({
            "id": sid, "object": "checkout.session", "mode": "payment",
            "url": f"https://checkout.stripe.com/c/pay/{sid}",
            "metadata": {"invoice_no": form["metadata[invoice_no]"]}}).encode())

    def _alipay(self, body: bytes) -> None:
        params = dict(urllib.parse.parse_qsl(body.decode()))
        sign = params.pop("sign")
        ok = verify_with_rsa(self.config["app_public"], get_sign_content(params).encode(), sign)
        biz = json.loads(params["biz_content"])
        inner = {"code": "10000", "msg": "Success", "out_trade_no": biz["out_trade_no"],
                 "qr_code": f"https://qr.alipay.com/bax0{biz['out_trade_no']}"} if ok else {
            "code": "40002", "msg": "Invalid Arguments", "sub_msg": "bad sign"}
        content = json.dumps(inner, separators=(",", ":"))
        signature = sign_with_rsa2(self.config["alipay_private"], content, "utf-8")
        self._send(200, ('{"alipay_trade_precreate_response":' + content +
                         f',"sign":"{signature}"}}').encode())

    def _wechat(self, body: bytes) -> None:
        auth = self.headers["Authorization"]
        fields = dict(p.split("=", 1) for p in auth.split(" ", 1)[1].split(","))
        fields = {k: v.strip('"') for k, v in fields.items()}
        message = (f"POST\n{self.path}\n{fields['timestamp']}\n{fields['nonce_str']}\n"
                   f"{body.decode()}\n").encode()
        self.config["merchant_public"].verify(base64.b64decode(fields["signature"]), message,
                                              padding.PKCS1v15(), hashes.SHA256())
        order = json.loads(body)
        answer = json.dumps({"code_url": f"weixin://wxpay/bizpayurl?pr={order['out_trade_no']}"})
        stamp, nonce = "1700000000", "n0nce"
        sig = self.config["platform_private"].sign(f"{stamp}\n{nonce}\n{answer}\n".encode(),
                                                   padding.PKCS1v15(), hashes.SHA256())
        self._send(200, answer.encode(), {"Wechatpay-Timestamp": stamp, "Wechatpay-Nonce": nonce,
                                          "Wechatpay-Signature": base64.b64encode(sig).decode()})

    def _send(self, code: int, data: bytes, headers: dict | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def fake_gateways(config: dict) -> Iterator[str]:
    Fake.requests, Fake.config = [], config
    server = HTTPServer(("127.0.0.1", 0), Fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def pem_private(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()
