"""The daily report on demand (``recon.daily_report``) in-process: from the task and the CLI;
the web page and the API: ``tests/web/test_report_now.py``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from recon.models import AuditEvent
from recon.tasks import make_celery, publish_report


def test_task_writes_the_files_once(settings, engine, session_factory):
    app = make_celery(settings, engine)
    publish_report(app, "tester", "job1")
    from recon.run.report_now import job_outcome

    with session_factory() as s:
        outcome = job_outcome(s, "job1")
    folder = Path(outcome["folder"])
    assert outcome["state"] == "done" and folder.is_relative_to(settings.reports_dir.resolve())
    assert {"index.html", "report.xlsx", "summary.json"} <= set(outcome["files"])
    assert all((folder / name).is_file() for name in outcome["files"])
    publish_report(app, "tester", "job1")  # redelivered: the outcome stands, nothing twice
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "reports.now")) == 1


def test_cli_report(cli, settings):
    result = cli("report", "--day", "2026-11-30")
    assert result.exit_code == 0, result.output
    assert "2026-11-30" in result.output and "report.xlsx" in result.output


def test_the_report_on_demand_follows_the_language_setting(settings, engine, session_factory):
    from recon.access.settings_store import LANGUAGE_KEY
    from recon.models import Setting
    from recon.run.report_now import job_outcome

    with session_factory.begin() as s:
        s.add(Setting(key=LANGUAGE_KEY, value="zh_Hans", updated_by="test"))
    publish_report(make_celery(settings, engine), "tester", "job-zh")
    with session_factory() as s:
        outcome = job_outcome(s, "job-zh")
    page = (Path(outcome["folder"]) / "index.html").read_text(encoding="utf-8")
    assert "对账报告" in page and "Reconciliation report" not in page
