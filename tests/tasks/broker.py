"""Helpers of the broker tests: a private RabbitMQ vhost, Celery worker and beat processes.

The broker tests run when ``RECON_TEST_BROKER_URL`` is set (always under ``CI=true``, which
defaults it to the local RabbitMQ, ``.ci/run`` starts it) and are skipped cleanly otherwise; an
unreachable broker fails them. Each pytest process works in a vhost of its own (made with
``rabbitmqctl`` when it is at hand), so parallel runs never take each other's messages, or --
where it can (root, ``rabbitmq-server`` installed, as in CI) -- on a RabbitMQ node of its own
that the restart test restarts.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from kombu import Connection

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"
BROKER_URL = os.environ.get("RECON_TEST_BROKER_URL", "").strip() or (
    DEFAULT_BROKER if IN_CI else "")
ROOT = Path(__file__).resolve().parents[2]


def _ctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextlib.contextmanager
def private_vhost() -> Iterator[str]:
    """A broker URL on a fresh vhost (the configured URL itself without rabbitmqctl)."""
    if not BROKER_URL:
        pytest.skip("broker tests: set RECON_TEST_BROKER_URL (CI=true does) to run them")
    try:
        with Connection(BROKER_URL, connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:
        pytest.fail(f"RabbitMQ at {BROKER_URL} is unreachable: {exc}")
    if shutil.which("rabbitmqctl") is None:
        yield BROKER_URL
        return
    vhost = f"recon_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    user = urlsplit(BROKER_URL).username or "guest"
    _ctl("add_vhost", vhost)
    _ctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
    parts = urlsplit(BROKER_URL)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{vhost}", "", ""))
    finally:
        _ctl("delete_vhost", vhost)


class OwnNode:
    """A RabbitMQ node of this test run on ports of its own, to restart at will (the machine's
    shared node is never touched). Needs ``rabbitmq-server`` and root (it runs as rabbitmq)."""

    def __init__(self, base: Path) -> None:
        self.port, dist = _free_port(), _free_port()
        self.name = f"recon_test_{os.getpid()}@localhost"
        base.mkdir(parents=True, exist_ok=True)
        (base / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
        (base / "plugins").write_text("[].\n")
        subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", str(base)], check=True)
        self.env = {**os.environ, "RABBITMQ_NODENAME": self.name,
                    "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(dist),
                    "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
                    "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "plugins"),
                    "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
                    "RABBITMQ_LOG_BASE": str(base / "log"),
                    "RABBITMQ_PID_FILE": str(base / "pid")}
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}//"

    @staticmethod
    def available() -> bool:
        return shutil.which("rabbitmq-server") is not None and os.geteuid() == 0

    def ctl(self, *args: str) -> None:
        subprocess.run(["rabbitmqctl", "-n", self.name, "-q", "--timeout", "120", *args],
                       check=True, capture_output=True, timeout=180, env=self.env)

    def start(self) -> None:
        subprocess.run(["rabbitmq-server", "-detached"], check=True, env=self.env,
                       capture_output=True, timeout=60)
        wait_until(self._listening, 180, f"RabbitMQ node {self.name} did not start")
        self.ctl("await_startup")

    def restart(self) -> None:
        """Stop and start the broker application (connections dropped, durable queues and
        persistent messages kept), as a broker restart does."""
        self.ctl("stop_app")
        self.ctl("start_app")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.ctl("stop")

    def _listening(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(
                ("127.0.0.1", self.port), timeout=0.5):
            return True
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def via(url: str, port: int) -> str:
    """``url`` with its host:port replaced by 127.0.0.1:``port`` (through a `TcpProxy`)."""
    parts = urlsplit(url)
    auth = parts.netloc.rpartition("@")[0]
    netloc = f"{auth}@127.0.0.1:{port}" if auth else f"127.0.0.1:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def with_app_name(db_url: str, name: str) -> str:
    return f"{db_url}{'&' if '?' in db_url else '?'}application_name={name}"


class Proc:
    """One ``recon worker`` or ``recon beat`` process (own process group, log in a file)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name, self.log = name, logs / f"{name}.log"
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "recon", *args], cwd=logs, env=env,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, pattern: str, timeout: float = 60) -> None:
        wait_until(lambda: re.search(pattern, self.text()) is not None, timeout,
                   f"{self.name}: no {pattern!r} in its log:\n{self.text()[-3000:]}",
                   alive=self)

    def kill(self) -> None:
        """SIGKILL the whole process group (the worker and its pool: a lost machine)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until(check: Callable[[], bool], timeout: float, message: str,
               alive: Proc | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if alive is not None and alive.popen.poll() is not None:
            raise AssertionError(f"{alive.name} exited ({alive.popen.returncode}): {message}")
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.1)


class Fleet:
    """The worker and beat processes of one test module; all stopped at the end."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.procs: dict[str, Proc] = {}

    def worker(self, name: str, **env: str) -> Proc:
        proc = Proc(name, ["worker", "--pool", "prefork", "--concurrency", "2", "--hostname",
                           f"{name}@%h", "--without-gossip", "--without-mingle"],
                    {**self.env, **env}, self.logs)
        self.procs[name] = proc
        return proc

    def beat(self, name: str, **env: str) -> Proc:
        proc = Proc(name, ["beat", "--schedule", str(self.logs / f"{name}.schedule")],
                    {**self.env, **env}, self.logs)
        self.procs[name] = proc
        return proc

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.stop()
