"""wrk as the webhook benchmark's load generator: each pre-signed request sent exactly once.

Why: the Python client (32 threads, http.client) costs ~0.23 ms of CPU a request on the same
2 cores as the server, and its own GIL and scheduling delays end up inside the latencies it
measures. wrk (C, epoll) drives the same requests for a small fraction of that.

How each request is sent exactly once: the requests are written, fully formed (request line,
Host, Content-Type, Stripe-Signature, Content-Length, body), to a data file that every wrk
thread reads at ``init``; thread k of T keeps requests k, k+T, k+2T, ... and its connections
take the next one in order. wrk calls ``request()`` once in thread 0 only to check that the
request parses; that call returns the first request without using it up. Once a thread's list
is exhausted ``request()`` returns an empty string: wrk writes nothing and the connection
stays idle (no extra request, no extra latency sample). When a thread has all its answers it
prints ``done`` and stops its loop; when every thread is done this module sends SIGINT, and
wrk prints its summary. Requests/s is ours (requests over the time from the last thread's
``init`` to the last ``done``); wrk's own figure (over its whole runtime) is kept beside it.
"""

from __future__ import annotations

import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path

WRK = "/usr/bin/wrk"
PATH = "/webhooks/stripe"

SCRIPT = r"""
local nthreads, n = 0, 0
local threads = {}

function setup(thread)
  thread:set("tid", n)
  n = n + 1
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  local data = f:read("*a")
  f:close()
  nthreads = tonumber(args[2])
  reqs, next_req, answered, statuses = {}, 1, 0, {}
  peek = (tid == 0)
  local pos, i = 1, 0
  while pos <= #data do
    local nl = string.find(data, "\n", pos, true)
    local len = tonumber(string.sub(data, pos, nl - 1))
    if i % nthreads == tid then
      table.insert(reqs, string.sub(data, nl + 1, nl + len))
    end
    pos, i = nl + 1 + len, i + 1
  end
  total = #reqs
  io.stdout:write("ready " .. tid .. " " .. total .. "\n")
  io.stdout:flush()
end

function request()
  if peek then  -- wrk's check that the request parses; not sent
    peek = false
    return reqs[1]
  end
  local r = reqs[next_req]
  if r == nil then
    return ""  -- exhausted: nothing written, the connection stays idle
  end
  next_req = next_req + 1
  return r
end

function response(status, headers, body)
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  if answered == total then
    io.stdout:write("done " .. tid .. "\n")
    io.stdout:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write("sent " .. (t:get("next_req") - 1) .. " answered " .. t:get("answered") .. "\n")
    for status, count in pairs(t:get("statuses")) do
      io.write("status " .. status .. " " .. count .. "\n")
    end
  end
end
"""

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def write_requests(plan: list, path: Path, port: int) -> None:
    """Each (body, headers) of the plan as one raw HTTP/1.1 request, length-prefixed."""
    with path.open("wb") as out:
        for body, headers in plan:
            head = [f"POST {PATH} HTTP/1.1", f"Host: 127.0.0.1:{port}",
                    *(f"{k}: {v}" for k, v in headers.items()),
                    f"Content-Length: {len(body)}"]
            raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
            out.write(b"%d\n" % len(raw) + raw)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", value).groups()
    return float(number) * UNITS_MS[unit]


def parse_output(text: str) -> dict:
    """wrk --latency output plus this script's lines -> the benchmark's figures."""
    out: dict = {"statuses": {}, "sent": 0, "answered": 0, "non_2xx_3xx": 0}
    lat = re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", text, re.M)
    out["mean_ms"], out["max_ms"] = _ms(lat.group(1)), _ms(lat.group(3))
    for pct, value in re.findall(r"^\s*(50|75|90|99)%\s+(\S+)$", text, re.M):
        out[f"p{pct}_ms"] = _ms(value)
    out["wrk_requests_per_s"] = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    out["wrk_requests"] = int(re.search(r"^\s*(\d+) requests in", text, re.M).group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text):
        out["non_2xx_3xx"] = int(m.group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       text)
    out["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"),
                                    map(int, errors.groups()) if errors else (0, 0, 0, 0),
                                    strict=True))
    for sent, answered in re.findall(r"^sent (\d+) answered (\d+)$", text, re.M):
        out["sent"] += int(sent)
        out["answered"] += int(answered)
    for status, count in re.findall(r"^status (\d+) (\d+)$", text, re.M):
        out["statuses"][int(status)] = out["statuses"].get(int(status), 0) + int(count)
    return out


def run_wrk(port: int, plan: list, concurrency: int, threads: int = 2,
            timeout: float = 600.0) -> tuple[dict, float]:
    """Send every request of the plan once; (parsed figures, wall seconds). Requests that got
    no answer (socket errors, timeout) count as status 0 so that the run fails."""
    threads = max(1, min(threads, concurrency, len(plan)))
    with tempfile.TemporaryDirectory(prefix="bench_wrk_") as tmp:
        data, script = Path(tmp) / "requests.bin", Path(tmp) / "plan.lua"
        write_requests(plan, data, port)
        script.write_text(SCRIPT)
        cmd = [WRK, "-t", str(threads), "-c", str(concurrency), "-d", f"{int(timeout)}s",
               "--timeout", "30s", "--latency", "-s", str(script),
               f"http://127.0.0.1:{port}{PATH}", "--", str(data), str(threads)]
        lines, ready, done = [], 0, 0
        start = end = time.perf_counter()
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) as proc:
            for line in proc.stdout:  # ends at wrk's own -d limit if a thread never finishes
                lines.append(line)
                if line.startswith("ready "):
                    ready += 1
                    start = time.perf_counter() if ready == threads else start
                elif line.startswith("done "):
                    done += 1
                    if done == threads:
                        end = time.perf_counter()
                        proc.send_signal(signal.SIGINT)
        end = end if done == threads else time.perf_counter()
    text = "".join(lines)
    if proc.returncode != 0 or "Requests/sec" not in text:
        raise SystemExit(f"wrk failed ({proc.returncode}):\n{text}")
    figures = parse_output(text)
    missing = len(plan) - figures["answered"]
    if missing:
        figures["statuses"][0] = figures["statuses"].get(0, 0) + missing
    figures["requests"] = len(plan)
    figures["wrk_threads"] = threads
    return figures, end - start
