"""Webhook benchmark: gunicorn + Celery workers on RabbitMQ + PostgreSQL, signed Stripe events.

What is compared -- the same work on both sides, in one run on one machine:

- **Celery (the product)**: ``gunicorn "web:create_app()"`` (``--workers`` x ``--threads``
  gthread, ``recon serve``'s settings and hooks from ``web.gunicorn_config``) verifies each event,
  stores it committed (group commit: one statement and one commit for the events of the
  moment in each web process) and answers; a publisher thread per web
  process sends the tasks to RabbitMQ after the commit (``recon.process_events``, many events
  a message); ``recon worker`` processes (one pool slot each, nice 10, each in a session of
  its own: a scheduling group's share; ``--worker-group-nice 10`` lowers it as docs/deploy.md's
  ``CPUWeight=10`` does, `webhook_servers.background_priority`) settle the invoices.
  Measured once with 1 and once with 2 workers (``--event-workers``).
  The workers process while the load runs, on the same cores; ``--pause-workers`` stops them
  (SIGSTOP) for the measured load, so the acknowledgements are measured without their CPU and
  the drain starts when the load ends.
- **Naive baseline**: the same gunicorn with no broker, so the task runs inside the request
  (verify, store, settle, answer) -- on the **same event count** and the same load.

For each: acknowledgments/s and p50/p99 latency of the answers (after ``--warmup`` requests),
the CPU per acknowledged request of the web processes and of the PostgreSQL backends serving
them (what decides the rate on a machine of one's own; the load generator's CPU is printed too),
the drain rate (events processed per second after the load ended), and the end-to-end figure
that compares like with like: **unique events processed per second from the first request to
the last event processed**. Lost (acknowledged but not stored), duplicated rows, and events
processed more than once (``gateway_event.process`` audit rows) are counted from the database;
any of them, a non-2xx answer or an unprocessed event makes the exit status 1.

A **fault run** (2 workers, ``--fault``) repeats the load while one worker is SIGKILLed (and
restarted) a third of the way in, and RabbitMQ is restarted two thirds in -- a node of the
benchmark's own on ports of its own (run as root with ``rabbitmq-server`` installed; else a
loopback proxy drops every connection to the shared node and refuses new ones for
``--outage`` seconds; the machine's shared RabbitMQ is never stopped). ``recon beat``'s sweep
republishes what could not be published. It reports the same counts.

Load: ``--events`` Stripe events (charges, payment intents, refunds, payouts, unknown types)
pre-signed with the stripe library once the server is up (signatures carry a timestamp and
Stripe's tolerance is 300 s; the report gives the oldest one's age at the end of the load),
plus ``--dup-rate`` re-deliveries placed right after their original, each request sent once
over ``--concurrency`` keep-alive connections by the client ``--client`` names (the report's
``config.client``):

- ``python`` (default): as many http.client threads in this process (~0.3 ms of CPU a
  request on the server's cores; its GIL and scheduling delays are inside its latencies);
- ``wrk``: ``wrk -t<--wrk-threads> -c<--concurrency> --latency`` and a Lua script
  (``wrk_load.py``: wrk thread k of T sends requests k, k+T, ... in order, each once; the two
  copies of a duplicate go out on different threads when T = 2). Latencies p50/p90/p99, mean
  and max are wrk's; acks/s is requests over the time from wrk's start to its last answer;
  statuses are counted by the script, and a request without an answer counts as status 0.
  The warm-up uses the same client. Not with ``--fault`` (its faults are timed on answers as
  they come back, which only the Python client reports).

The load average is printed with every measurement. Parts: `webhook_plan` (signed requests),
`webhook_servers` (gunicorn, Celery), `webhook_client`, `webhook_db` (counts), `webhook_report`.

    .venv/bin/python benchmarks/bench_webhooks.py --events 6000 --concurrency 32 --client wrk
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.webhook_client import load  # noqa: E402
from benchmarks.webhook_db import (  # noqa: E402
    count_rows,
    drop_schema,
    make_schema,
    seed_invoices,
    wait_processed,
)
from benchmarks.webhook_plan import build_requests  # noqa: E402
from benchmarks.webhook_report import (  # noqa: E402
    cpu_seconds,
    machine_busy_seconds,
    own_cpu,
    report_of,
    summary,
)
from benchmarks.webhook_servers import (  # noqa: E402
    Celery,
    free_port,
    host_port,
    private_vhost,
    server_pids,
    start_gunicorn,
)
from tests.tasks.broker import OwnNode  # noqa: E402
from tests.tasks.tcp_proxy import TcpProxy  # noqa: E402
from web.gunicorn_config import THREADS  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=6000, help="unique events per run")
    parser.add_argument("--dup-rate", type=float, default=0.10, help="share of re-deliveries")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=THREADS,
                        help="threads per gunicorn worker (default: recon serve's)")
    parser.add_argument("--event-workers", default="1,2",
                        help="Celery worker counts to measure, comma-separated")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--fault", action="store_true", help="also the fault run")
    parser.add_argument("--pause-workers", action="store_true",
                        help="stop the Celery workers during the measured load (SIGSTOP; they "
                             "drain after it): the acknowledgements without their CPU")
    parser.add_argument("--worker-group-nice", type=int, default=0,
                        help="nice of each worker's session group (10: docs/deploy.md's "
                             "CPUWeight=10; 0: a group's share, as measured before)")
    parser.add_argument("--outage", type=float, default=3.0, help="broker cut, seconds")
    parser.add_argument("--warmup", type=int, default=200, help="requests before measuring")
    parser.add_argument("--drain-timeout", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--client", choices=("python", "wrk"), default="python",
                        help="load generator: Python threads, or wrk (benchmarks/wrk_load.py)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk -t (with --client wrk)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--broker-url", default=os.environ.get("BENCH_BROKER_URL",
                                                               DEFAULT_BROKER))
    args = parser.parse_args()
    if args.client == "wrk" and args.fault:
        parser.error("--client wrk measures the non-fault runs only (the fault run injects its "
                     "faults as answers come back, which only the Python client reports)")
    return args


def main() -> int:
    args = parse_args()
    runs: dict[str, dict] = {}
    ok = True
    with private_vhost(args.broker_url) as broker:
        for n in [int(x) for x in args.event_workers.split(",") if x]:
            runs[f"celery_{n}_worker{'s' if n > 1 else ''}"] = one(args, broker, workers=n)
        if not args.no_baseline:
            runs["naive_inline_baseline"] = one(args, None, workers=0)
        if args.fault:
            runs["celery_2_workers_fault"] = one(args, broker, workers=2, fault=True)
    for name, report in runs.items():
        ok = ok and report.pop("ok")
        print(json.dumps({name: report}, indent=1), flush=True)
    print(json.dumps({"summary": summary(runs)}, indent=1))
    return 0 if ok else 1


def one(args: argparse.Namespace, broker: str | None, *, workers: int,
        fault: bool = False) -> dict:
    """One server set-up, one load, counts afterwards (see the module docstring)."""
    schema, url = make_schema(args.pg_url)
    logs = Path(f"/tmp/bench_webhooks_{os.getpid()}_{schema}")
    logs.mkdir()
    node = OwnNode(logs / "rabbitmq") if (fault and OwnNode.available()) else None
    if node:  # a broker of our own, to restart (the shared one is never stopped)
        node.start()
        broker = node.url
    proxy = TcpProxy(host_port(broker)) if (broker and fault and not node) else None
    celery = Celery(url, broker, logs, proxy, args.worker_group_nice) if broker else None
    server = None
    try:
        seed_invoices(url, args.events // 3 + 1)
        if celery:
            for _ in range(workers):
                celery.start_worker()
            celery.wait_consumers(workers)
            if fault:
                celery.start_beat()
        port = free_port()
        server = start_gunicorn(url, port, args, celery.broker if celery else None)
        # signed now, once the workers and the server are up: Stripe's tolerance is 300 s
        signed = time.time()
        plan, unique = build_requests(args.events, args.dup_rate, args.seed)
        warmup, _ = load(args, port, plan[:args.warmup], 8)  # imports, pools; its events count
        wait_processed(url, 0, args.drain_timeout)  # the warm-up's events are processed
        faults = _faults(celery, node, proxy, args, len(plan) - args.warmup) if fault else None
        web_pids, db_pids = server_pids(server, url)
        before = (cpu_seconds(web_pids), cpu_seconds(celery.pids() if celery else []),
                  machine_busy_seconds(), cpu_seconds(db_pids), own_cpu())
        paused = bool(celery and args.pause_workers and not fault)
        if paused:
            celery.pause(True)
        first = time.perf_counter()
        results, wall = load(args, port, plan[args.warmup:], args.concurrency, faults)
        if paused:
            celery.pause(False)
        signature_age = time.time() - signed
        cpu = {"web": round(cpu_seconds(web_pids) - before[0], 2),
               "web_db_backends": round(cpu_seconds(db_pids) - before[3], 2),
               "load_generator": round(own_cpu() - before[4], 2),
               "celery_workers": round(cpu_seconds(celery.pids() if celery else []) - before[1],
                                       2),
               "machine_busy_cores": round((machine_busy_seconds() - before[2]) / wall, 2)}
        end_of_load = count_rows(url)
        last, _ = wait_processed(url, unique, args.drain_timeout)
        report = report_of(args, url, unique, plan, warmup, results, wall, first, last,
                         end_of_load, workers, broker is not None, fault)
        report["oldest_signature_age_s_at_end_of_load"] = round(signature_age, 1)
        report["cpu_s_during_load"] = cpu  # a worker killed in the fault run is not counted
        report["cpu_ms_per_request_web"] = round(cpu["web"] * 1000 / results["requests"], 2)
        report["cpu_ms_per_request_web_db_backends"] = round(
            cpu["web_db_backends"] * 1000 / results["requests"], 2)
        return report
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        if celery:
            celery.stop()
        if proxy:
            proxy.close()
        if node:
            node.stop()
        drop_schema(args.pg_url, schema)


def _faults(celery: Celery, node: OwnNode | None, proxy: TcpProxy | None,
            args: argparse.Namespace, n: int):
    """A callback for the load: worker SIGKILL at 1/3, broker restart (our own node; else
    every connection to it cut for ``--outage`` s) at 2/3 of the requests."""
    done = {"kill": False, "cut": False}

    def at(sent: int) -> None:
        if sent >= n // 3 and not done["kill"]:
            done["kill"] = True
            celery.kill_one()
            celery.start_worker()  # systemd's Restart=always
        if sent >= 2 * n // 3 and not done["cut"]:
            done["cut"] = True
            if node:
                threading.Thread(target=node.restart).start()
            else:
                proxy.cut()
                threading.Timer(args.outage, proxy.resume).start()

    return at


if __name__ == "__main__":
    raise SystemExit(main())
