"""Whole-path speed: the CLI as a user runs it, against the naive loop, at 10k and 100k.

    .venv/bin/python benchmarks/bench_full_path.py --sizes 10000 100000
    .venv/bin/python benchmarks/bench_full_path.py --sizes 10000 --postgres \\
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_full_path

Per size (EUR family, development seed 1 unless --seed), in ONE invocation: the generated
invoices CSV and camt.053 statement go through `recon db upgrade` -> `recon invoices import`
-> `recon statements import` -> `recon match` -> `recon matches export`, each its own process
(full_path.py: wall time and the process's own peak RSS), then the naive rapidfuzz
`extractOne` loop of bench_matching.py in its own process (run on NAIVE_SAMPLE receipts, its
time extrapolated to all: its cost is receipts x invoices). Prints each step, the ratio naive /
`recon match`, and the load average before and after (the machine is shared). With
``--postgres URL`` the CLI path runs on that PostgreSQL database instead of a SQLite file; the
database is dropped and created afresh (never point it at a database you need).
``--imports-only`` stops after the two imports (iterating on the import steps).

Targets (issue #13 point 5): 100k invoices + ~95k lines: each import <= 5 s, `recon match`
<= 20 s, export <= 2 s, peak <= 1 GB; PostgreSQL within 1.5x of SQLite; `recon match` at 10k
>= 30x faster than the naive loop.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_matching import _spawn
from benchmarks.full_path import run_full
from benchmarks.gen_matching import generate

STEPS = ("invoices import", "statements import", "match", "export")


def _fresh_postgres(url: str) -> None:
    """Drop and create the database named in `url` (connecting to `postgres` to do it)."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def bench(n: int, seed: int, family: str, postgres: str | None, naive: bool,
          imports_only: bool = False) -> None:
    load0 = os.getloadavg()
    backend = "PostgreSQL" if postgres else "SQLite"
    print(f"\n== {family} n={n} seed {seed} on {backend} (load average {load0[0]:.1f} "
          f"{load0[1]:.1f} {load0[2]:.1f})", flush=True)  # fmt: skip
    ds = generate(n, seed, family)
    print(f"   {len(ds.invoices)} invoices, {len(ds.receipts)} statement lines", flush=True)
    if postgres:
        _fresh_postgres(postgres)
    full = run_full(ds, n, db=postgres, tables=False, imports_only=imports_only)
    steps = STEPS[:2] if imports_only else STEPS
    total = sum(full[s] for s in steps)
    print(f"   {'imports' if imports_only else 'whole path'} {total:.1f}s; peaks: " + ", ".join(
        f"{s} {full[s + ' MB']:.0f}MB" for s in steps), flush=True)  # fmt: skip
    if naive and not imports_only:
        row = _spawn("naive", n, seed, family)
        print(f"   naive loop {row['wall_s']:.1f}s ({row['note']}); `recon match` process "
              f"{row['wall_s'] / full['match']:.1f}x faster", flush=True)  # fmt: skip
    load1 = os.getloadavg()
    print(f"   load average after: {load1[0]:.1f} {load1[1]:.1f} {load1[2]:.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--family", default="EUR", choices=["EUR", "CNY"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--postgres", metavar="URL", help="run the CLI path on this (fresh) database")
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument("--imports-only", action="store_true",
                    help="run only db upgrade and the two imports (no match, export, naive)")
    args = ap.parse_args()
    start = time.perf_counter()
    for n in args.sizes:
        bench(n, args.seed, args.family, args.postgres, not args.no_naive, args.imports_only)
    print(f"\n(benchmark wall {time.perf_counter() - start:.0f}s)")


if __name__ == "__main__":
    main()
