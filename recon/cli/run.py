"""``recon run``: the daily unattended run (import inbox, retry events, match, report, mail).

Exit codes: 0 all clean, 1 finished but something needs a human, 2 failed (including "another
run holds the lock"). A human summary goes to stderr (with a progress bar on a terminal);
``--json`` prints one JSON object on stdout.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from recon.access.runtime import REPORT_LANGUAGES
from recon.audit import jsonable
from recon.cli.context import CliContext, pass_ctx
from recon.config import ConfigError
from recon.run.daily import RunResult, daily_run
from recon.run.lock import RunLockBusy
from recon.run.notify import mail_summary
from recon.run.settings import RunSettings

__all__ = ["run"]

log = logging.getLogger(__name__)

_DIR = click.Path(file_okay=False, path_type=Path)


@click.command()
@click.option("--inbox", type=_DIR, help="Inbox folder (default RECON_INBOX_DIR or ./inbox).")
@click.option("--reports", type=_DIR, help="Reports folder (default RECON_REPORTS_DIR).")
@click.option(
    "--date",
    "run_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Run date (default today): archive folder, report folder, ages.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
@click.option("--no-match", is_flag=True, help="Import and report, but do not run matching.")
@click.option("--lang", type=click.Choice(sorted(REPORT_LANGUAGES)),
              help="Language of the report, the summary and the e-mail for this run (default: "
                   "the report_language setting).")
@click.option(
    "--attention-days",
    type=click.IntRange(min=0),
    help="Unmatched items this old need a human (RECON_ATTENTION_AGE_DAYS, 0).",
)
@pass_ctx
def run(
    obj: CliContext,
    inbox: Path | None,
    reports: Path | None,
    run_date: dt.datetime | None,
    as_json: bool,
    no_match: bool,
    attention_days: int | None,
    lang: str | None,
) -> None:
    """The daily run: exit 0 clean, 1 needs a human, 2 failed."""
    try:
        options = RunSettings.from_env(
            obj.settings,
            inbox=inbox,
            reports=reports,
            run_date=run_date.date() if run_date else None,
            attention_age_days=attention_days,
            match=False if no_match else None,
            report_language=lang,
        )
        factory = obj.session_factory
        result = daily_run(
            factory,
            obj.engine,
            options,
            actor=obj.actor_name or "cron",
            max_bytes=obj.settings.max_file_bytes,
            progress=_progress(),
        )
    except RunLockBusy as exc:
        _say(f"recon run: not started: {exc}")
        _emit_json(as_json, {"status": "busy", "exit_code": 2, "error": str(exc)})
        sys.exit(2)
    except (ConfigError, click.ClickException) as exc:  # bad setting, schema not current
        message = exc.message if isinstance(exc, click.ClickException) else str(exc)
        _say(f"recon run: configuration error: {message}")
        _emit_json(as_json, {"status": "failed", "exit_code": 2, "error": message})
        sys.exit(2)
    except Exception as exc:  # database unreachable, disk full while recording the failure
        log.exception("recon run failed outside a step")
        _say(f"recon run: failed: {type(exc).__name__}: {exc}")
        _emit_json(as_json, {"status": "failed", "exit_code": 2, "error": str(exc)})
        sys.exit(2)
    _clear_progress()
    _say(result.text)
    _mail(options, result)
    _emit_json(as_json, result.summary)
    sys.exit(result.exit_code)


def _say(text: str) -> None:
    click.echo(text, err=True)


def _emit_json(enabled: bool, payload: dict[str, Any]) -> None:
    if enabled:
        click.echo(json.dumps(jsonable(payload), ensure_ascii=False, sort_keys=True))


def _mail(options: RunSettings, result: RunResult) -> None:
    warning = mail_summary(options, result)
    if warning:
        _say(warning)


def _progress():
    """A progress callback: a one-line bar on a terminal, silent otherwise."""
    if not sys.stderr.isatty():
        return lambda _what, _done, _total: None

    def show(what: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {done}/{total} {what[:40]:<40}")
        sys.stderr.flush()

    return show


def _clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 90 + "\r")
        sys.stderr.flush()
