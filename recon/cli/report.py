"""``recon report``: the daily report files (HTML, XLSX, CSV, JSON) now, without a run.

Publishes ``recon.daily_report`` (a worker writes the files; without a broker it runs here) and,
with ``--wait``, waits for the job's outcome and prints where the files are.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid

import click

from recon.cli.context import CliContext, pass_ctx

__all__ = ["report"]


@click.command()
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="As of this day (default today).")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="Wait until the files are written (a worker writes them).")
@click.option("--timeout", type=float, default=600.0, show_default=True)
@pass_ctx
def report(obj: CliContext, day: dt.datetime | None, wait: bool, timeout: float) -> None:
    """Write the daily report now (on a worker when RECON_BROKER_URL is set)."""
    from recon.run.report_now import job_outcome
    from recon.tasks import make_celery, publish_report

    factory = obj.session_factory
    job = uuid.uuid4().hex[:16]
    publish_report(make_celery(obj.settings, obj.engine), obj.actor, job,
                   day.date() if day else None)
    deadline = time.monotonic() + timeout
    while wait:
        with factory() as session:
            outcome = job_outcome(session, job)
        if outcome is not None:
            if outcome.get("state") != "done":
                raise click.ClickException(f"report {job} failed: {outcome.get('error')}")
            click.echo(f"report {job} written to {outcome['folder']}: "
                       f"{', '.join(outcome['files'])}")
            return
        if time.monotonic() > deadline:
            raise click.ClickException(f"report {job} not written after {timeout:.0f} s")
        time.sleep(0.5)
    click.echo(f"report {job} queued")
