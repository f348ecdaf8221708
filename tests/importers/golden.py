"""Golden-file helpers: a parsed file (or its refusal) as stable, reviewable JSON.

``RECON_REGEN_GOLDEN=1`` writes expected files that are missing (mode "x", never
overwriting); ``RECON_REGEN_GOLDEN=force`` rewrites them all. Without it a fixture with
no expected file fails.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

from importers import ImportFailure, ParsedFile, Source, parse_source

EXPECTED = Path(__file__).parent / "expected"
REGEN = os.environ.get("RECON_REGEN_GOLDEN", "").lower()


def _plain(value: object) -> object:
    if isinstance(value, Decimal | date):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value.value if hasattr(value, "value") and not isinstance(value, str) else value


def as_json(parsed: ParsedFile) -> dict[str, object]:
    """Everything the importer returned except the raw source snippets."""
    statements = []
    for statement in parsed.statements:
        data = {f.name: _plain(getattr(statement, f.name))
                for f in dataclasses.fields(statement) if f.name != "lines"}
        data["lines"] = [
            {f.name: _plain(getattr(line, f.name)) for f in dataclasses.fields(line)
             if f.name != "raw"}
            for line in statement.lines
        ]
        statements.append(data)
    return {"format": parsed.format, "kind": parsed.kind, "encoding": parsed.encoding,
            "warnings": list(parsed.warnings), "statements": statements}


def outcome(path: Path) -> dict[str, object]:
    """The golden view of importing ``path``: the parsed file, or the refusal."""
    try:
        return as_json(parse_source(Source.from_path(path)))
    except ImportFailure as exc:
        return {"refused": exc.to_dict()}


def expected_path(fixture: Path, root: Path) -> Path:
    """``expected/<format folder>/<file name>.json``."""
    relative = fixture.relative_to(root)
    return EXPECTED / relative.parent / (relative.name + ".json")


def load_or_create(fixture: Path, root: Path, actual: dict[str, object]) -> dict[str, object]:
    """The stored expectation; creates it only when regeneration is asked for."""
    target = expected_path(fixture, root)
    if REGEN == "force" or (REGEN and not target.exists()):
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w" if REGEN == "force" else "x", encoding="utf-8") as handle:
            json.dump(actual, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.write("\n")
    if not target.exists():
        raise AssertionError(f"no expected output {target} for fixture {fixture}: "
                             "review the importer output and run with RECON_REGEN_GOLDEN=1")
    return json.loads(target.read_text(encoding="utf-8"))
