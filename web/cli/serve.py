"""``recon serve``: the web UI and API under gunicorn (several workers); ``--dev`` uses Flask's
development server with the debugger off. Settings come from the environment as everywhere;
a missing ``RECON_SECRET_KEY`` outside test/demo stops the server before it starts. In
``process`` mode for webhook events (the default on PostgreSQL, see `serving_settings`) it also
runs -- and restarts if it dies -- ``recon gateways worker`` beside gunicorn.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from recon.cli.context import CliContext, pass_ctx
from recon.config import AppSettings

__all__ = ["serve"]


def default_workers() -> int:
    """One process per core: each runs ``--threads`` threads (gthread), so a request waiting on
    the database does not hold a whole process, and kept-alive connections are served."""
    return os.cpu_count() or 1


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, help="Gunicorn worker processes (default: one per core).")
@click.option("--threads", default=8, show_default=True, type=int, help="Threads per worker.")
@click.option("--event-workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Webhook event worker processes in `process` mode, sharded by event id: "
                   "more work off a burst sooner, at some cost to the answers' tail latency "
                   "while it lasts.")
@click.option("--dev", is_flag=True, help="Flask's development server (one process, reloads).")
@pass_ctx
def serve(obj: CliContext, host: str, port: int, workers: int | None, threads: int,
          event_workers: int, dev: bool) -> None:
    """Serve the web UI, the JSON API and the webhook endpoints."""
    from recon.config import ConfigError
    from web import create_app

    obj.require_current_schema()
    settings = serving_settings(obj.settings, dev=dev)
    try:
        app = create_app({"RECON_SETTINGS": settings})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    if dev:
        app.run(host=host, port=port, debug=False, use_reloader=True)
        return
    engine = app.extensions["recon.engine"]
    event_procs = []
    if settings.webhook_processing == "process":
        from web.cli.serve_worker import EventWorkerSupervisor

        n = event_workers
        event_procs = [EventWorkerSupervisor(settings.database_url, args=("--shard", f"{k}/{n}"))
                       for k in range(n)]
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "worker_class": "gthread",
        "threads": threads,
        # each worker opens its own database connections, never the master's (SQLAlchemy docs)
        "post_fork": lambda _server, _worker: engine.dispose(close=False),
    }
    if event_procs:  # the event processor processes (RECON_WEBHOOK_PROCESSING=process)
        options["when_ready"] = lambda _server: [p.start() for p in event_procs]
        options["on_exit"] = lambda _server: [p.stop() for p in event_procs]
    GunicornApp(app, options).run()


def serving_settings(settings: AppSettings, *, dev: bool,
                     env: Mapping[str, str] | None = None) -> AppSettings:
    """The settings `serve` runs with: on PostgreSQL, unless ``RECON_WEBHOOK_PROCESSING`` says
    otherwise, webhook events are processed by the separate worker process (``process``), which
    keeps the acknowledgments fast under load; SQLite (one writer) and ``--dev`` keep the
    configured mode."""
    explicit = (os.environ if env is None else env).get("RECON_WEBHOOK_PROCESSING", "").strip()
    if explicit or dev or not settings.database_url.startswith("postgresql"):
        return settings
    return settings.with_(webhook_processing="process")


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
