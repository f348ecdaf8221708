"""Status sets are defined once on the models and every reader agrees: an Alipay charge that
ends as TRADE_FINISHED (status ``finished``) is matchable and queued like a ``succeeded`` one."""

from __future__ import annotations

import datetime as dt

import pytest

from recon.matchrun.load import load
from recon.models import SETTLED_CHARGE_STATUSES
from recon.queue import cache as queue_cache
from recon.queue.listing import QueueFilter, queue_page
from tests.recon.factories import make_charge


@pytest.fixture(autouse=True)
def _fresh_counts():
    queue_cache.clear()


def test_finished_alipay_charge_is_matchable_and_queued(session) -> None:
    finished = make_charge(session, "88.00", "CNY", gateway="alipay", status="finished")
    succeeded = make_charge(session, "77.00", "CNY", gateway="alipay", status="succeeded")
    failed = make_charge(session, "66.00", "CNY", gateway="stripe", status="failed")
    assert set(SETTLED_CHARGE_STATUSES) == {"succeeded", "finished"}

    loaded = load(session)
    assert set(loaded.txns) == {finished.id, succeeded.id}
    assert {r.id[1] for r in loaded.data.receipts if r.id[0] != "line"} == {
        finished.id, succeeded.id}

    page = queue_page(session, QueueFilter(today=dt.date(2026, 3, 1)))
    queued = {i.id for i in page.items if i.kind == "charge"}
    assert queued == {finished.id, succeeded.id} and failed.id not in queued


def test_no_module_spells_a_status_set_out() -> None:
    """``("auto", "manual")``, ``("open", "partial")`` and the settled-charge statuses live on the
    models only; a copy elsewhere could drift (as TRADE_FINISHED's did)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""\(\s*["']auto["'],\s*["']manual["']|\(\s*["']open["'],\s*["']partial["']"""
                         r"""|["']succeeded["'],\s*["'](finished|paid|captured)["']""")
    hits = [f"{p.relative_to(root)}:{n}" for pkg in ("recon", "web", "matching")
            for p in sorted((root / pkg).rglob("*.py")) if "models" not in p.parts
            and "migrations" not in p.parts
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line)]
    assert hits == []
