"""Bank returns benchmark: N credits in one camt.053, then R returns of some of them, linked by
end-to-end id on import (SQLite, one transaction per file). Prints wall and CPU time of the
returns file's import and the load average (the machine is shared).

Usage: ``python benchmarks/bench_returns.py [--credits 20000] [--returns 500]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from importers import Source
from recon.db import make_engine, make_session_factory
from recon.db.migrate import upgrade
from recon.statements.imports import import_statement


def _entry(i: int, ind: str, day: str, extra: str = "") -> str:
    party = "Dbtr" if ind == "CRDT" else "Cdtr"
    return (f'<Ntry><Amt Ccy="EUR">{10 + i % 500}.00</Amt><CdtDbtInd>{ind}</CdtDbtInd>{extra}'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ind}{i}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls><Refs><EndToEndId>E2E-{i}</EndToEndId></Refs><RltdPties>"
            f"<{party}><Nm>PAYER {i}</Nm></{party}></RltdPties></TxDtls></NtryDtls></Ntry>")


def _camt(name: str, entries: list[str]) -> bytes:
    return ('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
            f'camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>{name}</MsgId><CreDtTm>'
            f"2026-01-31T10:00:00</CreDtTm></GrpHdr><Stmt><Id>{name}</Id><Acct><Id><IBAN>"
            f"NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>{''.join(entries)}</Stmt>"
            "</BkToCstmrStmt></Document>").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--credits", type=int, default=20000)
    parser.add_argument("--returns", type=int, default=500)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite:///{tmp}/bench.db")
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory.begin() as s:
        credits = [_entry(i, "CRDT", "2026-01-10") for i in range(args.credits)]
        import_statement(s, Source("credits.xml", _camt("C", credits)), actor="bench")
    step = max(1, args.credits // args.returns)
    returns = [_entry(i, "DBIT", "2026-01-20", "<RvslInd>true</RvslInd>")
               for i in range(0, args.credits, step)][: args.returns]
    load = os.getloadavg()
    wall, cpu = time.perf_counter(), time.process_time()
    with factory.begin() as s:
        report = import_statement(s, Source("returns.xml", _camt("R", returns)), actor="bench")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    linked = sum(" linked " in note for note in report.returns)
    print(f"{args.credits} credits, {len(returns)} returns ({linked} linked): "
          f"{wall:.2f} s wall, {cpu:.2f} s CPU; load average {load[0]:.2f} {load[1]:.2f}")
    engine.dispose()


if __name__ == "__main__":
    main()
