"""Webhook load benchmark: gunicorn workers + PostgreSQL on loopback, signed Stripe events.

What it does:
1. creates a private schema on the PostgreSQL server (``BENCH_PG_URL``, default the CI server),
   migrates it and seeds open invoices that a third of the charges will settle;
2. starts ``gunicorn "web:create_app()"`` with ``--workers`` workers of ``--worker-class``
   (``gthread`` with ``--threads`` threads keeps client connections alive; ``sync`` closes
   each one) on a free loopback port, with ``RECON_WEBHOOK_PROCESSING=--processing``; in
   ``process`` mode (the default, what ``recon serve`` runs on PostgreSQL) also
   ``--event-workers`` ``recon gateways worker`` processes (sharded by event id) beside it, as
   ``recon serve`` would;
3. pre-signs ``--events`` Stripe events with the stripe library (charges, payment intents,
   refunds, payouts, unknown types) and interleaves ``--dup-rate`` re-deliveries, each placed
   right after its original so duplicates race on different workers;
4. posts them with ``--concurrency`` client threads (one keep-alive connection each), recording
   the status and latency of every request;
5. counts rows afterwards: every unique event stored exactly once, none lost; then waits until
   every stored event is processed (background mode processes after the answer) and reports
   that drain time;
6. then the naive baseline on the same server set-up and load: ``--baseline-events`` events
   processed inline, inside the request (verify, store, settle, answer), and the ratios.

Prints events/s, p50/p99 latency and the row counts as JSON; exits 1 if an event is lost or
duplicated, a request failed, or not every event was processed.  Latency and rate are measured
after a warm-up of ``--warmup`` requests (imports, pools), which are counted separately
(``requests`` + ``warmup_requests`` = every request sent).  Targets (issue 5): >= 500 events/s,
p99 <= 100 ms on 2 cores.

    .venv/bin/python benchmarks/bench_webhooks.py --events 6000 --workers 2 --threads 8 \
        --concurrency 32
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
import stripe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recon.db import make_engine, make_session_factory  # noqa: E402
from recon.db.migrate import upgrade  # noqa: E402
from recon.models import Customer, Invoice  # noqa: E402

SECRET = "whsec_benchmark_secret"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
APP = f"bench_webhooks_{os.getpid()}"  # PostgreSQL application_name of the server's sessions


def make_schema(admin_url: str) -> tuple[str, str]:
    schema = f"bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(admin_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in admin_url else "?"
    url = f"{admin_url}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return schema, url


def seed_invoices(url: str, count: int) -> None:
    """Open USD 100.00 invoices BENCH-0..count-1 (a third of the charges name one)."""
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        customer = Customer(external_id="BENCH", name="Bench Customer Ltd")
        session.add(customer)
        session.flush()
        session.add_all(
            Invoice(invoice_no=f"BENCH-{i}", customer_id=customer.id, amount_minor=10000,
                    currency="USD", issue_date=dt.date(2026, 1, 1), due_date=dt.date(2026, 2, 1))
            for i in range(count)
        )
    engine.dispose()


def event_body(n: int, rng: random.Random) -> dict:
    """One of the reconciliation-relevant event types (or an unknown one)."""
    created = int(time.time())
    kind = rng.random()
    meta = {"invoice_no": f"BENCH-{n // 3}"} if n % 3 == 0 else {"invoice_no": f"ORD-{n}"}
    if kind < 0.55:
        obj = {"id": f"ch_{n}", "object": "charge", "amount": 10000, "amount_captured": 10000,
               "currency": "usd", "created": created, "metadata": meta,
               "billing_details": {"name": f"Payer {n}"}}
        etype = "charge.succeeded"
    elif kind < 0.75:
        obj = {"id": f"pi_{n}", "object": "payment_intent", "amount": 10000,
               "amount_received": 10000, "currency": "usd", "latest_charge": f"ch_{n - 1}",
               "metadata": meta}
        etype = "payment_intent.succeeded"
    elif kind < 0.85:
        obj = {"id": f"ch_{n - 2}", "object": "charge", "amount": 10000,
               "amount_refunded": 2500, "currency": "usd", "created": created}
        etype = "charge.refunded"
    elif kind < 0.95:
        obj = {"id": f"po_{n}", "object": "payout", "amount": 250000, "currency": "usd",
               "status": "paid", "arrival_date": created + 86400}
        etype = "payout.paid"
    else:
        obj = {"id": f"cus_{n}", "object": "customer"}
        etype = "customer.created"
    return {"id": f"evt_bench_{n}", "object": "event", "type": etype, "created": created,
            "api_version": "2024-06-20", "livemode": False, "data": {"object": obj}}


def build_requests(events: int, dup_rate: float, seed: int) -> tuple[list, int]:
    """Pre-signed (body, header) pairs; duplicates follow their original closely."""
    rng = random.Random(seed)
    plan: list[tuple[bytes, str]] = []
    for n in range(events):
        payload = json.dumps(event_body(n, rng))
        header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
        item = (payload.encode(), {"Content-Type": "application/json",
                                   "Stripe-Signature": header})
        plan.append(item)
        if rng.random() < dup_rate / (1 - dup_rate):
            plan.append(item)  # a re-delivery racing the original
    return plan, events


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc; 0 for a vanished one)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy so far (Linux /proc/stat: everything but idle, iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def server_pids(server: subprocess.Popen, url: str) -> tuple[list[int], list[int]]:
    """(gunicorn master + workers, PostgreSQL backends serving them)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    engine = make_engine(url)
    with engine.connect() as conn:
        backends = list(conn.execute(sa.text(
            "SELECT pid FROM pg_stat_activity WHERE application_name = :name"), {"name": APP}
        ).scalars())
    engine.dispose()
    return [server.pid, *map(int, children)], backends


def start_gunicorn(url: str, port: int, args: argparse.Namespace) -> subprocess.Popen:
    url = f"{url}&application_name={APP}"
    env = dict(os.environ, RECON_DATABASE_URL=url, RECON_SECRET_KEY=uuid.uuid4().hex * 2,
               RECON_ENV="production", STRIPE_WEBHOOK_SECRET=SECRET,
               RECON_WEBHOOK_PROCESSING=args.processing)
    if args.processing == "process":
        n = args.event_workers
        args.worker_procs = [subprocess.Popen(
            [sys.executable, "-m", "recon", "gateways", "worker", "--shard", f"{k}/{n}"],
            cwd=ROOT, env=env) for k in range(n)]
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers),
           "--worker-class", args.worker_class, "--threads", str(args.threads), "--bind",
           f"127.0.0.1:{port}", "--log-level", "warning", "--keep-alive", "5",
           "--backlog", "256", "web:create_app()"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def client(port: int, work: queue.Queue, out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while True:
        item = work.get()
        if item is None:
            conn.close()
            return
        body, headers = item
        start = time.perf_counter()
        try:
            conn.request("POST", "/webhooks/stripe", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            conn.close()
            status = 0
        out.append((status, time.perf_counter() - start))


def run_load(port: int, plan: list, concurrency: int) -> tuple[list, float]:
    work: queue.Queue = queue.Queue()
    for item in plan:
        work.put(item)
    for _ in range(concurrency):
        work.put(None)
    results: list[tuple[int, float]] = []
    threads = [threading.Thread(target=client, args=(port, work, results))
               for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - start


def count_rows(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        q = lambda sql: conn.execute(sa.text(sql)).scalar()  # noqa: E731
        counts = {
            "events": q("SELECT count(*) FROM gateway_event"),
            "distinct_event_ids": q("SELECT count(DISTINCT event_id) FROM gateway_event"),
            "processed": q("SELECT count(*) FROM gateway_event WHERE status = 'processed'"),
            "pending_or_failed": q("SELECT count(*) FROM gateway_event WHERE status <> "
                                   "'processed'"),
            "transactions": q("SELECT count(*) FROM gateway_transaction"),
            "auto_matches": q("SELECT count(*) FROM match WHERE status = 'auto'"),
        }
    engine.dispose()
    return counts


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def wait_processed(url: str, timeout: float) -> tuple[float, int, int]:
    """Poll until every stored event is processed (or failed); (seconds, stored, processed)."""
    engine = make_engine(url)
    start = time.perf_counter()
    try:
        with engine.connect() as conn:
            while True:
                stored, done = conn.execute(sa.text(
                    "SELECT count(*), count(*) FILTER (WHERE status <> 'pending') "
                    "FROM gateway_event")).one()
                conn.rollback()
                waited = time.perf_counter() - start
                if done == stored or waited > timeout:
                    return waited, stored, done
                time.sleep(0.05)
    finally:
        engine.dispose()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=6000, help="unique events")
    parser.add_argument("--dup-rate", type=float, default=0.10, help="share of re-deliveries")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--threads", type=int, default=8, help="threads per gthread worker")
    parser.add_argument("--processing", default="process",
                        choices=("process", "background", "inline"))
    parser.add_argument("--event-workers", type=int, default=1,
                        help="`recon gateways worker` processes in process mode (as "
                             "`recon serve --event-workers`)")
    parser.add_argument("--warmup", type=int, default=200, help="requests before measuring")
    parser.add_argument("--baseline-events", type=int, default=1500,
                        help="unique events for the naive baseline run (inline processing "
                             "in the request); 0 skips it")
    parser.add_argument("--drain-timeout", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--keep-schema", action="store_true")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    report, ok = measure(args)
    print(json.dumps(report, indent=1))
    if args.baseline_events:
        # the naive way, same server and load: verify, store and process inside the request
        naive = argparse.Namespace(**{**vars(args), "processing": "inline",
                                      "events": args.baseline_events,
                                      "warmup": min(args.warmup, args.baseline_events // 4)})
        base, base_ok = measure(naive)
        summary = {
            "baseline_inline_processing": {k: base[k] for k in (
                "requests", "requests_per_s", "p50_ms", "p99_ms", "lost", "duplicated")},
            "ratio_events_per_s": round(report["requests_per_s"] / base["requests_per_s"], 2),
            "ratio_p99": round(base["p99_ms"] / report["p99_ms"], 2),
        }
        print(json.dumps(summary, indent=1))
        ok = ok and base_ok
    return 0 if ok else 1


def measure(args: argparse.Namespace) -> tuple[dict, bool]:
    """One server, one load, the row counts afterwards: (report, every event exactly once)."""
    args.worker_procs = []
    schema, url = make_schema(args.pg_url)
    server = None
    try:
        seed_invoices(url, args.events // 3 + 1)
        plan, unique = build_requests(args.events, args.dup_rate, args.seed)
        port = free_port()
        server = start_gunicorn(url, port, args)
        warmup, _ = run_load(port, plan[:args.warmup], 8)  # imports, pools; its events count
        web_pids, db_pids = server_pids(server, url)
        proc_pids = [p.pid for p in getattr(args, "worker_procs", [])]
        db_before = {pid: cpu_seconds([pid]) for pid in db_pids}
        before = (cpu_seconds(web_pids), time.process_time(), cpu_seconds(proc_pids),
                  machine_busy_seconds())
        results, wall = run_load(port, plan[args.warmup:], args.concurrency)
        web_cpu = cpu_seconds(web_pids) - before[0]
        client_cpu = time.process_time() - before[1]
        proc_cpu = cpu_seconds(proc_pids) - before[2]
        busy = machine_busy_seconds() - before[3]
        # backends opened during the load count whole; one closed during it is missed
        db_cpu = sum(cpu_seconds([pid]) - db_before.get(pid, 0.0)
                     for pid in server_pids(server, url)[1])
        stored_rows = count_rows(url)
        drain_s, stored, processed = wait_processed(url, args.drain_timeout)
        latencies = [lat * 1000 for _, lat in results]
        statuses: dict[int, int] = {}
        for status, _ in warmup + results:
            statuses[status] = statuses.get(status, 0) + 1
        rows = count_rows(url)
        report = {
            "load_1_5_15": [round(x, 2) for x in os.getloadavg()],
            "config": {"workers": args.workers, "worker_class": args.worker_class,
                       "threads": args.threads, "processing": args.processing,
                       "event_workers": args.event_workers if args.processing == "process"
                       else 0,
                       "concurrency": args.concurrency},
            "requests": len(results), "warmup_requests": len(warmup),
            "planned_requests": len(plan), "unique_events": unique,
            "duplicates_sent": len(plan) - unique, "wall_s": round(wall, 2),
            "requests_per_s": round(len(results) / wall, 1),
            "p50_ms": round(percentile(latencies, 50), 1),
            "p99_ms": round(percentile(latencies, 99), 1),
            "max_ms": round(max(latencies), 1), "mean_ms": round(statistics.mean(latencies), 1),
            "statuses": statuses,
            # CPU spent during the measured load per request (gunicorn incl. any background
            # processing, its PostgreSQL backends, the load client): what 2 idle cores allow.
            "cpu_ms_per_request": {
                "web": round(web_cpu * 1000 / len(results), 2),
                "db": round(db_cpu * 1000 / len(results), 2),
                "client": round(client_cpu * 1000 / len(results), 2),
                "event_processor": round(proc_cpu * 1000 / len(results), 2),
                "cpu_bound_ceiling_on_2_cores_per_s": round(
                    2 * len(results) / max(web_cpu + db_cpu + client_cpu, 1e-9)),
            },
            # every process on the machine during the load (the rest: PostgreSQL's own
            # processes, the kernel, and anything else running -- a shared machine shows here)
            "machine_busy_cores": round(busy / wall, 2),
            "stored_at_end_of_load": stored_rows["events"],
            "processed_at_end_of_load": stored_rows["processed"],
            "drain": {"stored": stored, "processed_or_failed": processed,
                      "s_after_load": round(drain_s, 2),
                      "s_from_load_start": round(wall + drain_s, 2)},
            "rows": rows,
            "lost": unique - rows["distinct_event_ids"],
            "duplicated": rows["events"] - rows["distinct_event_ids"],
        }
        ok = (report["lost"] == 0 and report["duplicated"] == 0
              and statuses == {200: len(plan)} and rows["pending_or_failed"] == 0)
        return report, ok
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        for proc in getattr(args, "worker_procs", []):
            proc.send_signal(signal.SIGTERM)
        for proc in getattr(args, "worker_procs", []):
            proc.wait(30)
        if not args.keep_schema:
            admin = make_engine(args.pg_url)
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
