"""CSV bank exports through declarative profiles (layers 1-2: bytes -> rows).

One :class:`CsvImporter` per :class:`~importers.profiles.Profile`: it decodes with the
profile's encodings (BOM, UTF-16, strict UTF-8, GB18030, cp1252 in that order), splits
rows with the csv module and claims the file when the profile's header columns appear
in the first rows; :mod:`importers.tabular` does the rest. The text is read with
``newline=""`` as the csv module requires (a CR inside a quoted field is part of the field),
and what the csv module still refuses (a field over ``MAX_FIELD`` characters, a stray quote
under strict dialects) is a :class:`BadRecord` naming the line.
"""

from __future__ import annotations

import csv
import io

from importers.base import Importer, Source
from importers.decoding import decode, looks_binary
from importers.errors import BadRecord, ImportFailure
from importers.model import ParsedFile
from importers.profiles import Profile
from importers.tabular import Table, build_statements, find_header

MAX_FIELD = 1 << 20
"""Longest field accepted (1 MiB of text): no bank export needs more."""
csv.field_size_limit(MAX_FIELD)


class CsvImporter(Importer):
    """A bank's CSV export, described by a profile."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.name = profile.format_name  # type: ignore[misc]
        self.title = profile.title  # type: ignore[misc]

    def identify(self, source: Source) -> bool:
        if not self.profile.auto or looks_binary(source.data) or source.data[:2] == b"PK":
            return False
        head = source.head(16384)
        try:
            text = decode(head, file=source.filename, fallbacks=self.profile.encodings,
                          allow_nul=True).text
        except ImportFailure:
            return False
        try:
            rows = _rows(text.rsplit("\n", 1)[0] if len(source.data) > len(head) else text,
                         self.profile.delimiter, source.filename)
        except BadRecord:
            return False
        return find_header(rows, self.profile) is not None

    def parse(self, source: Source) -> ParsedFile:
        decoded = decode(source.data, file=source.filename, fallbacks=self.profile.encodings)
        rows = _rows(decoded.text, self.profile.delimiter, source.filename)
        header_at = find_header(rows, self.profile)
        if header_at is None:
            raise BadRecord(f"no header row with the columns of profile {self.profile.name}: "
                            + ", ".join(self.profile.header), file=source.filename,
                            field="header")
        table = Table(self.profile, source.filename, rows, header_at)
        statements = build_statements(table, table.lines())
        return ParsedFile(source.filename, self.name, tuple(statements), decoded.encoding,
                          kind=self.profile.kind)


def _rows(text: str, delimiter: str, file: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise BadRecord(f"not readable as CSV: {exc}", file=file, line=reader.line_num,
                        field="csv") from None
