"""The webhook benchmark's wrk client: every pre-signed request sent exactly once, and wrk's
summary read into the benchmark's figures (a wrong parse would misreport p99 or hide a 5xx)."""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from benchmarks.wrk_load import parse_output, run_wrk, write_requests

# wrk 4.1.0 --latency output followed by the lines the benchmark's Lua script prints
WRK_OUTPUT = """ready 0 827
ready 1 826
done 1
done 0
Running 10m test @ http://127.0.0.1:40123/webhooks/stripe
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    23.71ms   12.40ms    1.02s    85.31%
    Req/Sec   661.02    120.33     0.91k    70.00%
  Latency Distribution
     50%  820.00us
     75%   29.95ms
     90%   43.91ms
     99%    1.01s
  1653 requests in 1.26s, 300.12KB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:   1311.90
Transfer/sec:    238.19KB
sent 827 answered 827
status 200 825
status 400 2
sent 826 answered 825
status 200 824
status 503 1
"""


def test_parse_output_reads_latencies_rates_and_errors() -> None:
    out = parse_output(WRK_OUTPUT)
    assert out["p50_ms"] == pytest.approx(0.82)
    assert out["p90_ms"] == pytest.approx(43.91)
    assert out["p99_ms"] == pytest.approx(1010.0)
    assert out["mean_ms"] == pytest.approx(23.71)
    assert out["max_ms"] == pytest.approx(1020.0)
    assert out["wrk_requests_per_s"] == pytest.approx(1311.90)
    assert out["wrk_requests"] == 1653
    assert out["non_2xx_3xx"] == 3
    assert out["socket_errors"] == {"connect": 0, "read": 1, "write": 0, "timeout": 2}
    assert (out["sent"], out["answered"]) == (1653, 1652)
    assert out["statuses"] == {200: 1649, 400: 2, 503: 1}


def test_requests_file_holds_each_request_whole(tmp_path: Path) -> None:
    plan = [(b'{"id": "evt_1"}', {"Content-Type": "application/json",
                                   "Stripe-Signature": "t=1,v1=ab"}),
            (b"{}\n\r\n", {"Stripe-Signature": "t=2,v1=cd"})]
    path = tmp_path / "requests.bin"
    write_requests(plan, path, 8080)
    data, pos, raw = path.read_bytes(), 0, []
    while pos < len(data):
        nl = data.index(b"\n", pos)
        size = int(data[pos:nl])
        raw.append(data[nl + 1:nl + 1 + size])
        pos = nl + 1 + size
    assert len(raw) == 2
    head, body = raw[1].split(b"\r\n\r\n", 1)
    assert body == b"{}\n\r\n"
    assert head.split(b"\r\n") == [b"POST /webhooks/stripe HTTP/1.1", b"Host: 127.0.0.1:8080",
                                   b"Stripe-Signature: t=2,v1=cd", b"Content-Length: 5"]
    assert raw[0].endswith(b'\r\n\r\n{"id": "evt_1"}')


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[bytes, str]]] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            self.seen.append((body, self.headers["Stripe-Signature"]))
        status = 409 if b"refuse" in body else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
@pytest.mark.parametrize(("events", "connections"), [(400, 16), (5, 32)])
def test_wrk_sends_every_request_exactly_once(events: int, connections: int) -> None:
    plan = []
    for n in range(events):
        item = (b'{"id": "evt_%d"%s}' % (n, b', "refuse": 1' if n == 3 else b""),
                {"Content-Type": "application/json", "Stripe-Signature": f"t=1,v1={n}"})
        plan.append(item)
        if n % 7 == 0:
            plan.append(item)  # a duplicate right after its original, as in the benchmark
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        figures, wall = run_wrk(server.server_address[1], plan, connections, threads=2,
                                timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    assert Counter(_Recorder.seen) == Counter((b, h["Stripe-Signature"]) for b, h in plan)
    assert figures["statuses"] == {200: len(plan) - 1, 409: 1}
    assert figures["non_2xx_3xx"] == 1
    assert figures["requests"] == figures["wrk_requests"] == len(plan)
    assert 0 < wall < 30
