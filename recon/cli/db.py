"""``recon db``: create or upgrade the schema (only ever through Alembic migrations)."""

from __future__ import annotations

import click

from recon.cli.context import CliContext, pass_ctx
from recon.db.migrate import current_revision, head_revision, upgrade

__all__ = ["db"]


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@pass_ctx
def upgrade_cmd(obj: CliContext, revision: str) -> None:
    """Create the schema or upgrade it to the newest revision."""
    before = current_revision(obj.engine)
    upgrade(obj.engine, revision)
    after = current_revision(obj.engine)
    if before == after:
        click.echo(f"database already at {after}")
    else:
        click.echo(f"database upgraded {before or '(empty)'} -> {after}")


@db.command("current")
@pass_ctx
def current_cmd(obj: CliContext) -> None:
    """Show the schema revision of the database and of this code."""
    click.echo(f"database: {current_revision(obj.engine) or '(empty)'}")
    click.echo(f"code:     {head_revision()}")
