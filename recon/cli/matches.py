"""``recon matches export``: the cash-application file for the ERP."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from recon.cli.context import CliContext, pass_ctx
from recon.cli.output import output_file
from recon.reports.export import export_records, export_rows, write_csv_records, write_json

__all__ = ["matches"]


@click.group()
def matches() -> None:
    """Matches and their allocations."""


@matches.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout)."
)
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only matches made on or after DATE."
)
@click.option("--confirmed", is_flag=True, help="Only auto and manual matches (for ERP posting).")
@pass_ctx
def export_cmd(
    obj: CliContext, fmt: str, output: Path | None, since: dt.datetime | None, confirmed: bool
) -> None:
    """One row per allocation: bank_ref, invoice_no, amount, status, confidence, ..."""
    with obj.session_factory() as session:
        args = {"confirmed_only": confirmed, "since": since.date() if since else None}
        if fmt == "json":
            rows, writer = export_rows(session, **args), write_json
        else:  # tuples, no dict per row
            rows, writer = export_records(session, **args), write_csv_records
        if output is None:
            count = writer(rows, sys.stdout)
        else:
            with output_file(output, newline="", encoding="utf-8") as out:
                count = writer(rows, out)
    click.echo(f"exported {count} allocation(s)", err=True)
