"""``recon match``: run the matcher on the open items and apply what it is sure of."""

from __future__ import annotations

import json

import click

from recon.cli.context import CliContext, pass_ctx
from recon.matchrun.service import run_matching

__all__ = ["match"]


@click.command("match")
@click.option("--auto-threshold", type=click.FloatRange(0, 1), help="Confidence to auto-confirm.")
@click.option("--suggest-threshold", type=click.FloatRange(0, 1), help="Confidence to suggest.")
@click.option("--dry-run", is_flag=True, help="Compute and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_ctx
def match(
    obj: CliContext,
    auto_threshold: float | None,
    suggest_threshold: float | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Match receipts to open invoices and payouts to deposits; one transaction."""
    auto = auto_threshold if auto_threshold is not None else float(obj.settings.auto_threshold)
    suggest = (
        suggest_threshold
        if suggest_threshold is not None
        else float(obj.settings.suggest_threshold)
    )
    if suggest > auto:
        raise click.BadParameter("--suggest-threshold must not exceed --auto-threshold")
    factory = obj.session_factory
    if dry_run:  # read only: nothing is written, and the session is rolled back anyway
        with factory() as session:
            report = run_matching(session, actor=obj.actor, auto_threshold=auto,
                                  suggest_threshold=suggest, dry_run=True,
                                  fx_rules=obj.settings.fx_rules)  # fmt: skip
            session.rollback()
    else:
        with factory.begin() as session:  # one transaction for the whole run
            report = run_matching(session, actor=obj.actor, auto_threshold=auto,
                                  suggest_threshold=suggest,
                                  fx_rules=obj.settings.fx_rules)  # fmt: skip
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=1))
    else:
        click.echo(report.summary())
    if report.errors:
        for line in report.errors[:20]:
            click.echo(f"  error: {line}", err=True)
