"""``recon statements import|list`` and ``recon profiles list`` (CLI edge of the statements area).

Each file is imported in its own transaction (``session_factory.begin()``): a refused
file writes nothing and the others still import; the exit code is 1 when any file was
refused. On a terminal a progress bar follows the line inserts of large files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from importers import ImportFailure, Limits, Source, by_name, shipped
from recon.cli.context import CliContext, pass_ctx
from recon.statements.imports import StatementImportError, import_statement, list_statements

__all__ = ["profiles", "statements"]

BAR_FROM = 5000
"""Show a progress bar when a file has at least this many lines to write."""


@click.group()
def statements() -> None:
    """Bank statements (OFX, camt, MT940, BAI2, CSV/XLSX profiles)."""


def _check_format(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value not in ("auto", "csv", "xlsx"):
        try:
            by_name(value)
        except ImportFailure as exc:
            raise click.BadParameter(str(exc).split(": ", 2)[-1]) from exc
    return value


@statements.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--account", metavar="ID", help="Account the file is for (must agree with it).")
@click.option("--format", "fmt", default="auto", show_default=True, callback=_check_format,
              metavar="auto|ofx|camt|mt940|bai2|csv:PROFILE|xlsx:PROFILE",
              help="File format; auto identifies it.")
@click.option("--currency", metavar="CCY", help="Currency when neither file nor account says.")
@pass_ctx
def import_cmd(obj: CliContext, files: tuple[Path, ...], account: str | None, fmt: str,
               currency: str | None) -> None:
    """Import statement FILES, one transaction per file."""
    failed = 0
    for file in files:
        try:
            report = _import_file(obj, file, account, fmt, currency)
        except (ImportFailure, StatementImportError) as exc:
            failed += 1
            click.echo(f"refused: {exc}", err=True)
            continue
        click.echo(report.summary())
        for warning in report.warnings[:20]:
            click.echo(f"  warning: {warning}", err=True)
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} file(s) refused; nothing of "
                                   "those was written")


def _import_file(obj: CliContext, file: Path, account, fmt, currency):
    limits = Limits.for_size(obj.settings.max_file_bytes)  # local files: not the web's cap
    source = Source.from_path(file, limits=limits)
    with _Bar(file.name) as bar, obj.session_factory.begin() as session:
        return import_statement(session, source, actor=obj.actor, account=account, fmt=fmt,
                                currency=currency, strict=obj.settings.balance_check_strict,
                                limits=limits, progress=bar.update)


class _Bar:
    """A click progress bar, opened on the first update of a large file on a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None
        self.tty = sys.stdout.isatty()

    def update(self, done: int, total: int) -> None:
        if self.bar is None and self.tty and total >= BAR_FROM:
            self.bar = click.progressbar(length=total, label=self.label)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done)

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@statements.command("list")
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of a table.")
@pass_ctx
def list_cmd(obj: CliContext, as_json: bool) -> None:
    """One entry per imported statement."""
    with obj.session_factory() as session:
        rows = list_statements(session)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(f"{row['id']:>5} {row['account']:<28} {row['currency']} {row['format']:<18} "
                   f"{row['opening'] or '-':>14} -> {row['closing'] or '-':>14} "
                   f"{row['lines']:>6} line(s)  {row['imported_at'][:19]}")


@click.group()
def profiles() -> None:
    """CSV/XLSX bank export profiles."""


@profiles.command("list")
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of a table.")
def profiles_list(as_json: bool) -> None:
    """The shipped profiles and the header columns that identify their files."""
    rows = [{"format": p.format_name, "title": p.title, "kind": p.kind,
             "header": list(p.header) or list(p.columns)} for p in shipped()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        click.echo(f"{row['format']:<28} {row['title']}")
        click.echo(f"{'':<28} columns: {', '.join(row['header'])}")


def _customer_statement() -> None:
    """``recon statements customer`` lives in its own module (recon.cli.customer_statement)."""
    from recon.cli.customer_statement import customer_statement

    statements.add_command(customer_statement, "customer")


_customer_statement()
