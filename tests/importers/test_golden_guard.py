"""Golden files cannot be regenerated silently: refused under CI, and ``force`` fails after writing."""

from __future__ import annotations

import json

import pytest

from tests.importers import golden


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(golden, "EXPECTED", tmp_path / "expected")
    root = tmp_path / "fixtures"
    (root / "csv").mkdir(parents=True)
    fixture = root / "csv" / "a.csv"
    fixture.write_text("x")
    return root, fixture


def test_regeneration_is_refused_under_ci(store, monkeypatch) -> None:
    root, fixture = store
    monkeypatch.setenv("CI", "true")
    for mode in ("1", "force"):
        monkeypatch.setattr(golden, "REGEN", mode)
        with pytest.raises(AssertionError, match="refused under CI"):
            golden.load_or_create(fixture, root, {"lines": 1})
    assert not golden.expected_path(fixture, root).exists()


def test_force_writes_then_fails_so_a_person_reviews(store, monkeypatch) -> None:
    root, fixture = store
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(golden, "REGEN", "force")
    with pytest.raises(AssertionError, match="review the diff"):
        golden.load_or_create(fixture, root, {"lines": 2})
    assert json.loads(golden.expected_path(fixture, root).read_text()) == {"lines": 2}
    monkeypatch.setattr(golden, "REGEN", "")
    assert golden.load_or_create(fixture, root, {"lines": 2}) == {"lines": 2}


def test_without_regeneration_a_missing_golden_fails(store, monkeypatch) -> None:
    root, fixture = store
    monkeypatch.setattr(golden, "REGEN", "")
    with pytest.raises(AssertionError, match="no expected output"):
        golden.load_or_create(fixture, root, {"lines": 1})
