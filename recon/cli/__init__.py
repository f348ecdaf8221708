"""The ``recon`` command line: a click group; each area adds its commands in its own module."""

from __future__ import annotations

import logging
import sys

import click

from recon.cli.context import CliContext
from recon.config import AppSettings, ConfigError

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", "database_url", metavar="URL", help="Database URL (overrides RECON_DATABASE_URL)."
)
@click.option(
    "--actor", metavar="NAME", help="Name recorded in the audit log (default cli:<user>)."
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="recon-service")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, actor: str | None, verbose: int) -> None:
    """Bank-statement reconciliation and payment-gateway integration."""
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not isinstance(ctx.obj, CliContext):  # tests may hand in a prepared context
        try:
            settings = AppSettings.from_env(database_url=database_url)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from exc
        ctx.obj = CliContext(settings=settings, actor_name=actor)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    from recon.cli import db, demo, invoices, matches

    commands: list[click.Command] = [db.db, demo.demo, invoices.invoices, matches.matches]
    for command in commands:
        main.add_command(command)
    for module in _optional_modules():
        main.add_command(module)


def _optional_modules() -> list[click.Command]:
    """Commands of the other areas, listed in ``COMMANDS`` as ``module:attribute``."""
    import importlib

    found = []
    for spec in COMMANDS:
        module_name, _, attr = spec.partition(":")
        found.append(getattr(importlib.import_module(module_name), attr))
    return found


# Each area appends its command here (one line): "recon.cli.<module>:<click object>".
COMMANDS: list[str] = [
    "recon.cli.gateways:gateways",
    "recon.cli.users:users",
    "recon.cli.users:tokens",
    "recon.cli.serve:serve",
    "recon.cli.run:run",
    "recon.cli.statements:statements",
    "recon.cli.statements:profiles",
    "recon.cli.match:match",
]

_register()
