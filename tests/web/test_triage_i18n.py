"""Every sentence of the triage area has its Chinese, and every matcher level has words."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from matching import levels as L
from scripts.zh_triage import ZH
from web.reasons import ReasonContext, _sentence

ROOT = Path(__file__).resolve().parents[2]


def extracted() -> set:
    method_map, options_map = parse_mapping_cfg(io.StringIO(
        (ROOT / "web" / "babel_triage.cfg").read_text()))  # fmt: skip
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={"_": None, "_l": None, "_mark": None, "gettext": None,
                                                     "ngettext": (1, 2)},
    ):  # fmt: skip
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_string_has_chinese() -> None:
    missing = extracted() - set(ZH)
    assert not missing, missing


@pytest.mark.parametrize("feature", L.FEATURES, ids=lambda f: f.name)
def test_every_matcher_level_reads_as_words(app, feature) -> None:
    name = {"receipt": "receipt", "decision": "decision"}.get(feature.name, feature.name)
    with app.test_request_context():
        for level in feature.levels:
            text = _sentence(name, level.label, ReasonContext(gap_text="€1.00"))
            assert text != "other evidence", (feature.name, level.label)
