"""``recon run``: inbox import, archive, quarantine with reasons, dedupe, idempotence, exit codes."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recon.models import AuditEvent, Invoice, ReconRun
from recon.models.run import InboxFile
from tests.conftest import FIXTURES

DAY = "2026-11-22"
ALIPAY_BILL = FIXTURES / "csv" / "deg_example-alipay-records.csv"


def _invoices_csv() -> bytes:
    return resources.files("recon.samples").joinpath("invoices.csv").read_bytes()


def _drop(inbox: Path, name: str, data: bytes) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_bytes(data)
    return path


def _run(cli, *args: str):
    result = cli("run", "--date", DAY, "--json", *args)
    return result, json.loads(result.stdout)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_run_imports_inbox_archives_files_and_records_the_run(cli, settings, session) -> None:
    inbox = settings.inbox_dir
    _drop(inbox, "invoices-erp.csv", _invoices_csv())
    shutil.copy(ALIPAY_BILL, inbox / ALIPAY_BILL.name)
    result, summary = _run(cli)
    assert summary["files"]["imported"] == 2 and summary["files"]["quarantined"] == 0
    assert {f["kind"] for f in summary["files"]["list"]} == {"invoices", "gateway"}
    assert summary["lines_imported"] >= 8
    assert result.exit_code == 1 and summary["status"] == "attention"  # unmatched receipts
    archived = sorted(p.name for p in (inbox / "archive" / DAY).iterdir())
    assert archived == sorted(["invoices-erp.csv", ALIPAY_BILL.name])
    assert not [p for p in inbox.iterdir() if p.is_file()]
    run = session.scalars(select(ReconRun)).one()
    assert run.status == "attention" and run.finished_at is not None
    assert run.counts["files"]["imported"] == 2
    assert _count(session, Invoice) == 8 and _count(session, InboxFile) == 2
    assert "recon run 2026-11-22" in result.stderr and "NEEDS A HUMAN" in result.stderr
    assert (settings.reports_dir / DAY / "index.html").exists()


def test_bad_file_is_quarantined_with_reason_and_the_run_goes_on(cli, settings) -> None:
    inbox = settings.inbox_dir
    bad = _invoices_csv().replace(b"980.40", b"98O.4O", 1)
    _drop(inbox, "invoices-bad.csv", bad)
    _drop(inbox, "invoices-good.csv", _invoices_csv().replace(b"INV-2026-01", b"INV-2026-91"))
    result, summary = _run(cli)
    assert result.exit_code == 1
    assert summary["files"]["quarantined"] == 1 and summary["files"]["imported"] == 1
    assert summary["files"]["bugs"] == 0
    quarantined = inbox / "quarantine" / "invoices-bad.csv"
    assert quarantined.read_bytes() == bad
    reason = (inbox / "quarantine" / "invoices-bad.csv.reason.txt").read_text()
    assert "file: invoices-bad.csv" in reason and "amount" in reason
    assert "line: 3" in reason and "field: amount" in reason
    assert "BUG" not in reason and "traceback" not in reason
    assert any("quarantined" in r for r in summary["attention"])


def test_unexpected_error_is_quarantined_as_bug_with_traceback(cli, settings, monkeypatch) -> None:
    import recon.run.files as run_files

    def boom(*_args, **_kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(run_files, "import_by_kind", boom)
    _drop(settings.inbox_dir, "invoices-1.csv", _invoices_csv())
    result, summary = _run(cli)
    assert result.exit_code == 1 and summary["files"]["bugs"] == 1
    reason = (settings.inbox_dir / "quarantine" / "invoices-1.csv.reason.txt").read_text()
    assert "BUG" in reason and "Traceback" in reason and "KeyError" in reason


def test_same_content_again_is_archived_as_duplicate(cli, settings, session) -> None:
    _drop(settings.inbox_dir, "invoices-a.csv", _invoices_csv())
    _run(cli)
    _drop(settings.inbox_dir, "invoices-b.csv", _invoices_csv())
    _result, summary = _run(cli)
    assert summary["files"]["duplicate"] == 1 and summary["files"]["imported"] == 0
    assert (settings.inbox_dir / "archive" / DAY / "duplicate-invoices-b.csv").exists()
    assert _count(session, InboxFile) == 1 and _count(session, Invoice) == 8


def test_rerun_of_the_same_day_changes_nothing_and_says_so(cli, settings, session) -> None:
    _drop(settings.inbox_dir, "invoices-a.csv", _invoices_csv())
    first, summary = _run(cli)
    audits, runs = _count(session, AuditEvent), _count(session, ReconRun)
    again, repeat = _run(cli)
    assert again.exit_code == first.exit_code
    assert repeat["nothing_to_do"] is True and repeat["previous_run_id"] == summary["run_id"]
    assert "nothing to do" in again.stderr
    assert _count(session, AuditEvent) == audits and _count(session, ReconRun) == runs


def test_new_file_after_a_finished_run_runs_again(cli, settings, session) -> None:
    _run(cli)
    _drop(settings.inbox_dir, "invoices-a.csv", _invoices_csv())
    _result, summary = _run(cli)
    assert summary["nothing_to_do"] is False and summary["files"]["imported"] == 1
    assert _count(session, ReconRun) == 2


def test_exit_code_zero_when_clean(cli) -> None:
    result, summary = _run(cli)
    assert result.exit_code == 0 and summary["status"] == "clean"
    assert summary["attention"] == []


def test_attention_threshold_in_days(cli, settings, session) -> None:
    from tests.recon.factories import make_line

    make_line(session, "10.00")  # booked 2026-01-20: over 300 days old on DAY
    session.commit()
    assert _run(cli, "--attention-days", "400")[0].exit_code == 0
    make_line(session, "11.00")
    session.commit()
    result, summary = _run(cli, "--attention-days", "300")
    assert result.exit_code == 1 and "2 unmatched item(s)" in summary["attention"][0]


def test_failing_step_marks_run_failed_with_exit_two(cli, monkeypatch, session) -> None:
    import recon.run.daily as run_module

    def broken(*_args, **_kwargs):
        raise RuntimeError("matcher exploded")

    monkeypatch.setattr(run_module, "run_matching", broken)
    result, summary = _run(cli)
    assert result.exit_code == 2 and summary["status"] == "failed"
    assert "matcher exploded" in result.stderr
    run = session.scalars(select(ReconRun)).one()
    assert run.status == "failed" and "matcher exploded" in run.error


def test_no_match_skips_matching(cli) -> None:
    _result, summary = _run(cli, "--no-match")
    assert summary["matching"] == {}
    assert "--no-match" in _result.stderr


@pytest.mark.parametrize("name", [".hidden.csv", "upload.csv.part"])
def test_partial_and_hidden_files_are_left_alone(cli, settings, name) -> None:
    path = _drop(settings.inbox_dir, name, _invoices_csv())
    _result, summary = _run(cli)
    assert summary["files"]["list"] == [] and path.exists()


def test_run_retries_pending_gateway_events(cli, session) -> None:
    import datetime as dt

    from gateways.model import VerifiedEvent
    from recon.gateway.events import store_event
    from recon.models import GatewayEvent, GatewayTransaction

    charge = {"id": "ch_retry_1", "object": "charge", "amount": 1999, "amount_captured": 1999,
              "currency": "usd", "created": 1763800000, "status": "succeeded", "metadata": {}}
    event = VerifiedEvent("stripe", "evt_retry_1", "charge.succeeded",
                          dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
                          {"id": "evt_retry_1", "type": "charge.succeeded",
                           "data": {"object": charge}})
    store_event(session, event, actor="test")
    session.commit()
    _result, summary = _run(cli)
    assert summary["events"]["pending"] == 1 and summary["events"]["processed"] == 1
    session.expire_all()
    assert session.scalars(select(GatewayEvent.status)).all() == ["processed"]
    assert session.scalars(select(GatewayTransaction.gateway_id)).all() == ["ch_retry_1"]
