"""The engine's results must not depend on PYTHONHASHSEED.

Sets of strings iterate in a per-process order; where such an order picked a reference token,
a name candidate or a tie, the same data gave other scores, confidences and even auto-confirms
from one run to the next. Two processes with different hash seeds must agree on everything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Prints every proposal in result order: status, confidence, score, allocations, alternatives
# and reasons, then the unmatched receipts. Data: the benchmark generator (500 EUR receipts,
# seed 1), where hash seeds 1 and 4 gave other scores and proposal order before the fix.
_CHILD = """
from benchmarks.gen_matching import generate
from matching import MatchInput, MatchSettings, match

ds = generate(500, 1, "EUR")
data = MatchInput(tuple(ds.invoices), tuple(ds.receipts), tuple(ds.customers))
res = match(data, MatchSettings())
for p in res.proposals:
    allocs = [(a.invoice_id, str(a.amount)) for a in p.allocations]
    alts = [[(a.invoice_id, str(a.amount)) for a in alt.allocations] for alt in p.alternatives]
    print(p.receipt_id, p.status, repr(p.confidence), repr(p.score), allocs, alts)
    print("   ", [(r.feature, r.level, repr(r.weight), r.detail) for r in p.reasons])
print("unmatched", list(res.unmatched))
"""


def _run(hash_seed: str) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True, timeout=300,
    )  # fmt: skip
    return out.stdout.splitlines()


@pytest.mark.slow
def test_results_do_not_depend_on_the_hash_seed() -> None:
    first, second = _run("1"), _run("4")
    assert len(first) > 500  # the run matched something
    diff = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert not diff, f"{len(diff)} lines differ, first: {diff[0]}"
