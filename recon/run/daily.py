"""The daily run (``recon run``): fetch SFTP files, import the inbox, retry events, match,
record, report.

``daily_run(factory, engine, options, actor=..., max_bytes=...)`` holds the run lock
(``RunLockBusy`` if another run has it), marks runs a killed process left ``running`` as
failed, and says "nothing to do" when the day's run already finished and nothing new came in.
Otherwise it records a ``ReconRun`` and does each step in its own transaction (one per inbox
file, per gateway event, one for matching, one to finish), so a run killed at any point leaves
a consistent database and the next run finishes the job. Returns a ``RunResult`` whose
``exit_code`` is 0 (clean), 1 (needs a human) or 2 (failed). The report and the summary text
are in ``options.report_language``, else the settings table's ``report_language``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from recon.collections import run_dunning
from recon.models import Match, ReconRun
from recon.reports.data import build_report
from recon.reports.files import write_reports
from recon.run import inbox
from recon.run.credit_step import credit_step
from recon.run.files import FileOutcome, process_file
from recon.run.idle import nothing_to_do, recover_interrupted
from recon.run.lock import run_lock
from recon.run.record import close_run, fail_run, header, iso, open_run
from recon.run.settings import RunSettings
from recon.run.steps import retry_events, run_matching
from recon.run.summary import (
    EXIT_CODES,
    attention_items,
    attention_reasons,
    provenance_counts,
    summarize,
    summary_text,
    unapplied_cash,
)

__all__ = ["Progress", "RunResult", "daily_run"]

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass(frozen=True)
class RunResult:
    """The outcome: exit code, the JSON summary and its text for people."""

    exit_code: int
    summary: dict[str, Any]

    @property
    def text(self) -> str:
        return summary_text(self.summary)


def _quiet(_what: str, _done: int, _total: int) -> None:
    return None


def daily_run(
    factory: sessionmaker[Session],
    engine: Engine,
    options: RunSettings,
    *,
    actor: str,
    max_bytes: int,
    progress: Progress = _quiet,
) -> RunResult:
    """Run the whole job once under the run lock (see the module docstring)."""
    with run_lock(engine):
        recover_interrupted(factory, actor=actor)
        _fetch(factory, options, actor)
        items = inbox.scan(options.inbox)
        idle = None if items else nothing_to_do(factory, options.run_date)
        if idle is not None:
            return RunResult(idle["exit_code"], idle)
        run_id = open_run(factory, options.run_date, actor)
        try:
            return _steps(factory, options, run_id, items, actor, max_bytes, progress)
        except Exception as exc:
            log.exception("recon run %s failed", run_id)
            return RunResult(EXIT_CODES["failed"], fail_run(factory, run_id, options, exc, actor))


def _fetch(factory: sessionmaker[Session], options: RunSettings, actor: str) -> None:
    """First step: new bank files from the SFTP sources (a failing source is logged; the run
    goes on with what is in the inbox)."""
    if options.sftp_sources is None:
        return
    from recon.inbox_fetch.sftp import fetch_all
    from recon.inbox_fetch.sources import SourceError, load_sources

    try:
        sources = load_sources(options.sftp_sources)
    except SourceError as exc:
        log.error("SFTP sources not usable: %s", exc)
        return
    for error in fetch_all(factory, sources, options.inbox, actor=actor)[1]:
        log.error("SFTP fetch failed: %s", error)


def _steps(
    factory: sessionmaker[Session],
    options: RunSettings,
    run_id: int,
    items: list[inbox.InboxItem],
    actor: str,
    max_bytes: int,
    progress: Progress,
) -> RunResult:
    files: list[FileOutcome] = []
    for n, item in enumerate(items):
        progress(f"import {item.name}", n, len(items))
        files.append(
            process_file(
                factory,
                item,
                run_id=run_id,
                day=options.run_date,
                actor=actor,
                options=options,
                max_bytes=max_bytes,
            )
        )
    progress("gateway events", len(items), len(items))
    steps: dict[str, Any] = {"events": retry_events(factory, actor=actor)}
    if options.match:
        progress("matching", len(items), len(items))
        steps["matching"] = run_matching(
            factory,
            actor=actor,
            run_id=run_id,
            auto_threshold=options.auto_threshold,
            suggest_threshold=options.suggest_threshold,
            fx_rules=options.fx_rules,
        )
    progress("credit", len(items), len(items))
    steps["credit"] = credit_step(factory, day=options.run_date, actor=actor)
    if options.dunning is not None:  # reminders come after matching: nothing paid is dunned
        progress("reminders", len(items), len(items))
        steps["dunning"] = run_dunning(factory, options.run_date, options.dunning,
                                       actor=actor).summary()
    progress("reports", len(items), len(items))
    return _finish(factory, options, run_id, files, steps, actor)


def _finish(
    factory: sessionmaker[Session],
    options: RunSettings,
    run_id: int,
    files: list[FileOutcome],
    steps: dict[str, Any],
    actor: str,
) -> RunResult:
    with factory() as session:
        lang = options.report_language or report_language(session)
        data = build_report(session, options.run_date)
        steps["open_suggestions"] = _open_suggestions(session)
        summary = summarize(data, files, steps, unapplied_cash(session))
        summary["provenance"] = provenance_counts(session)
        summary["credit"] = steps["credit"]
    if "dunning" in steps:
        summary["dunning"] = steps["dunning"]
    reasons = attention_reasons(summary, options, data)
    status = "attention" if reasons else "clean"
    folder = (options.reports / options.run_date.isoformat()).resolve()
    summary.update(header(run_id, options.run_date, status, reasons, folder))
    summary["attention_items"] = attention_items(summary, options, data)
    summary["report_language"] = lang
    with factory.begin() as session:
        run = session.get_one(ReconRun, run_id)
        summary["started_at"] = iso(run.started_at)
        write_reports(data, folder, summary, lang=lang)
        close_run(session, run, status, summary, actor, folder=str(folder))
    return RunResult(EXIT_CODES[status], summary)


def report_language(session: Session) -> str:
    """The language of the report and its e-mail in force (the settings table)."""
    from recon.access import settings_store

    return settings_store.report_language(session)


def _open_suggestions(session: Session) -> int:
    from sqlalchemy import func

    return int(
        session.scalar(select(func.count()).select_from(Match).where(Match.status == "suggested"))
        or 0
    )


