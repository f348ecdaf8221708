"""Golden-file tests: every bank fixture against its reviewed expected output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.importers.golden import EXPECTED, expected_path, load_or_create, outcome

SKIP = {"PROVENANCE.md", "expected.json"}
FILES = sorted(p for p in FIXTURES.rglob("*")
               if p.is_file() and p.name not in SKIP and not p.name.startswith("."))


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 101, f"expected 101 fixture files under {FIXTURES}"


@pytest.mark.parametrize("fixture", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_matches_golden_output(fixture: Path) -> None:
    actual = outcome(fixture)
    assert actual == load_or_create(fixture, FIXTURES, actual)


def test_every_golden_file_has_its_fixture() -> None:
    wanted = {expected_path(p, FIXTURES) for p in FILES}
    stray = [p for p in EXPECTED.rglob("*.json") if p not in wanted]
    assert not stray, f"expected outputs without a fixture: {stray}"
