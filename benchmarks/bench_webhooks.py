"""Webhook benchmark: gunicorn + Celery workers on RabbitMQ + PostgreSQL, signed Stripe events.

What is compared -- the same work on both sides, in one run on one machine:

- **Celery (the product)**: ``gunicorn "web:create_app()"`` (``--workers`` x ``--threads``
  gthread, with ``recon serve``'s hooks from ``web.gunicorn_config``) verifies each event,
  stores it committed (group commit: one statement and one commit for the events of the
  moment in each web process) and answers; a publisher thread per web
  process sends the tasks to RabbitMQ after the commit (``recon.process_events``, many events
  a message); ``recon worker`` processes (one pool slot each, ``nice 10`` as in docs/deploy.md)
  settle the invoices. Measured once with 1 and once with 2 workers (``--event-workers``).
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

The machine's load average is printed with every measurement (the machine is shared).

    .venv/bin/python benchmarks/bench_webhooks.py --events 6000 --concurrency 32 --client wrk
"""

from __future__ import annotations

import argparse
import contextlib
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
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
import stripe
from kombu import Connection

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.wrk_load import run_wrk  # noqa: E402
from recon.db import make_engine, make_session_factory  # noqa: E402
from recon.db.migrate import upgrade  # noqa: E402
from recon.models import Customer, Invoice  # noqa: E402
from recon.tasks import EVENTS_QUEUE  # noqa: E402
from tests.tasks.broker import OwnNode  # noqa: E402
from tests.tasks.tcp_proxy import TcpProxy  # noqa: E402

SECRET = "whsec_benchmark_secret"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"
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


def _own_cpu() -> float:
    """User + system CPU so far of this process (the Python client's threads) and of its
    children waited for (wrk; nothing else is waited for during the load)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


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


def run_load(port: int, plan: list, concurrency: int, at=None) -> tuple[list, float]:
    """Post the plan; ``at(sent)`` (the fault run) is called as requests complete."""
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
    while at is not None and any(t.is_alive() for t in threads):
        at(len(results))
        time.sleep(0.01)
    for t in threads:
        t.join()
    return results, time.perf_counter() - start


def python_figures(results: list) -> dict:
    """The Python client's (status, seconds) pairs -> the figures wrk reports."""
    latencies = [lat * 1000 for _, lat in results]
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {"requests": len(results), "p50_ms": percentile(latencies, 50),
            "p90_ms": percentile(latencies, 90), "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies), "mean_ms": statistics.mean(latencies),
            "statuses": statuses}


def load(args: argparse.Namespace, port: int, plan: list, concurrency: int,
         at=None) -> tuple[dict, float]:
    """Post the plan with ``--client`` (each request once); (figures, wall seconds)."""
    if not plan:
        return {"requests": 0, "statuses": {}}, 0.0
    if args.client == "wrk":
        return run_wrk(port, plan, concurrency, args.wrk_threads, args.drain_timeout)
    results, wall = run_load(port, plan, concurrency, at)
    return python_figures(results), wall


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


def start_gunicorn(url: str, port: int, args: argparse.Namespace,
                   broker: str | None) -> subprocess.Popen:
    env = dict(os.environ, RECON_DATABASE_URL=f"{url}&application_name={APP}",
               RECON_SECRET_KEY=uuid.uuid4().hex * 2, RECON_ENV="production",
               STRIPE_WEBHOOK_SECRET=SECRET)
    env.pop("RECON_BROKER_URL", None)
    if broker:
        env["RECON_BROKER_URL"] = broker
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers),
           "--worker-class", "gthread", "--threads", str(args.threads), "--bind",
           f"127.0.0.1:{port}", "--log-level", "warning", "--keep-alive", "5",
           "--backlog", "256", "--config", "python:web.gunicorn_config", "web:create_app()"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


class Celery:
    """The Celery side of one measurement: workers (and beat in the fault run), a broker vhost
    of its own, optionally behind a proxy that can be cut."""

    def __init__(self, url: str, broker: str, logs: Path, proxy: TcpProxy | None) -> None:
        self.broker = via(broker, proxy.port) if proxy else broker
        self.direct, self.proxy = broker, proxy
        self.env = dict(os.environ, RECON_DATABASE_URL=f"{url}&application_name={APP}_w",
                        RECON_BROKER_URL=self.broker, RECON_ENV="production",
                        RECON_SECRET_KEY="x" * 40, RECON_SWEEP_EVERY="2", RECON_SWEEP_AGE="5",
                        RECON_DAILY_RUN_AT="off")
        self.logs, self.workers, self.beat = logs, [], None
        self.count = 0

    def start_worker(self) -> subprocess.Popen:
        self.count += 1
        with (self.logs / f"worker{self.count}.log").open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "recon", "worker", "--concurrency", "1", "--hostname",
                 f"bench{self.count}@%h", "--without-gossip", "--without-mingle",
                 "--loglevel", "WARNING"], cwd=self.logs, env=self.env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=lambda: os.nice(10))
        self.workers.append(proc)
        return proc

    def start_beat(self) -> None:
        with (self.logs / "beat.log").open("ab") as out:
            self.beat = subprocess.Popen(
                [sys.executable, "-m", "recon", "beat", "--schedule",
                 str(self.logs / "beat-schedule"), "--loglevel", "WARNING"], cwd=self.logs,
                env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_consumers(self, n: int, timeout: float = 90) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.consumers() >= n:
                return
            time.sleep(0.3)
        raise SystemExit(f"{n} Celery worker(s) did not start; see {self.logs}")

    def consumers(self) -> int:
        with Connection(self.direct, connect_timeout=5) as conn:
            try:
                return conn.default_channel.queue_declare(EVENTS_QUEUE, passive=True)[2]
            except conn.channel_errors:
                return 0

    def pids(self) -> list[int]:
        return [pid for proc in self.workers for pid in family(proc.pid)]

    def pause(self, paused: bool) -> None:
        """SIGSTOP (or SIGCONT) every worker process: no processing while the web answers."""
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP if paused else signal.SIGCONT)

    def kill_one(self) -> None:
        victim = self.workers.pop(0)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(30)

    def stop(self) -> None:
        for proc in [*self.workers, *([self.beat] if self.beat else [])]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
                os.killpg(proc.pid, signal.SIGCONT)  # a paused worker must see its SIGTERM
        for proc in [*self.workers, *([self.beat] if self.beat else [])]:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def family(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *[p for c in children for p in family(int(c))]]


def via(url: str, port: int) -> str:
    parts = urlsplit(url)
    auth = parts.netloc.rpartition("@")[0]
    return urlunsplit((parts.scheme, f"{auth}@127.0.0.1:{port}", parts.path, "", ""))


@contextlib.contextmanager
def private_vhost(broker: str):
    """A vhost of our own on the shared RabbitMQ (rabbitmqctl), deleted afterwards."""
    vhost = f"bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    user = urlsplit(broker).username or "guest"
    ctl = ["rabbitmqctl", "-q"]
    subprocess.run([*ctl, "add_vhost", vhost], check=True, capture_output=True)
    subprocess.run([*ctl, "set_permissions", "-p", vhost, user, ".*", ".*", ".*"], check=True,
                   capture_output=True)
    parts = urlsplit(broker)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{vhost}", "", ""))
    finally:
        subprocess.run([*ctl, "delete_vhost", vhost], capture_output=True)


def wait_processed(url: str, expected: int, timeout: float) -> tuple[float, int]:
    """Poll until ``expected`` events are stored and none is pending; (perf_counter at that
    moment, events processed or failed)."""
    engine = make_engine(url)
    deadline = time.perf_counter() + timeout
    try:
        with engine.connect() as conn:
            while True:
                stored, done = conn.execute(sa.text(
                    "SELECT count(*), count(*) FILTER (WHERE status <> 'pending') "
                    "FROM gateway_event")).one()
                conn.rollback()
                now = time.perf_counter()
                if (stored >= expected and done == stored) or now > deadline:
                    return now, done
                time.sleep(0.05)
    finally:
        engine.dispose()


def processing_counts(url: str) -> dict[str, int]:
    """Events processed more than once, and events never processed (audit rows)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        per_event = conn.execute(sa.text(
            "SELECT count(a.id) FROM gateway_event e LEFT JOIN audit_event a "
            "ON a.action = 'gateway_event.process' AND a.object_id = e.id::text "
            "GROUP BY e.id")).scalars().all()
    engine.dispose()
    return {"processed_more_than_once": sum(1 for n in per_event if n > 1),
            "never_processed": sum(1 for n in per_event if n == 0)}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=6000, help="unique events per run")
    parser.add_argument("--dup-rate", type=float, default=0.10, help="share of re-deliveries")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=16, help="threads per gunicorn worker")
    parser.add_argument("--event-workers", default="1,2",
                        help="Celery worker counts to measure, comma-separated")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--fault", action="store_true", help="also the fault run")
    parser.add_argument("--pause-workers", action="store_true",
                        help="stop the Celery workers during the measured load (SIGSTOP; they "
                             "drain after it): the acknowledgements without their CPU")
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


def summary(runs: dict[str, dict]) -> dict[str, dict]:
    keys = ("acks_per_s", "p50_ms", "p99_ms", "drain_events_per_s",
            "unique_processed_per_s_end_to_end", "lost", "duplicated_rows",
            "processed_more_than_once", "cpu_ms_per_request_web",
            "cpu_ms_per_request_web_db_backends", "load_1_5_15")
    return {name: {k: r.get(k) for k in keys} for name, r in runs.items()}


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
    proxy = TcpProxy(_host_port(broker)) if (broker and fault and not node) else None
    celery = Celery(url, broker, logs, proxy) if broker else None
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
                  machine_busy_seconds(), cpu_seconds(db_pids), _own_cpu())
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
               "load_generator": round(_own_cpu() - before[4], 2),
               "celery_workers": round(cpu_seconds(celery.pids() if celery else []) - before[1],
                                       2),
               "machine_busy_cores": round((machine_busy_seconds() - before[2]) / wall, 2)}
        end_of_load = count_rows(url)
        last, _ = wait_processed(url, unique, args.drain_timeout)
        report = _report(args, url, unique, plan, warmup, results, wall, first, last,
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
        admin = make_engine(args.pg_url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _host_port(broker: str) -> tuple[str, int]:
    parts = urlsplit(broker)
    return parts.hostname or "127.0.0.1", parts.port or 5672


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


def _report(args, url, unique, plan, warmup, results, wall, first, last, end_of_load,
            workers, celery, fault) -> dict:
    statuses = dict(warmup["statuses"])
    for status, count in results["statuses"].items():
        statuses[status] = statuses.get(status, 0) + count
    rows = count_rows(url)
    twice = processing_counts(url)
    processed_in_load = end_of_load["processed"]
    drain_s = max(last - first - wall, 1e-9)
    report = {
        "load_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "config": {"gunicorn_workers": args.workers, "threads": args.threads,
                   "celery_workers": workers if celery else 0,
                   "processing": "celery" if celery else "inline (in the request)",
                   "concurrency": args.concurrency, "fault_run": fault,
                   "workers_paused_during_load": bool(celery and args.pause_workers
                                                      and not fault),
                   "client": _client_name(args)},
        "requests": results["requests"], "warmup_requests": warmup["requests"],
        "unique_events": unique, "duplicates_sent": len(plan) - unique,
        "load_s": round(wall, 2), "acks_per_s": round(results["requests"] / wall, 1),
        **{k: round(results[k], 1) for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms")},
        "statuses": statuses,
        **{k: results[k] for k in ("wrk_requests_per_s", "socket_errors") if k in results},
        "processed_at_end_of_load": processed_in_load,
        "drain_s_after_load": round(drain_s, 2),
        "drain_events_per_s": round((rows["processed"] - processed_in_load) / drain_s, 1)
        if celery else None,
        "first_request_to_last_processed_s": round(last - first, 2),
        # the like-for-like figure: the events measured (after the warm-up) over the time
        # from the first measured request to the last event processed
        "unique_processed_per_s_end_to_end": round(
            (unique - _warm_unique(plan, args.warmup)) / (last - first), 1),
        "rows": rows,
        "lost": unique - rows["distinct_event_ids"],
        "duplicated_rows": rows["events"] - rows["distinct_event_ids"],
        **twice,
    }
    report["ok"] = (report["lost"] == 0 and report["duplicated_rows"] == 0
                    and twice["processed_more_than_once"] == 0
                    and twice["never_processed"] == 0 and statuses == {200: len(plan)}
                    and rows["pending_or_failed"] == 0)
    return report


def _client_name(args: argparse.Namespace) -> str:
    if args.client == "wrk":
        return f"wrk -t{args.wrk_threads} -c{args.concurrency} (benchmarks/wrk_load.py)"
    return f"python ({args.concurrency} http.client threads)"


def _warm_unique(plan: list, warmup: int) -> int:
    return len({body for body, _ in plan[:warmup]})


if __name__ == "__main__":
    raise SystemExit(main())
