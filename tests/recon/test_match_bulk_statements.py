"""Applying a matching run costs a fixed number of SQL statements, not one (or more) per match.

Speed of the whole `recon match` process rests on this: the bulk path writes matches,
allocations, adjustments, sums and audit rows with one executemany per table (batches of
`recon.db.bulkwrite.BATCH` rows). Counted with SQLAlchemy's cursor events; an executemany
counts once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import event

import recon.matchrun.service as service
from recon.allocation import bulk
from recon.allocation.allocations import AdjustmentSpec, AllocationSpec
from tests.recon.factories import make_customer, make_invoice, make_line


@contextmanager
def _counting(session) -> Iterator[Callable[[], int]]:
    engine = session.get_bind()
    seen: list[str] = []

    def count(conn, cursor, statement, params, context, executemany) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield lambda: len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _pairs(session, n: int, start: int) -> list[bulk.NewMatch]:
    out = []
    for k in range(n):
        inv = make_invoice(session, "100.00", invoice_no=f"INV-B{start + k:05d}")
        line = make_line(session, "98.50" if k % 2 else "100.00")
        fee = [AdjustmentSpec("bank_fee", Decimal("1.50"), inv.id)] if k % 2 else []
        amount = Decimal("98.50") if k % 2 else Decimal("100.00")
        out.append(
            bulk.NewMatch(
                [AllocationSpec(inv.id, amount)],
                "auto",
                line_id=line.id,
                adjustments=fee,
                reasons=[{"feature": "reference"}],
            )
        )
    return out


def test_bulk_create_uses_the_same_statements_for_4_or_60_matches(session) -> None:
    counts = []
    for n, start in ((4, 0), (60, 100)):
        items = _pairs(session, n, start)
        session.flush()
        with _counting(session) as statements:
            done = bulk.create_matches_bulk(session, items, actor="tester")
            counts.append(statements())
        assert not done.refused and all(done.match_ids)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 15, counts


def _receipts(session, n: int, start: int) -> None:
    acme = make_customer(session, name=f"Acme {start} GmbH")
    for k in range(n):
        number = f"RE-{start + k:06d}"
        make_invoice(session, f"{200 + k}.00", customer=acme, invoice_no=number)
        make_line(session, f"{200 + k}.00", counterparty_name=f"Acme {start} GmbH",
                  remittance=f"Rechnung {number}")  # fmt: skip
    session.flush()


def test_a_matching_run_uses_the_same_statements_for_5_or_50_receipts(session) -> None:
    counts = []
    for n, start in ((5, 0), (50, 1000)):
        _receipts(session, n, start)
        with _counting(session) as statements:
            report = service.run_matching(session, actor="tester")
            counts.append(statements())
        assert report.auto == n and not report.errors, report.summary()
    assert counts[0] == counts[1], counts
