"""The pair table stays compact: at 100k receipts it holds millions of candidate pairs, and its
column types are what keeps `recon match` near 1 GB. Also: the boundary dataclasses keep slots."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

import matching.engine as engine
from matching import MatchInput, MatchSettings, Proposal, Reason, Receipt
from matching import levels as L
from matching.blocking import candidates
from matching.features import compare
from matching.namematch import match_payers
from matching.prepare import prepare
from matching.refindex import find_ref_hits
from tests.matching.conftest import ACME, BETA, inv, rec


def _pairs():
    invoices = [inv(f"i{k}", f"INV-2024-{k:05d}", "c1" if k % 2 else "c2", f"{100 + k}.00")
                for k in range(40)]  # fmt: skip
    receipts = [rec(f"r{k}", f"{100 + k}.00", "ACME GMBH" if k % 2 else "Beta Trading",
                    f"INV-2024-{k:05d}") for k in range(0, 40, 3)]  # fmt: skip
    data = MatchInput(tuple(invoices), tuple(receipts), (ACME, BETA))
    settings = MatchSettings().validate()
    t = prepare(data)
    refs = find_ref_hits(t, data.settled_invoice_numbers)
    names = match_payers(t, settings.name_cutoff)
    r, i = candidates(t, refs, names, settings)
    return compare(t, refs, names, r, i, settings, data.rejected_pairs)


def test_level_columns_are_one_byte_and_indices_four() -> None:
    p = _pairs()
    assert len(p.r) > 20
    levels = {k: v.dtype for k, v in p.__dict__.items() if k.startswith("lv_")}
    assert set(levels.values()) == {np.dtype(np.int8)}, levels
    assert p.r.dtype == p.i.dtype == np.dtype(np.int32)
    # one weight per level: read from the level code, never stored per pair
    assert not {"w_date", "w_per", "w_noise", "w_dec"} & set(p.__dict__)
    for name, feature in (("date", L.DATE), ("per", L.PERIOD), ("noise", L.NOISE),
                          ("dec", L.DECISION)):  # fmt: skip
        codes = getattr(p, "lv_" + name)
        expected = [feature.level(c).weight for c in codes.tolist()]
        assert getattr(p, "w_" + name).tolist() == expected
        assert p.weight(name, np.arange(3)).tolist() == expected[:3]
    assert p.score.dtype == np.dtype(np.float64)  # the score itself keeps its precision


def test_the_engine_still_matches_with_the_compact_table() -> None:
    data = MatchInput((inv("i1", "INV-2024-00001", "c1", "100.00"),),
                      (rec("r1", "100.00", "ACME GMBH", "INV-2024-00001"),), (ACME,))  # fmt: skip
    (prop,) = engine.match(data).proposals
    assert prop.status == "auto" and prop.allocations[0].amount == Decimal("100.00")


def test_boundary_dataclasses_have_no_dict_per_object() -> None:
    for cls in (Proposal, Reason, Receipt):
        assert "__slots__" in cls.__dict__, cls
    assert not hasattr(Reason("a", "b", 1.0, "c"), "__dict__")
