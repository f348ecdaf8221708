"""The credit step of the daily run on a database: 12,500 customers, 100,000 invoices.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_credit_db.py [--db URL] [--customers N ...]

Seeds (untimed, SQLAlchemy Core bulk inserts into a fresh SQLite file or an empty, migrated
database given by ``--db``) the ledger of ``benchmarks/gen_credit.py``: customers, invoices, one
bank line, one confirmed match and one allocation per settlement. Then times
``recon.credit.profiles.recompute`` twice (first: every profile created; second: updated), split
into loading the ledger, the column-wise measures and tiers, and writing the profiles. Prints
the load average beside the timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time

import numpy as np
from sqlalchemy import insert
from sqlalchemy.orm import Session

from benchmarks.gen_credit import generate
from recon.credit.config import CreditSettings
from recon.credit.ledger import load_ledger
from recon.credit.profiles import recompute
from recon.db import make_engine, make_session_factory
from recon.db.migrate import upgrade
from recon.models import (
    Allocation,
    BankAccount,
    Customer,
    Invoice,
    Match,
    Statement,
    StatementImport,
    StatementLine,
)

AS_OF = dt.date(2026, 6, 30)


def _day(n: int) -> dt.date:
    return dt.date.fromordinal(int(n))


def seed(session: Session, customers: int, invoices: int) -> None:
    led = generate(customers=customers, invoices=invoices, seed=3)
    keep = led.set_day <= AS_OF.toordinal()
    session.execute(insert(Customer), [{"id": int(c), "external_id": f"C{c:06d}",
                                        "name": f"Customer {c}", "meta": {}}
                                       for c in led.customers])
    paid = np.zeros(len(led.inv_id), dtype=np.int64)
    np.add.at(paid, led.set_invoice[keep], led.set_amount[keep])
    session.execute(insert(Invoice), [
        {"id": int(led.inv_id[i]), "invoice_no": f"INV{i:07d}",
         "customer_id": int(led.customers[led.inv_customer[i]]),
         "amount_minor": int(led.inv_amount[i]), "currency": led.currencies[led.inv_currency[i]],
         "paid_minor": int(paid[i]), "adjusted_minor": 0,
         "status": "paid" if paid[i] >= led.inv_amount[i] else "partial" if paid[i] else "open",
         "issue_date": _day(led.inv_issue[i]), "due_date": _day(led.inv_due[i]), "meta": {}}
        for i in range(len(led.inv_id))])
    account = BankAccount(account_key="BENCH", currency="EUR")
    source = StatementImport(file_name="b", file_sha256="0" * 64, format="camt053", actor="b")
    statement = Statement(source=source, account=account, currency="EUR")
    session.add_all([account, source, statement])
    session.flush()
    idx = np.flatnonzero(keep)
    session.execute(insert(StatementLine), [
        {"id": n + 1, "statement_id": statement.id, "bank_account_id": account.id,
         "dedupe_key": f"k{n}", "booking_date": _day(led.set_day[s]),
         "amount_minor": int(led.set_amount[s]),
         "currency": led.currencies[led.inv_currency[led.set_invoice[s]]],
         "allocated_minor": int(led.set_amount[s]), "refs": [], "extra": {}}
        for n, s in enumerate(idx)])
    session.execute(insert(Match), [
        {"id": n + 1, "status": "auto", "confidence": 1.0, "reasons": [], "alternatives": [],
         "statement_line_id": n + 1, "currency": "EUR", "created_by": "bench"}
        for n in range(len(idx))])
    session.execute(insert(Allocation), [
        {"match_id": n + 1, "invoice_id": int(led.inv_id[led.set_invoice[s]]),
         "amount_minor": int(led.set_amount[s]),
         "currency": led.currencies[led.inv_currency[led.set_invoice[s]]]}
        for n, s in enumerate(idx)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--customers", type=int, default=12_500)
    parser.add_argument("--invoices", type=int, default=100_000)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench-credit.db"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        seed(session, args.customers, args.invoices)
    print(f"{args.customers} customers, {args.invoices} invoices on {engine.dialect.name}; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with factory() as session:
        start = time.perf_counter()
        load_ledger(session)
        print(f"load the ledger: {time.perf_counter() - start:.2f} s")
    for label in ("first recompute (creates profiles)", "second recompute (updates)"):
        start = time.perf_counter()
        with factory.begin() as session:
            result = recompute(session, as_of=AS_OF, actor="bench", settings=CreditSettings())
        print(f"{label}: {time.perf_counter() - start:.2f} s, tiers {result.tiers}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    engine.dispose()


if __name__ == "__main__":
    main()
