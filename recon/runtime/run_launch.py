"""Start ``recon run`` in a process of its own (the API's "run now"), without waiting for it.

A daily run can take minutes; a web request should not hold a worker thread that long, and the
run's CPU-bound matching should not share a web worker's GIL. So the API checks that the run
lock is free (409 otherwise), starts ``python -m recon run`` detached from the request, and
answers at once; the run records itself in ``recon_run`` as ever, and ``GET /api/v1/runs``
shows it. The lock is taken again by the run itself: if another run slips in between, this one
exits with 2 ("another run holds the lock") and nothing is done twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from sqlalchemy import Engine

from recon.config import AppSettings
from recon.run.lock import run_lock

__all__ = ["launch_run"]


def launch_run(app: AppSettings, engine: Engine, *, actor: str) -> int:
    """Start a run now; its process id. Raises `RunLockBusy` while another run holds the lock."""
    with run_lock(engine):  # only a check: the run takes the lock itself
        pass
    env = {
        **os.environ,
        # the settings the web app runs with, where they may come from elsewhere than the
        # environment (``recon --db``, tests); paths absolute: the run's cwd is not ours
        "RECON_DATABASE_URL": app.database_url,
        "RECON_INBOX_DIR": str(app.inbox_dir.resolve()),
        "RECON_REPORTS_DIR": str(app.reports_dir.resolve()),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "recon", "--actor", actor[:64], "run"], env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # a restart of the web worker does not take the run with it
    )
    threading.Thread(target=proc.wait, name=f"run-{proc.pid}", daemon=True).start()  # reap it
    return proc.pid
