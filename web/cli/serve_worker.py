"""The event processor process that ``recon serve`` runs beside gunicorn in ``process`` mode.

Started when gunicorn's master is ready, restarted (after a pause) if it exits, stopped with
SIGTERM when the master exits: it finishes the event in hand, the rest stay pending in the
inbox for the next start, so a restart loses nothing. If the master is killed outright the
worker notices it has been re-parented and stops within a second.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Mapping

__all__ = ["EventWorkerSupervisor"]

log = logging.getLogger(__name__)


class EventWorkerSupervisor:
    """Keep one ``python -m recon gateways worker`` running until `stop`."""

    def __init__(self, database_url: str, *, restart_after: float = 2.0,
                 env: Mapping[str, str] | None = None, args: tuple[str, ...] = ()) -> None:
        self._env = {**(os.environ if env is None else env), "RECON_DATABASE_URL": database_url}
        self._cmd = [sys.executable, "-m", "recon", "gateways", "worker", "--parent",
                     str(os.getpid()), *args]
        self._restart_after = restart_after
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self.starts = 0

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._keep_running, name="event-worker-supervisor",
                                        daemon=True)
        self._thread.start()

    def _keep_running(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                if self._stopping.is_set():
                    return
                # its own session: a Ctrl-C meant for the server does not stop it before the
                # server does (no "exited, restarting" at shutdown); --parent ends it
                # if the server dies without stopping it
                self._proc = subprocess.Popen(self._cmd, env=self._env, start_new_session=True)
                self.starts += 1
            code = self._proc.wait()
            if not self._stopping.is_set():
                log.warning("gateway event worker exited with %s; restarting", code)
                self._stopping.wait(self._restart_after)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the worker and wait for it (SIGKILL after `timeout`)."""
        with self._lock:
            self._stopping.set()
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._thread is not None:
            self._thread.join(timeout)
