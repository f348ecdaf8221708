"""``recon dunning run [--dry-run] [--date]`` and ``recon statements customer`` (CLI edge of the
collections area). The run prints one line per reminder (masked address) and per held invoice
with its reasons; exit code 0, or 1 when a reminder failed to go out.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from sqlalchemy import select

from recon.cli.context import CliContext, pass_ctx
from recon.collections import DunningSettings, run_dunning
from recon.collections.delivery import statement_html
from recon.customer_statements import build_statement, parse_period
from recon.customer_statements.render import to_pdf, to_xlsx
from recon.errors import ServiceError
from recon.models import Customer

__all__ = ["customer_statement", "dunning"]


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


@click.command("customer")
@click.argument("customer")
@click.option("--period", required=True, metavar="YYYY-MM", help="The month of the statement.")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "xlsx"]), default="html",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: statement-CUSTOMER-PERIOD.FORMAT).")
@pass_ctx
def customer_statement(obj: CliContext, customer: str, period: str, fmt: str,
                       output: Path | None) -> None:
    """Statement of account (对账单) of CUSTOMER (its external id) for a month."""
    try:
        start, end = parse_period(period)
    except ServiceError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from exc
    with obj.session_factory() as session:
        row = session.scalar(select(Customer).filter_by(external_id=customer))
        if row is None:
            raise click.ClickException(f"no customer {customer!r}")
        if fmt == "xlsx":
            data = to_xlsx(build_statement(session, row, start, end), language=row.language)
        else:
            html = statement_html(session, row, period)
            data = to_pdf(html) if fmt == "pdf" else html.encode()
    target = output or Path(f"statement-{customer}-{period}.{fmt}")
    target.write_bytes(data)
    click.echo(f"wrote {target}")
