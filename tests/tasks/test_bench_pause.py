"""The webhook benchmark's ``--pause-workers``: the Celery worker processes (and their children)
are stopped for the measured load and run again after it, and a stopped one still stops when
the benchmark ends."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchmarks.webhook_servers import Celery

CHILD = ("import subprocess, sys, time; "
         "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)")


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _wait_state(pids: list[int], wanted: set[str], timeout: float = 10) -> list[str]:
    deadline = time.time() + timeout
    while True:
        states = [_state(pid) for pid in pids]
        if all(s in wanted for s in states) or time.time() > deadline:
            return states


def test_pause_stops_every_worker_process_and_resume_runs_them(tmp_path):
    celery = Celery("postgresql+psycopg://unused/x?a=b", "amqp://unused//", tmp_path, None)
    proc = subprocess.Popen([sys.executable, "-c", CHILD], start_new_session=True)
    celery.workers.append(proc)
    try:
        deadline = time.time() + 10
        while len(celery.pids()) < 2 and time.time() < deadline:  # the worker and its child
            time.sleep(0.05)
        pids = celery.pids()
        assert len(pids) == 2
        # a process still starting may sit in disk sleep (D), where a stop waits: let both
        # reach their sleep first, and allow a loaded machine its time
        assert _wait_state(pids, {"S"}, timeout=60) == ["S", "S"]
        celery.pause(True)
        assert _wait_state(pids, {"T", "t"}, timeout=60) in (["T", "T"], ["t", "t"])
        celery.pause(False)
        assert all(s in {"S", "R"} for s in _wait_state(pids, {"S", "R"}, timeout=60))
        celery.pause(True)
    finally:
        celery.stop()  # SIGTERM reaches the stopped worker too
    assert proc.wait(10) != 0
