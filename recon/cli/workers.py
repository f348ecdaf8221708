"""``recon worker`` and ``recon beat``: Celery's own commands with the recon app preconfigured.

Every argument after the command goes to Celery unchanged (``recon worker --concurrency 4
--hostname w1@%h``, ``recon beat --schedule /var/lib/recon/beat``), so Celery's documentation
applies as written. Both need ``RECON_BROKER_URL``: without a broker tasks run in-process and
there is nothing to start. The database schema must be current, as for ``recon serve``.
"""

from __future__ import annotations

import click
from celery import Celery

from recon.cli.context import CliContext, pass_ctx

__all__ = ["beat", "worker"]

_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True,
                 "help_option_names": []}


def _celery(obj: CliContext) -> Celery:
    from recon.tasks import make_celery

    if not obj.settings.tasks.broker_url:
        raise click.ClickException(
            "RECON_BROKER_URL is not set: background tasks run in-process, no worker needed "
            "(set it, e.g. amqp://guest:guest@127.0.0.1:5672//, to run workers)")
    obj.require_current_schema()
    return make_celery(obj.settings)


@click.command(context_settings=_PASS_THROUGH)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@pass_ctx
def worker(obj: CliContext, celery_args: tuple[str, ...]) -> None:
    """A Celery worker for webhook events, the daily run and the sweep (``celery worker``
    options pass through; default queues recon.events and recon.runs)."""
    _celery(obj).worker_main(["worker", "--loglevel=INFO", *celery_args])


@click.command(context_settings=_PASS_THROUGH)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@pass_ctx
def beat(obj: CliContext, celery_args: tuple[str, ...]) -> None:
    """Celery beat: the sweep every RECON_SWEEP_EVERY s, the daily run at RECON_DAILY_RUN_AT
    (run exactly one beat per deployment; ``celery beat`` options pass through)."""
    _celery(obj).start(["beat", "--loglevel=INFO", *celery_args])
