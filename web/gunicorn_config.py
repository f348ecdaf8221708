"""The web server's gunicorn settings and hooks: the one home of both. `recon serve` takes them
(`settings`); a gunicorn started by hand takes them with ``-c python:web.gunicorn_config``
(the webhook benchmark does), since gunicorn reads a config module's names as its settings.

Why gthread with `THREADS` threads a worker: a webhook delivery holds its thread while it waits
for its group commit (`recon.gateway.group_commit`), not a database connection -- the worker's
writer thread stores the batch on one connection -- so a thread per kept-alive connection the
worker may be handed costs little, and a delivery arriving at a worker whose threads are all
taken waits for one of them. Gunicorn's workers share one listening socket by default, and the
first worker awake accepts: at the start of a burst one worker took 1,307 and the other 5,389
of 6,655 deliveries over 32 kept-alive connections, and the busier one's connections queued
for its 16 threads. `reuse_port` gives each worker a listening socket of its own
(``SO_REUSEPORT``), among which the kernel spreads new connections evenly, and 32 threads serve
even an uneven spread of 32 connections without a wait.

Why the garbage collector's start-up objects are frozen: a web worker holds about 215,000
long-lived objects (Flask, SQLAlchemy, Celery, our modules) and every full collection walks them
all -- 120-145 ms of CPU holding the GIL (0.24-0.58 s of wall time measured on a busy machine),
during which no thread of the process runs, the webhook writer included. Under a webhook burst one
came every few thousand requests per process, and every delivery that process held waited it out:
that was the acknowledgements' p99. `gc.freeze` moves the objects alive after start-up out of the
collector's reach (they live as long as the process); what is made later is collected as before,
and a full collection walks only that. The master freezes once before it forks (the workers do not
then touch, and copy, its objects' pages); each worker freezes once the app is loaded (it loads it
itself when gunicorn is given ``web:create_app()``).
"""

from __future__ import annotations

import gc
from typing import Any

__all__ = [
    "THREADS", "freeze_startup_objects", "post_worker_init", "reuse_port", "settings", "threads",
    "when_ready", "worker_class",
]

THREADS = 32  # request threads per worker process (`recon serve --threads`)

# gunicorn settings (a config module's names are read as settings; `settings` lists them)
worker_class = "gthread"
threads = THREADS
reuse_port = True


def freeze_startup_objects() -> None:
    """Free start-up's garbage, then freeze everything still alive (permanent generation)."""
    gc.collect()
    gc.freeze()


def when_ready(_server: Any) -> None:
    """Master, once, before the first fork."""
    freeze_startup_objects()


def post_worker_init(_worker: Any) -> None:
    """Each worker, once its app is loaded, before it serves a request."""
    freeze_startup_objects()


def settings() -> dict[str, Any]:
    """This module's gunicorn settings and hooks, for a server built in code (`recon serve`)."""
    return {
        "worker_class": worker_class, "threads": threads, "reuse_port": reuse_port,
        "when_ready": when_ready, "post_worker_init": post_worker_init,
    }
