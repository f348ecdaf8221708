"""``recon dunning run [--dry-run] [--date]`` (CLI edge of the collections area).

The run prints one line per reminder (masked address) and per held invoice
with its reasons; exit code 0, or 1 when a reminder failed to go out.
"""

from __future__ import annotations

import datetime as dt

import click

from recon.cli.context import CliContext, pass_ctx
from recon.collections import DunningSettings, run_dunning

__all__ = ["dunning"]


@click.group()
def dunning() -> None:
    """Payment reminders by level (dunning)."""


@dunning.command("run")
@click.option("--dry-run", is_flag=True, help="Show what would be sent and why; send nothing.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Run as of this day.")
@pass_ctx
def run_cmd(obj: CliContext, dry_run: bool, day: dt.datetime | None) -> None:
    """Send the reminders due today (after matching; the daily run does this too)."""
    settings = DunningSettings.from_env(obj.settings)
    result = run_dunning(obj.session_factory, (day or dt.datetime.now()).date(), settings,
                         actor=obj.actor, dry_run=dry_run)
    for r in result.plan.reminders:
        state = "HELD " + ",".join(r.held) if r.held else ("would send" if dry_run else "due")
        total = ", ".join(f"{v} {c}" for c, v in sorted(r.totals.items()))
        click.echo(f"{state}: {r.customer_name} level {r.level} ({r.level_name}) "
                   f"{r.channel} {r.masked_address or '-'}: "
                   f"{', '.join(i.invoice_no for i in r.invoices)} = {total}")
    for h in result.plan.held:
        click.echo(f"held: {h.invoice_no} ({h.customer_name}, {h.level_name}): "
                   f"{', '.join(h.reasons)}")
    click.echo(" ".join(f"{k}={v}" for k, v in result.summary().items()))
    if result.outcomes.get("failed"):
        raise SystemExit(1)
