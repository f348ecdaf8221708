"""``recon match``: run the matcher on the open items and apply what it is sure of."""

from __future__ import annotations

import json

import click
from sqlalchemy.orm import Session

from recon.access import settings_store
from recon.cli.context import CliContext, pass_ctx
from recon.matchrun.service import MatchRunReport, run_matching

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
    """Match receipts to open invoices and payouts to deposits; one transaction.

    Thresholds and the bank fee tolerance are the ones saved on the settings page (the
    environment gives the defaults); ``--auto-threshold``/``--suggest-threshold`` override them
    for this run only.
    """
    factory = obj.session_factory
    if dry_run:  # read only: nothing is written, and the session is rolled back anyway
        with factory() as session:
            report = _run(session, obj, auto_threshold, suggest_threshold, dry_run=True)
            session.rollback()
    else:
        with factory.begin() as session:  # one transaction for the whole run
            report = _run(session, obj, auto_threshold, suggest_threshold, dry_run=False)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=1))
    else:
        click.echo(report.summary())
    if report.errors:
        for line in report.errors[:20]:
            click.echo(f"  error: {line}", err=True)


def _run(session: Session, obj: CliContext, auto: float | None, suggest: float | None, *,
         dry_run: bool) -> MatchRunReport:
    engine = settings_store.load(session, obj.settings).match_settings()
    if (suggest if suggest is not None else engine.suggest_threshold) > (
            auto if auto is not None else engine.auto_threshold):
        raise click.BadParameter("--suggest-threshold must not exceed --auto-threshold")
    return run_matching(session, actor=obj.actor, auto_threshold=auto, suggest_threshold=suggest,
                        dry_run=dry_run, settings=engine, fx_rules=obj.settings.fx_rules)
