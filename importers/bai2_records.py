"""BAI2/BTRS record reassembly (layer 2: text -> logical records).

Physical lines are not records: one line may hold several ``/``-terminated records
(``2/   02,...``), a ``16`` text may run onto the next line without ``88``, a ``16`` may
lack its ``/``, and ``88`` continues the previous record at a field boundary (even
between a type code and its amount). Returns :class:`Record` objects with their line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SPLIT = re.compile(r"/\s+(?=\d{2},)")
_START = re.compile(r"\d{2}[,:]")


@dataclass(slots=True)
class Record:
    """One logical record: its code, its comma fields, continuation texts and line."""

    code: str
    fields: list[str]
    line: int
    texts: list[str] = field(default_factory=list)

    def extend(self, chunk: str) -> None:
        """Add an ``88`` continuation: more fields, or more text once a 16 has its text."""
        if self.code == "16" and len(self.fields) >= 6:
            self.texts.append(chunk)
        else:
            self.fields += chunk.split(",")


def _chunks(text: str) -> list[tuple[int, str, bool]]:
    """(line, chunk, starts_record) in order; a line not starting a record continues one."""
    out: list[tuple[int, str, bool]] = []
    for number, physical in enumerate(text.splitlines(), start=1):
        stripped = physical.strip()
        if not stripped:
            continue
        starts = _START.match(stripped) is not None
        for index, part in enumerate(_SPLIT.split(stripped)):
            out.append((number, part, starts or index > 0))
    return out


def _strip_terminator(chunk: str) -> str:
    chunk = chunk.rstrip()
    return chunk[:-1].rstrip() if chunk.endswith("/") else chunk


def records(text: str) -> list[Record]:
    """Logical records of a BAI2 file with ``88`` merged into their parent."""
    result: list[Record] = []
    for line, chunk, starts in _chunks(text):
        body = _strip_terminator(chunk)
        if not starts and result:
            _continue_text(result[-1], body)
            continue
        code, rest = body[:2], body[3:]  # a short line has no ``,`` after the code
        if code == "88" and result:
            result[-1].extend(rest)
        else:
            result.append(Record(code, rest.split(",") if rest else [], line))
    return result


def _continue_text(record: Record, body: str) -> None:
    """A physical line without a record code: the previous record's text goes on."""
    if record.texts:
        record.texts[-1] += " " + body
    elif record.code == "16" and len(record.fields) >= 6:
        record.fields[-1] += " " + body
    else:
        record.fields += body.split(",")
