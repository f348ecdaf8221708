"""Statement import benchmark: 100,000-line camt.053, MT940, CSV and OFX files into SQLite.

For each format a file is generated in a temp dir, imported into a fresh migrated SQLite
database (one transaction), then imported again (every line known). Each format runs in
its own process so the peak RSS printed is that format's. Beside it: the bare library
parse time (lxml iterparse, mt-940 ``parse_statements``, ``csv.reader``) and, for OFX,
ofxparse on the raw SGML of smaller files against our importer, showing that ofxparse's
pre-processing is quadratic and ours is not. Targets: import <= 15 s, re-import <= 5 s,
both re-import cases.

"re-import" is the same bytes again (recognised by file hash, nothing parsed); "re-export"
is the same lines in a file with other bytes (another header timestamp / message id, CRLF
for the CSV), so the file is parsed and every line goes through the dedupe. Wall times
are printed with the CPU time of the import beside them (the machine is shared) and the
load average at the start.

Usage: ``python benchmarks/bench_import.py [--lines N] [--formats camt,mt940,csv,ofx]``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_import_gen import GENERATORS

TARGET_IMPORT, TARGET_REIMPORT = 15.0, 5.0


def _import_once(db_url: str, path: Path, account: str | None) -> tuple[float, int, float]:
    from importers import Limits, Source
    from recon.db import make_engine, make_session_factory
    from recon.statements.imports import import_statement

    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    limits = Limits(max_bytes=512 * 1024 * 1024, max_member_bytes=512 * 1024 * 1024)
    start, cpu = time.perf_counter(), time.process_time()
    with factory.begin() as session:
        report = import_statement(session, Source.from_path(path, limits=limits),
                                  actor="bench", limits=limits, account=account)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    return elapsed, report.lines_new, cpu


def bare_parse(fmt: str, path: Path) -> float:
    """Time of the underlying library alone on the same file."""
    start = time.perf_counter()
    if fmt == "camt":
        from lxml import etree

        for _event, element in etree.iterparse(str(path), events=("end",)):
            if element.tag.endswith("Ntry"):
                element.clear()
    elif fmt == "mt940":
        import mt940

        mt940.parse_statements(path.read_text(encoding="utf-8"))
    elif fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            sum(1 for _ in csv.reader(handle))
    elif fmt == "ofx":
        from importers.ofx_sgml import read

        read(path.read_bytes(), path.name)  # our linear pre-processing alone
    return time.perf_counter() - start


def run_one(fmt: str, lines: int) -> dict[str, object]:
    """Generate, import twice, measure; runs inside a child process."""
    from recon.db import make_engine
    from recon.db.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"statement.{fmt}"
        GENERATORS[fmt](path, lines)
        db_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(db_url)
        upgrade(engine)
        engine.dispose()
        account = "BENCH-CSV" if fmt == "csv" else None  # a bank CSV names no account
        first, new, first_cpu = _import_once(db_url, path, account)
        again, renew, _ = _import_once(db_url, path, account)  # identical bytes: hash shortcut
        copy = path.with_name("re-export." + fmt)  # same lines, other bytes: full dedupe
        copy.write_bytes(REEXPORT[fmt](path.read_bytes()))
        export, export_new, export_cpu = _import_once(db_url, copy, account)
        bare = bare_parse(fmt, path)
        size = path.stat().st_size
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"format": fmt, "lines": lines, "file_mib": round(size / 2**20, 1), "new": new,
            "reimport_new": renew + export_new, "import_s": round(first, 2),
            "reimport_s": round(again, 2), "reexport_s": round(export, 2),
            "import_cpu_s": round(first_cpu, 2), "reexport_cpu_s": round(export_cpu, 2),
            "bare_parse_s": round(bare, 2), "peak_rss_mib": round(peak_mib)}


REEXPORT = {  # the same statement lines written again with other header bytes
    "camt": lambda data: data.replace(b"<MsgId>B</MsgId>", b"<MsgId>B-REEXPORT</MsgId>", 1),
    "mt940": lambda data: data.replace(b":20:BENCH", b":20:BENCH-REEXPORT", 1),
    "csv": lambda data: data.replace(b"\n", b"\r\n"),
    "ofx": lambda data: data.replace(b"<DTSERVER>20240101", b"<DTSERVER>20240102093000", 1),
}


def ofx_quadratic(sizes: tuple[int, ...]) -> list[dict[str, object]]:
    """ofxparse alone on raw (unclosed-tag) SGML vs our importer on the same bytes."""
    import ofxparse

    from benchmarks.bench_import_gen import ofx_text
    from importers import Source
    from importers.ofx import OfxImporter

    rows = []
    for size in sizes:
        data = ofx_text(size).encode()
        start = time.perf_counter()
        ofxparse.OfxParser.parse(io.BytesIO(data))
        theirs = time.perf_counter() - start
        start = time.perf_counter()
        OfxImporter().parse(Source("q.ofx", data))
        ours = time.perf_counter() - start
        rows.append({"transactions": size, "file_lines": data.count(b"\n"),
                     "ofxparse_s": round(theirs, 2), "ours_s": round(ours, 2)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--formats", default="camt,mt940,csv,ofx")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--ofx-sizes", default="1000,2000,4000")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.lines)))
        return
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average at start: {load} (2 shared cores)")
    print(f"{'format':<6} {'lines':>7} {'MiB':>6} {'import s (cpu)':>15} "
          f"{'same bytes s':>13} {'re-export s (cpu)':>18} {'bare parse s':>13} "
          f"{'peak RSS MiB':>13}  targets {TARGET_IMPORT}/{TARGET_REIMPORT}")
    failed = False
    for fmt in args.formats.split(","):
        out = subprocess.run([sys.executable, __file__, "--one", fmt, "--lines", str(args.lines)],
                             check=True, capture_output=True, text=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        ok = (row["import_s"] <= TARGET_IMPORT and row["reimport_s"] <= TARGET_REIMPORT
              and row["reexport_s"] <= TARGET_REIMPORT)
        failed |= not ok or row["new"] != args.lines or row["reimport_new"] != 0
        first = f"{row['import_s']} ({row['import_cpu_s']})"
        export = f"{row['reexport_s']} ({row['reexport_cpu_s']})"
        print(f"{fmt:<6} {row['lines']:>7} {row['file_mib']:>6} {first:>15} "
              f"{row['reimport_s']:>13} {export:>18} {row['bare_parse_s']:>13} "
              f"{row['peak_rss_mib']:>13}  "
              f"{'ok' if ok else 'OVER TARGET'} (new {row['new']}, again {row['reimport_new']})")
    if "ofx" in args.formats:
        print("\nOFX pre-processing: ofxparse 0.21 alone vs our importer (same raw SGML)")
        for row in ofx_quadratic(tuple(int(s) for s in args.ofx_sizes.split(","))):
            print(f"  {row['transactions']:>6} txns ({row['file_lines']:>6} lines): "
                  f"ofxparse {row['ofxparse_s']:>7} s   ours {row['ours_s']:>6} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
