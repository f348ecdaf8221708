"""``recon demo``: a fresh SQLite database in ./demo with bundled sample data, and a summary."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click
from sqlalchemy import func, select

from recon.cli.context import CliContext
from recon.config import AppSettings
from recon.db.migrate import upgrade
from recon.models import Invoice
from recon.services.invoices import import_invoices

__all__ = ["demo"]


@click.command()
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo"),
    show_default=True,
    help="Where the demo database and files go.",
)
def demo(folder: Path) -> None:
    """Build a demo database from bundled samples and print what it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    db_file = folder / "recon-demo.db"
    db_file.unlink(missing_ok=True)
    settings = AppSettings.from_env(database_url=f"sqlite:///{db_file.resolve()}").with_(
        environment="demo"
    )
    obj = CliContext(settings=settings, actor_name="demo")
    try:
        upgrade(obj.engine)
        data = resources.files("recon.samples").joinpath("invoices.csv").read_bytes()
        with obj.session_factory.begin() as session:
            report = import_invoices(session, "samples/invoices.csv", data, actor="demo")
        with obj.session_factory() as session:
            total = session.scalar(select(func.count()).select_from(Invoice))
    finally:
        obj.close()
    click.echo(report.summary())
    click.echo(f"demo database: {db_file} ({total} open invoices)")
