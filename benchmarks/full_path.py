"""Full-path mode of the matching benchmark: the real CLI on files, not the engine alone.

Writes the generated data as an invoice CSV and a camt.053 statement, then times
`recon db upgrade` -> `recon invoices import` -> `recon statements import` -> `recon match`
-> `recon matches export` on a fresh SQLite file, and scores the exported allocations against
the ground truth (bank_ref = receipt id). Uses the same Dataset as the in-process mode.
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
from xml.sax.saxutils import escape

from benchmarks.gen_matching import Dataset, generate

RECON = [sys.executable, "-c", "from recon.cli import main; main()"]


def write_invoices(ds: Dataset, path: Path) -> None:
    names = {c.id: c.name for c in ds.customers}
    with path.open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(["invoice_no", "customer_id", "customer_name", "amount", "currency",
                    "issue_date", "due_date"])  # fmt: skip
        for inv in ds.invoices:
            w.writerow([inv.number, inv.customer_id, names[inv.customer_id], inv.open_amount,
                        inv.currency, inv.issue_date, inv.due_date or ""])  # fmt: skip


def _entry(rec) -> str:
    ind = "CRDT" if rec.amount > 0 else "DBIT"
    party = "Dbtr" if rec.amount > 0 else "Cdtr"
    name = f"<RltdPties><{party}><Nm>{escape(rec.payer_name)}</Nm></{party}></RltdPties>"
    return (
        f'<Ntry><Amt Ccy="{rec.currency}">{abs(rec.amount):.2f}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{rec.booking_date}</Dt></BookgDt><AcctSvcrRef>{rec.id}"
        f"</AcctSvcrRef><NtryDtls><TxDtls><Refs><AcctSvcrRef>{rec.id}</AcctSvcrRef></Refs>"
        f"{name if rec.payer_name else ''}<RmtInf><Ustrd>{escape(rec.remittance or '-')}</Ustrd>"
        "</RmtInf></TxDtls></NtryDtls></Ntry>\n"
    )


def write_camt(ds: Dataset, path: Path) -> None:
    total = sum((r.amount for r in ds.receipts), Decimal(0))
    first = min(r.booking_date for r in ds.receipts)

    def bal(code: str, amount: Decimal) -> str:
        ind = "CRDT" if amount >= 0 else "DBIT"
        return (f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">'
                f"{abs(amount):.2f}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Dt><Dt>{first}</Dt></Dt>"
                "</Bal>")  # fmt: skip

    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022'
                  ':tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId>'
                  "</GrpHdr><Stmt><Id>BENCH-1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN>"
                  "</Id><Ccy>EUR</Ccy></Acct>")  # fmt: skip
        out.write(bal("OPBD", Decimal(0)) + bal("CLBD", total) + "\n")
        for rec in ds.receipts:
            out.write(_entry(rec))
        out.write("</Stmt></BkToCstmrStmt></Document>\n")


def _run(db: str, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([*RECON, "--db", db, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"recon {' '.join(args)} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - start, done.stdout


def _score(ds: Dataset, export: Path) -> dict[str, float]:
    inv_by_no = {i.number: i.id for i in ds.invoices}
    got: dict[str, dict[str, Decimal]] = defaultdict(dict)
    status: dict[str, str] = {}
    with export.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            got[row["bank_ref"]][inv_by_no[row["invoice_no"]]] = Decimal(row["amount"])
            status[row["bank_ref"]] = row["status"]
    autos = {r for r, s in status.items() if s == "auto"}
    right = sum(1 for r in autos if ds.truth.get(r) == got[r])
    found = sum(1 for r in ds.truth if r in got and set(got[r]) == set(ds.truth[r]))
    return {
        "auto_precision": right / max(len(autos), 1),
        "auto_rate": sum(1 for r in ds.truth if r in autos and ds.truth[r] == got[r])
        / max(len(ds.truth), 1),
        "suggest_recall_top1": found / max(len(ds.truth), 1),
        "false_autos_noise": sum(1 for r in autos if r in ds.noise),
    }


def run_full(n: int) -> dict[str, float]:
    """Generate, write files, run the CLI chain, print and return timings and quality."""
    ds = generate(n)
    with tempfile.TemporaryDirectory(prefix="bench-match-") as tmp:
        root = Path(tmp)
        db = f"sqlite:///{root / 'bench.db'}"
        write_invoices(ds, root / "invoices.csv")
        write_camt(ds, root / "statement.xml")
        times = {"db upgrade": _run(db, "db", "upgrade")[0]}
        times["invoices import"] = _run(db, "invoices", "import", str(root / "invoices.csv"))[0]
        times["statements import"] = _run(db, "statements", "import",
                                          str(root / "statement.xml"))[0]  # fmt: skip
        times["match"], out = _run(db, "match")
        times["matches export"] = _run(db, "matches", "export", "-o", str(root / "out.csv"))[0]
        quality = _score(ds, root / "out.csv")
    print(f"   full path n={n}: " + ", ".join(f"{k} {v:.1f}s" for k, v in times.items()))
    print(f"     recon match: {out.strip()}")
    print("     " + "  ".join(f"{k}={v:.4f}" for k, v in quality.items()))
    return {**times, **quality}
