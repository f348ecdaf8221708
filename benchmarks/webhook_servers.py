"""The processes a webhook benchmark measures: gunicorn (``recon serve``'s hooks), Celery
workers and beat on a RabbitMQ vhost of their own, and how to find their process ids.

Why processes of their own and not the machine's services: the benchmark stops, pauses
(SIGSTOP) and kills them, and the machine's RabbitMQ and other users' queues are never touched.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from kombu import Connection

from benchmarks.webhook_plan import SECRET
from recon.db import make_engine
from recon.tasks import EVENTS_QUEUE
from tests.tasks.tcp_proxy import TcpProxy

__all__ = ["APP", "Celery", "background_priority", "family", "free_port", "host_port",
           "private_vhost", "server_pids", "start_gunicorn", "via"]

ROOT = Path(__file__).resolve().parents[1]
WORKER_NICE = 10  # below the web's priority as docs/deploy.md's CPUWeight=10 (--worker-group-nice)
APP = f"bench_webhooks_{os.getpid()}"  # PostgreSQL application_name of the server's sessions


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



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

    def __init__(self, url: str, broker: str, logs: Path, proxy: TcpProxy | None,
                 group_nice: int = 0) -> None:
        self.broker = via(broker, proxy.port) if proxy else broker
        self.group_nice = group_nice  # `background_priority` of each worker's session
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
                preexec_fn=lambda: os.nice(WORKER_NICE))
        if self.group_nice:
            background_priority(proc.pid, self.group_nice)
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



def background_priority(pid: int, nice: int = WORKER_NICE) -> None:
    """Lower the scheduling group of the session `pid` leads, as ``CPUWeight=10`` lowers a
    systemd unit (docs/deploy.md), with ``--worker-group-nice``.

    Why: with autogroup scheduling (on here: ``kernel.sched_autogroup_enabled``) each session is
    one scheduling group and a process's nice counts only inside it. A worker in a session of its
    own (``start_new_session``, to kill it with its children) gets a whole group's share against
    the web server's, nice 10 or not; the group's nice (``/proc/PID/autogroup``) lowers it. On a
    machine other sessions keep busy the drain then gets only their leftovers (measured: 8
    events/s at load 10-13, against 40-70 at the group's default).
    """
    with contextlib.suppress(OSError):  # no autogroup (kernel option off): nice alone applies
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))


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



def host_port(broker: str) -> tuple[str, int]:
    parts = urlsplit(broker)
    return parts.hostname or "127.0.0.1", parts.port or 5672



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
