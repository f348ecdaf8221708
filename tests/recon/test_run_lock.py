"""One run at a time, and kill -9 safety: a killed run frees the lock and the next run finishes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recon.models import Invoice, Match, ReconRun
from recon.models.run import InboxFile
from recon.run.lock import RunLockBusy, run_lock
from tests.recon.factories import make_line

DAY = "2026-11-22"

# Runs `recon run` in a child process that pauses (sleeps) at a chosen point: "import" = inside
# the first file's import transaction, "archive" = after its commit, before the move, "match" =
# inside the matching transaction after the matcher wrote its matches.
CHILD = """
import pathlib, sys, time
import recon.run.inbox as inbox
import recon.run.files as run_files
import recon.run.steps as run_steps
marker, point = pathlib.Path(sys.argv[1]), sys.argv[2]

def pause(real):
    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs) if point == "import" else None
        marker.write_text("paused")
        time.sleep(120)
        return result if point == "import" else real(*args, **kwargs)
    return wrapper

if point == "import":
    run_files.import_by_kind = pause(run_files.import_by_kind)
elif point == "match":
    real_match = run_steps.matching.run_matching
    def paused(session, **kwargs):
        result = real_match(session, **kwargs)
        session.flush()
        marker.write_text("paused")
        time.sleep(120)
        return result
    run_steps.matching.run_matching = paused
else:
    inbox.archive = pause(inbox.archive)
from recon.cli import main
main(sys.argv[3:], prog_name="recon")
"""


def _invoices(prefix: str) -> bytes:
    data = resources.files("recon.samples").joinpath("invoices.csv").read_bytes()
    return data.replace(b"INV-2026-", prefix.encode())


def _env(settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECON_")}
    env.update(
        RECON_DATABASE_URL=settings.database_url,
        RECON_ENV="test",
        RECON_INBOX_DIR=str(settings.inbox_dir),
        RECON_REPORTS_DIR=str(settings.reports_dir),
    )
    return env


def _start_paused(settings, tmp_path: Path, point: str) -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / "paused.marker"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(marker), point, "run", "--date", DAY],
        env=_env(settings), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            _out, err = proc.communicate()
            pytest.fail(f"child run never paused (rc {proc.returncode}): {err.decode()[-2000:]}")
        time.sleep(0.05)
    return proc, marker


@pytest.mark.slow
@pytest.mark.parametrize("point", ["import", "archive", "match"])
def test_kill_9_mid_run_then_next_run_finishes_the_job(
    cli, settings, session, tmp_path, point
) -> None:
    inbox = settings.inbox_dir
    inbox.mkdir(parents=True)
    (inbox / "invoices-a.csv").write_bytes(_invoices("A-"))
    (inbox / "invoices-b.csv").write_bytes(_invoices("B-"))
    line = make_line(session, "1250.00", remittance="A-0101", counterparty_name="Acme Trading Ltd")
    session.commit()
    assert line.id
    proc, _marker = _start_paused(settings, tmp_path, point)
    try:
        busy = cli("run", "--date", DAY, "--json")  # a second, concurrent run
        assert busy.exit_code == 2 and "another recon run" in busy.stderr
        assert json.loads(busy.stdout)["status"] == "busy"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    result = cli("run", "--date", DAY, "--json")
    summary = json.loads(result.stdout)
    assert result.exit_code == 0, result.stderr
    expected = {"import": {"imported": 2, "duplicate": 0},
                "archive": {"imported": 1, "duplicate": 1},
                "match": {"imported": 0, "duplicate": 0}}[point]
    assert {k: summary["files"][k] for k in expected} == expected
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Invoice)) == 16
    assert session.scalar(select(func.count()).select_from(InboxFile)) == 2
    runs = session.scalars(select(ReconRun).order_by(ReconRun.id)).all()
    assert [r.status for r in runs] == ["failed", "clean"]
    assert "interrupted" in runs[0].error
    assert [p.name for p in inbox.iterdir() if p.is_file()] == []
    assert session.scalar(select(func.count()).select_from(Match).where(
        Match.status.in_(("auto", "manual")))) == 1  # the payment, matched once, not twice


def test_second_run_exits_two_while_the_lock_is_held(cli, engine) -> None:
    with run_lock(engine):
        result = cli("run", "--date", DAY)
    assert result.exit_code == 2 and "not started" in result.stderr
    assert cli("run", "--date", DAY).exit_code == 0  # released on exit


def test_lock_is_exclusive_and_released(engine) -> None:
    with run_lock(engine), pytest.raises(RunLockBusy), run_lock(engine):
        pass
    with run_lock(engine):
        pass
