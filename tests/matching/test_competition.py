"""Competitors are gathered for all receipts at once, in chunks of invoice-group rows: the chunk
size must not change a single confidence or alternative."""

from __future__ import annotations

import matching.competition as competition
from matching import MatchInput, match
from tests.matching.conftest import ACME, BETA, inv, rec


def _data() -> MatchInput:
    # equal amounts and shared customers: every receipt has rivals on the same invoices
    invoices = [inv(f"i{k}", f"INV-2024-{k:05d}", "c1" if k % 3 else "c2", f"{100 + k % 4}.00",
                    days=k % 20) for k in range(30)]  # fmt: skip
    receipts = [rec(f"r{k}", f"{100 + k % 4}.00", "ACME GMBH" if k % 2 else "Beta Trading",
                    f"INV-2024-{k:05d}" if k % 5 else "payment", days=15 + k % 7)
                for k in range(24)]  # fmt: skip
    return MatchInput(tuple(invoices), tuple(receipts), (ACME, BETA))


def _summary(result) -> list:
    return [(p.receipt_id, p.invoice_ids, p.score, p.confidence, p.status,
             [(a.allocations, a.confidence) for a in p.alternatives]) for p in result.proposals]  # fmt: skip


def test_chunk_size_changes_nothing(monkeypatch) -> None:
    whole = _summary(match(_data()))
    assert any(p[5] for p in whole) and any(p[3] < 0.9 for p in whole)  # there is competition
    monkeypatch.setattr(competition, "CHUNK", 1)  # one claim's invoice group at a time
    assert _summary(match(_data())) == whole
