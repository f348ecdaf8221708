"""Whole-process mode of the matching benchmark: the real CLI on files, not the engine alone.

Writes the generated data as an invoice CSV and a statement (camt.053, OFX, MT940 or a Chinese
CSV export: statement_files.py), then runs
`recon db upgrade` -> `recon invoices import` -> `recon statements import` -> `recon match` ->
`recon matches export`, each as its own process on a
fresh SQLite file, timing each process from start to exit and reading its peak memory (max
RSS). The export is scored against the ground truth with bench_score (bank_ref = receipt id);
the export carries one decision per receipt, no alternatives, so its suggestion recall is the
top-1 figure. Uses the same Dataset as the in-process mode.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from benchmarks.bench_score import Decision, print_tables, score
from benchmarks.gen_matching import Dataset
from benchmarks.statement_files import WRITERS, write_invoices

# Runs the CLI and prints the process's own peak RSS (KiB) and CPU seconds (user + system: on a
# shared machine the wall time is mostly waiting for a core) on the last stderr line. The peak is
# VmHWM of /proc/self/status where there is one: ru_maxrss keeps, across exec, the peak of the
# forked copy of this benchmark (a few hundred MB holding the data set), not the command's own.
_WRAP = (
    "import resource, sys\nfrom recon.cli import main\ntry:\n    main()\nfinally:\n"
    "    u = resource.getrusage(resource.RUSAGE_SELF)\n    peak = u.ru_maxrss\n    try:\n"
    "        with open('/proc/self/status') as f:\n"
    "            peak = next(int(x.split()[1]) for x in f if x.startswith('VmHWM:'))\n"
    "    except (OSError, StopIteration):\n        pass\n"
    "    print('maxrss', peak, u.ru_utime + u.ru_stime, file=sys.stderr)"
)
RECON = [sys.executable, "-c", _WRAP]


def _run(db: str, *args: str) -> tuple[float, float, str]:
    """(wall seconds, peak MB, stdout) of one `recon` process; its CPU seconds go to CPU."""
    start = time.perf_counter()
    done = subprocess.run([*RECON, "--db", db, *args], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"recon {' '.join(args)} failed: {done.stderr[-2000:]}")
    rss = [ln.split() for ln in done.stderr.splitlines() if ln.startswith("maxrss ")]
    CPU[args] = float(rss[-1][2]) if rss else 0.0
    return wall, int(rss[-1][1]) / 1024 if rss else 0.0, done.stdout


CPU: dict[tuple[str, ...], float] = {}  # CPU seconds of the last process run with these args


def _decisions(ds: Dataset, export: Path) -> dict[str, Decision]:
    inv_by_no = {(i.number, i.customer_id): i.id for i in ds.invoices}
    got: dict[str, Decision] = defaultdict(lambda: Decision("", 0.0, {}))
    with export.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            d = got[row["bank_ref"]]
            d.alloc[inv_by_no[(row["invoice_no"], row["customer_id"])]] = Decimal(row["amount"])
            d.status, d.confidence = row["status"], float(row["confidence"] or 0)
    return dict(got)


IMPORT_STEPS = ("db upgrade", "invoices import", "statements import")


def run_full(ds: Dataset, n: int, db: str | None = None, tables: bool = True,
             imports_only: bool = False, fmt: str = "camt") -> dict[str, float]:
    """Write files, run the CLI chain, print and return timings, peaks (MB) and quality.

    ``db``: a database URL (an empty PostgreSQL database); default a fresh SQLite file.
    ``imports_only``: stop after the two imports (no match, export or scores).
    ``fmt``: the statement's format, a key of ``WRITERS``.
    """
    with tempfile.TemporaryDirectory(prefix="bench-match-") as tmp:
        root = Path(tmp)
        db = db or f"sqlite:///{root / 'bench.db'}"
        write_invoices(ds, root / "invoices.csv")
        file_name, writer = WRITERS[fmt]
        statement = root / file_name
        writer(ds, statement)
        steps = {"db upgrade": ("db", "upgrade"),
                 "invoices import": ("invoices", "import", str(root / "invoices.csv")),
                 "statements import": ("statements", "import", str(statement)),
                 "match": ("match",),
                 "export": ("matches", "export", "-o", str(root / "out.csv"))}  # fmt: skip
        if imports_only:
            steps = {k: v for k, v in steps.items() if k in IMPORT_STEPS}
        times, peaks, outs = {}, {}, {}
        for name, args in steps.items():
            times[name], peaks[name], outs[name] = _run(db, *args)
        if imports_only:
            return _timings(n, steps, times, peaks)
        decided = _decisions(ds, root / "out.csv")
    quality = score(ds.truth, ds.noise, decided)
    cpu = {k: CPU.get(steps[k], 0.0) for k in steps}
    print(f"   whole CLI path n={n}, {fmt} (wall/CPU/peak): " + ", ".join(
        f"{k} {times[k]:.1f}s/{cpu[k]:.1f}s/{peaks[k]:.0f}MB" for k in steps))  # fmt: skip
    print(f"     recon match: {outs['match'].strip()}")
    print(
        "     from the export: "
        + "  ".join(
            f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in quality.items()
        )
    )
    if tables:
        print_tables(ds.truth, ds.noise, decided, ds.case)
    return {**times, **{f"{k} MB": v for k, v in peaks.items()},
            **{f"{k} CPU": v for k, v in cpu.items()}, **quality}  # fmt: skip


def _timings(n: int, steps: dict, times: dict[str, float], peaks: dict[str, float]
             ) -> dict[str, float]:
    """Print and return the wall times, peaks and CPU seconds of the steps run."""
    cpu = {k: CPU.get(steps[k], 0.0) for k in steps}
    print(f"   CLI steps n={n} (wall/CPU/peak): " + ", ".join(
        f"{k} {times[k]:.1f}s/{cpu[k]:.1f}s/{peaks[k]:.0f}MB" for k in steps))  # fmt: skip
    return {**times, **{f"{k} MB": v for k, v in peaks.items()},
            **{f"{k} CPU": v for k, v in cpu.items()}}  # fmt: skip
