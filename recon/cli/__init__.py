"""The ``recon`` command line: a click group whose subcommands live in one module per area.

Subcommands are imported only when used (click's documented lazy-group pattern): ``recon
invoices import`` does not pay for loading the matcher, scipy, Flask and the gateway SDKs, which
keeps a cron job or a shell loop quick to start.

Commands of outer layers (``recon serve`` and ``recon demo`` live in ``web.cli``) register
themselves as entry points in the ``recon.commands`` group (``pyproject.toml``), so this core
package never imports ``web``: the layering stays web -> recon -> leaves.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from recon.cli.context import CliContext
from recon.cli.lazyhelp import help_stand_in
from recon.config import AppSettings, ConfigError

__all__ = ["COMMANDS", "main"]

# name -> "module:attribute" of each subcommand of this package.
COMMANDS: dict[str, str] = {
    "credit": "recon.cli.credit:credit",
    "db": "recon.cli.db:db",
    "forecast": "recon.cli.forecast:forecast_group",
    "dunning": "recon.cli.dunning:dunning",
    "gateways": "recon.cli.gateways:gateways",
    "inbox": "recon.cli.inbox:inbox",
    "invoices": "recon.cli.invoices:invoices",
    "match": "recon.cli.match:match",
    "matches": "recon.cli.matches:matches",
    "profiles": "recon.cli.statements:profiles",
    "report": "recon.cli.report:report",
    "run": "recon.cli.run:run",
    "statements": "recon.cli.statements:statements",
    "tokens": "recon.cli.users:tokens",
    "users": "recon.cli.users:users",
    "worker": "recon.cli.workers:worker",
    "beat": "recon.cli.workers:beat",
}


def plugin_commands() -> dict[str, str]:
    """Subcommands other packages register under the ``recon.commands`` entry-point group."""
    from importlib.metadata import entry_points  # scans every installed package: when needed

    return {ep.name: ep.value for ep in entry_points(group="recon.commands")}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS, *plugin_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:  # a command of this package wins over a plugin's
            target = COMMANDS.get(cmd_name) or plugin_commands().get(cmd_name)
            if target is None:
                return super().get_command(ctx, cmd_name)
            module_name, _, attr = target.partition(":")
            command = getattr(importlib.import_module(module_name), attr)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``recon --help``, from the modules' source where it says the
        help plainly (lazyhelp.py), so listing the commands imports none of them."""
        known = {**plugin_commands(), **COMMANDS}
        commands = []
        for name in self.list_commands(ctx):
            cmd = self.commands.get(name) or (
                help_stand_in(name, known[name]) if name in known else None
            ) or self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                commands.append((name, cmd))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in commands])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
