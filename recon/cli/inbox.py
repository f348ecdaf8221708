"""``recon inbox fetch``: pull new bank files from the configured SFTP sources into the inbox.

Sources come from the JSON file ``--sources`` or ``RECON_SFTP_SOURCES``
(`recon.inbox_fetch.sources`).  Exit 1 when any source failed (the others are still fetched).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from recon.cli.context import CliContext, pass_ctx

__all__ = ["inbox"]


@click.group()
def inbox() -> None:
    """The inbox of bank files."""


@inbox.command("fetch")
@click.option(
    "--sources",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SFTP sources JSON (default: RECON_SFTP_SOURCES)",
)
@pass_ctx
def fetch_cmd(obj: CliContext, sources: Path | None) -> None:
    """Download files not fetched before (name, size, mtime and content remembered)."""
    from recon.inbox_fetch.sftp import fetch_all
    from recon.inbox_fetch.sources import SourceError, load_sources

    path = sources or (
        Path(os.environ["RECON_SFTP_SOURCES"]) if os.environ.get("RECON_SFTP_SOURCES") else None
    )
    if path is None:
        raise click.ClickException("no SFTP sources: give --sources or set RECON_SFTP_SOURCES")
    try:
        configured = load_sources(path)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    reports, errors = fetch_all(
        obj.session_factory, configured, obj.settings.inbox_dir, actor=obj.actor
    )
    for report in reports:
        click.echo(report.summary())
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if errors:
        raise SystemExit(1)
