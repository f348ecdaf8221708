"""``recon serve``: the web UI and API under gunicorn (several workers); ``--dev`` uses Flask's
development server with the debugger off. Settings come from the environment as everywhere;
a missing ``RECON_SECRET_KEY`` outside test/demo stops the server before it starts. It serves
only: background work goes to Celery workers (``recon worker``, ``recon beat``; see
docs/deploy.md), or runs in-process when no broker is configured.
"""

from __future__ import annotations

import os
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from recon.cli.context import CliContext, pass_ctx
from web import gunicorn_config

__all__ = ["serve"]


def default_workers() -> int:
    """One process per core: each runs ``--threads`` threads (gthread), so a request waiting on
    the database does not hold a whole process, and kept-alive connections are served."""
    return os.cpu_count() or 1


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, help="Gunicorn worker processes (default: one per core).")
@click.option("--threads", default=gunicorn_config.THREADS, show_default=True, type=int,
              help="Threads per worker (one per connection a worker serves at once).")
@click.option("--dev", is_flag=True, help="Flask's development server (one process, reloads).")
@pass_ctx
def serve(obj: CliContext, host: str, port: int, workers: int | None, threads: int,
          dev: bool) -> None:
    """Serve the web UI, the JSON API and the webhook endpoints."""
    from recon.config import ConfigError
    from web import create_app

    obj.require_current_schema()
    settings = obj.settings
    try:
        app = create_app({"RECON_SETTINGS": settings})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    engine = app.extensions["recon.engine"]
    try:
        _run(app, engine, host, port, workers, threads, dev)
    finally:
        engine.dispose()  # the pool's connections close with the server, not at exit


def _run(app: Any, engine: Any, host: str, port: int, workers: int | None, threads: int,
         dev: bool) -> None:
    if dev:
        app.run(host=host, port=port, debug=False, use_reloader=True)
        return
    options = {
        # gthread, a listening socket per worker, the GC hooks (web.gunicorn_config)
        **gunicorn_config.settings(),
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "threads": threads,
        # each worker opens its own database connections, never the master's (SQLAlchemy docs)
        "post_fork": lambda _server, _worker: engine.dispose(close=False),
    }
    GunicornApp(app, options).run()


class GunicornApp(BaseApplication):
    """Gunicorn's documented custom-application API, serving an already built Flask app."""

    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = {"accesslog": "-", "forwarded_allow_ips": "127.0.0.1", **options}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application
