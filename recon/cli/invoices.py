"""``recon invoices import FILE``: open invoices and customers from the ERP (CSV or JSON)."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from recon.cli.context import CliContext, pass_ctx
from recon.cli.output import output_file
from recon.invoices.imports import InvoiceImportError, import_invoices
from recon.invoices.rows import RowError
from recon.reports.export import safe_cell

__all__ = ["invoices"]


@click.group()
def invoices() -> None:
    """Invoices and customers."""


@invoices.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-bad", is_flag=True, help="Import the good rows; write rejects beside FILE.")
@pass_ctx
def import_cmd(obj: CliContext, file: Path, skip_bad: bool) -> None:
    """Upsert invoices by invoice_no (one transaction; any bad row writes nothing)."""
    size = file.stat().st_size
    if size > obj.settings.max_upload_bytes:
        raise click.ClickException(
            f"{file}: {size} bytes is over the limit of {obj.settings.max_upload_bytes}"
        )
    try:
        with obj.session_factory.begin() as session:
            report = import_invoices(
                session, str(file), file.read_bytes(), actor=obj.actor, skip_bad=skip_bad
            )
    except InvoiceImportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(report.summary())
    if report.rejected:
        target = _write_rejects(file, report.rejected)
        click.echo(f"{len(report.rejected)} rejected row problem(s) written to {target}", err=True)


def _write_rejects(file: Path, errors: list[RowError]) -> Path:
    target = file.with_name(f"{file.stem}.rejects.csv")
    columns: list[str] = []
    for error in errors:
        columns += [c for c in error.raw if c not in columns]
    with output_file(target, newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["row", "field", "error", *columns])
        for e in errors:
            cells = [safe_cell(str(e.raw.get(c, ""))) for c in columns]
            writer.writerow([e.row or "", e.field or "", safe_cell(e.message), *cells])
    return target
