"""Gunicorn hooks of the web server: `recon serve` installs them; a gunicorn started by hand
takes them with ``-c python:web.gunicorn_config`` (the webhook benchmark does).

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

__all__ = ["freeze_startup_objects", "post_worker_init", "when_ready"]


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
