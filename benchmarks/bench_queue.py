"""Exception-queue benchmark: the queue and triage pages with 10,000+ open items, target
p95 <= 200 ms.

    .venv/bin/python benchmarks/bench_queue.py                    # 10,000 items, SQLite file
    .venv/bin/python benchmarks/bench_queue.py --items 50000 --requests 30
    .venv/bin/python benchmarks/bench_queue.py --db postgresql+psycopg://...   # empty database

Seeds (untimed) ``--items`` open receipts (90 % bank credit lines over 6 accounts and 3
currencies, 10 % gateway charges), about 70 % of them with a suggestion whose reasons and
alternatives give every cause and whose allocation names an invoice of a customer (the rows show
invoice, customer and amount), plus ``--cleared`` already-cleared lines (history the queue must
not scan). Then times, through
the Flask test client as a logged-in viewer, several queue pages (default grouped view, sort by
amount, a cause filter, a text search, a page deep in the keyset) and reports p50/p95 per
scenario, and the triage screen (first item of a view, an item deep in the view, a cause
view); the "cold" scenarios drop the per-cause counts cache before every request, as after
a change to the data. The baseline in the same run is the naive way: load every open receipt and its
suggestion through the ORM, derive the cause in Python, sort and slice in Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from recon.access import users
from recon.config import AppSettings
from recon.db import make_engine, make_session_factory
from recon.db.migrate import upgrade
from recon.models import (
    Allocation,
    BankAccount,
    Customer,
    GatewayTransaction,
    Invoice,
    Match,
    Statement,
    StatementImport,
    StatementLine,
)
from recon.queue import cache as queue_cache

TARGET_MS = 200.0
REASONS = {
    "fee_gap": [{"feature": "amount", "level": "fee", "weight": 4.0, "detail": "short by fee"}],
    "partial_payment": [{"feature": "amount", "level": "partial", "weight": -4.0, "detail": "-"}],
    "unknown_payer": [{"feature": "payer", "level": "different", "weight": -5.0, "detail": "-"}],
    "low_confidence": [{"feature": "amount", "level": "exact", "weight": 8.0, "detail": "-"}],
}


def seed(url: str, items: int, rng: random.Random, cleared: int | None = None) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine).begin() as s:
        users.create_user(s, "bench", "bench-password-123", role="viewer", actor="bench")
        accounts = [
            BankAccount(account_key=f"CN{n:02d}BENCH{n:08d}", currency=cur)
            for n, cur in enumerate(["CNY", "CNY", "EUR", "EUR", "USD", "USD"])
        ]
        source = StatementImport(file_name="b", file_sha256="0" * 64, format="x", actor="b")
        statements = [Statement(source=source, account=a, currency=a.currency) for a in accounts]
        s.add_all([source, *statements])
        s.flush()
        n_lines = items * 9 // 10
        line_rows = [_line(i, statements[i % 6], rng, open_=True) for i in range(n_lines)]
        cleared = items if cleared is None else cleared
        line_rows += [
            _line(n_lines + i, statements[i % 6], rng, open_=False) for i in range(cleared)
        ]
        s.execute(sa.insert(StatementLine), line_rows)
        s.execute(sa.insert(GatewayTransaction), [_charge(i, rng) for i in range(items - n_lines)])
        line_ids = s.scalars(sa.select(StatementLine.id).where(StatementLine.allocated_minor == 0))
        charge_ids = s.scalars(sa.select(GatewayTransaction.id))
        s.execute(sa.insert(Match), _suggestions(list(line_ids), list(charge_ids), rng))
        _allocations(s, max(1, items // 10), rng)
    if engine.dialect.name == "postgresql":  # what autovacuum would do after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def _allocations(s, n_invoices: int, rng: random.Random) -> None:
    """Customers and open invoices, and one allocation per suggestion to one of them."""
    s.execute(sa.insert(Customer), [{"external_id": f"C{i}", "name": f"Customer {i} Ltd"}
                                    for i in range(max(1, n_invoices // 5))])  # fmt: skip
    customers = s.scalars(sa.select(Customer.id)).all()
    s.execute(sa.insert(Invoice), [
        {"invoice_no": f"INV-{i:06d}", "customer_id": customers[i % len(customers)],
         "amount_minor": rng.randint(100, 5_000_000), "currency": "USD",
         "issue_date": dt.date(2026, 9, 1), "due_date": dt.date(2026, 10, 1)}
        for i in range(n_invoices)
    ])  # fmt: skip
    invoices = s.scalars(sa.select(Invoice.id)).all()
    s.execute(sa.insert(Allocation), [
        {"match_id": mid, "invoice_id": rng.choice(invoices), "amount_minor": 100,
         "currency": "USD"}
        for mid in s.scalars(sa.select(Match.id))
    ])  # fmt: skip


def _line(i: int, st: Statement, rng: random.Random, *, open_: bool) -> dict:
    amount = rng.randint(100, 5_000_000)
    return {
        "statement_id": st.id, "bank_account_id": st.bank_account_id, "bank_ref": f"B{i}",
        "dedupe_key": f"ref:B{i}", "amount_minor": amount, "currency": st.currency,
        "booking_date": dt.date(2026, 11, 20) - dt.timedelta(days=rng.randint(0, 200)),
        "counterparty_name": rng.choice(["ACME LTD", "杭州茶叶有限公司", "LI WEI", None]),
        "remittance": f"INV-{rng.randint(1, 99999):06d} payment", "refs": [], "extra": {},
        "possible_duplicate": open_ and rng.random() < 0.03,
        "allocated_minor": 0 if open_ else amount, "status": "booked",
    }  # fmt: skip


def _charge(i: int, rng: random.Random) -> dict:
    amount = rng.randint(100, 500_000)
    return {
        "gateway": rng.choice(["stripe", "alipay", "wechatpay"]), "gateway_id": f"ch_{i}",
        "kind": "charge", "status": "succeeded", "gross_minor": amount, "fee_minor": 0,
        "net_minor": amount, "currency": "USD", "raw": {},
        "occurred_at": dt.datetime(2026, 11, 1, tzinfo=dt.UTC) - dt.timedelta(hours=i),
        "order_ref": f"ORD-{i}", "allocated_minor": 0,
    }  # fmt: skip


def _suggestions(lines: list[int], charges: list[int], rng: random.Random) -> list[dict]:
    rows = []
    for kind, ids in (("statement_line_id", lines), ("gateway_txn_id", charges)):
        for rid in ids:
            if rng.random() < 0.3:
                continue
            cause = rng.choice([*REASONS, "ambiguous"])
            rows.append({
                kind: rid, "status": "suggested", "confidence": round(rng.uniform(0.5, 0.9), 3),
                "reasons": REASONS.get(cause, REASONS["low_confidence"]),
                "alternatives": [{"label": "two invoices", "confidence": 0.4}]
                if cause == "ambiguous" else [],
                "currency": "USD", "created_by": "bench", "kind": "receipt_invoice",
                "unapplied_minor": 0, "cause": cause,
            })  # fmt: skip
    return rows


def naive_page(session_factory, limit: int = 50) -> list:
    """Baseline: every open receipt through the ORM, cause in Python, sort/slice in Python."""
    with session_factory() as s:
        lines = s.scalars(
            sa.select(StatementLine).where(
                StatementLine.amount_minor > StatementLine.allocated_minor,
                StatementLine.disposition.is_(None),
            )
        ).all()
        sugg = {m.statement_line_id: m for m in s.scalars(
            sa.select(Match).where(Match.status == "suggested"))}  # fmt: skip
        charges = s.scalars(sa.select(GatewayTransaction)).all()
        rows = [(_naive_cause(x, sugg.get(x.id)), x.booking_date, x.id) for x in lines]
        rows += [("no_candidate", c.occurred_at.date(), c.id) for c in charges]
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        return rows[:limit]


def _naive_cause(line: StatementLine, match: Match | None) -> str:
    if line.possible_duplicate:
        return "possible_duplicate"
    if match is None:
        return "no_candidate"
    return match.cause or "low_confidence"


def _deep_item(page_html: str) -> str:
    """The key of a row of a queue page (its id attribute is ``row-<kind>-<id>``)."""
    return page_html.split('id="row-')[-1].split('"')[0]


def timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    fn()  # warm-up (template compilation, statement cache)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, round(0.95 * n) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--cleared", type=int, default=50_000, help="cleared lines (history)")
    parser.add_argument("--db", help="an EMPTY database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    start = time.perf_counter()
    seed(url, args.items, random.Random(7), args.cleared)
    print(f"seeded {args.items} open items (+{args.cleared} cleared lines) on "
          f"{url.split(':')[0]} in {time.perf_counter() - start:.1f} s")  # fmt: skip
    return run(url, args.requests)


def run(url: str, n: int) -> int:
    from web import create_app

    settings = AppSettings.from_env({}).with_(database_url=url, environment="test")
    app = create_app({"RECON_SETTINGS": settings, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    login = client.post("/login", data={"username": "bench", "password": "bench-password-123"})
    assert login.status_code == 302, login.status_code
    first = client.get("/queue?group=0&sort=-amount").get_data(as_text=True)
    cursor = first.split('href="/queue?cursor=')[1].split("&")[0]
    deep = cursor
    for _ in range(40):  # walk 40 pages deep (row ~2,000) for the keyset scenario
        page = client.get(f"/queue?cursor={deep}&group=0&sort=-amount").get_data(as_text=True)
        deep = page.split('href="/queue?cursor=')[1].split("&")[0]
    first = page  # page 41: its last row is the deep item for triage
    scenarios = {
        "queue (grouped by cause, oldest first)": "/queue",
        "sort by amount, not grouped": "/queue?group=0&sort=-amount",
        "filter cause=fee_gap, sort by account": "/queue?cause=fee_gap&sort=account",
        "text search 'acme'": "/queue?q=acme",
        "keyset page 42 (sort by amount)": f"/queue?cursor={deep}&group=0&sort=-amount",
        "cold: queue right after a change": "/queue",
        "cold: sort by amount right after a change": "/queue?group=0&sort=-amount",
        "triage: first item of the default view": "/triage",
        "triage: an item 2,000 deep": f"/triage?sort=-amount&item={_deep_item(first)}",
        "triage: cause view fee_gap": "/triage?cause=fee_gap",
        "cold: triage right after a change": "/triage",
    }
    worst = 0.0
    print(f"{'scenario':44} {'p50 ms':>8} {'p95 ms':>8}")
    for name, path in scenarios.items():
        cold = name.startswith("cold")

        def get(path: str = path, cold: bool = cold) -> None:
            if cold:  # as if the data had just changed: per-cause counts recomputed
                queue_cache.clear()
            assert client.get(path).status_code == 200

        p50, p95 = timed(get, n)
        worst = max(worst, p95)
        print(f"{name:44} {p50:8.1f} {p95:8.1f}")
    factory = app.extensions["recon.session_factory"]
    p50, p95 = timed(lambda: naive_page(factory), max(3, n // 4))
    print(f"{'baseline: naive load-all + Python sort':44} {p50:8.1f} {p95:8.1f}  (data only)")
    verdict = "PASS" if worst <= TARGET_MS else "FAIL"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"worst p95 {worst:.1f} ms vs target {TARGET_MS:.0f} ms: {verdict} "
          f"(load average {load} on {os.cpu_count()} CPUs)")  # fmt: skip
    app.extensions["recon.engine"].dispose()
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
