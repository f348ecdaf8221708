"""``recon db``: create or upgrade the schema (only ever through Alembic migrations), and check
stored amounts whose currency's minor units changed with the one ISO 4217 table."""

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


@db.command("check")
@pass_ctx
def check_cmd(obj: CliContext) -> None:
    """List rows in currencies whose minor units older releases may have stored differently
    (babel's CLDR digits instead of ISO 4217); exit 1 when there are any to review."""
    from recon.db.digits import rows_to_review

    with obj.session_factory() as session:
        findings = rows_to_review(session)
    if not findings:
        click.echo("no stored amount depends on the old currency digits")
        return
    for f in findings:
        click.echo(f"{f.table}: {f.rows} row(s) in {f.currency} (ISO 4217: {f.iso_digits} "
                   "decimals) -- check they were not stored with 0 decimals")
    raise SystemExit(1)
