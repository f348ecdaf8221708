"""XLSX bank exports through the same profiles as CSV (layers 1-2: workbook -> rows).

WeChat moved to xlsx-only bills in 2025 and several Chinese banks export Excel. The zip
container is checked with the archive limits before openpyxl opens it (read-only, first
sheet, values only); rows then go through :mod:`importers.tabular` unchanged.
"""

from __future__ import annotations

import io
import zipfile

from importers import archive
from importers.base import Importer, Limits, Source
from importers.errors import BadRecord
from importers.model import ParsedFile
from importers.profiles import Profile
from importers.tabular import Table, build_statements, cell, find_header


class XlsxImporter(Importer):
    """A bank's or wallet's Excel export, described by a profile."""

    def __init__(self, profile: Profile, limits: Limits | None = None) -> None:
        self.profile = profile
        self.limits = limits or Limits()
        self.name = f"xlsx:{profile.name}"  # type: ignore[misc]
        self.title = profile.title + " (xlsx)"  # type: ignore[misc]

    def identify(self, source: Source) -> bool:
        if not self.profile.auto or not _is_xlsx(source):
            return False
        try:
            rows = self._rows(source, limit=60)
        except BadRecord:
            return False
        return find_header(rows, self.profile) is not None

    def _rows(self, source: Source, limit: int | None = None) -> list[list[str]]:
        from openpyxl import load_workbook

        archive.members(source, self.limits)  # size, ratio and path checks first
        try:
            book = load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise BadRecord(f"not a readable xlsx workbook: {exc}", file=source.filename,
                            field="xlsx") from exc
        try:
            sheet = book.worksheets[0]
            rows = []
            for row in sheet.iter_rows(values_only=True, max_row=limit):
                rows.append([cell(v) for v in row])
            return rows
        finally:
            book.close()

    def parse(self, source: Source) -> ParsedFile:
        rows = self._rows(source)
        header_at = find_header(rows, self.profile)
        if header_at is None:
            raise BadRecord(f"no header row with the columns of profile {self.profile.name}",
                            file=source.filename, field="header")
        table = Table(self.profile, source.filename, rows, header_at)
        statements = build_statements(table, table.lines())
        return ParsedFile(source.filename, self.name, tuple(statements), "xlsx",
                          kind=self.profile.kind)


def _is_xlsx(source: Source) -> bool:
    return archive.is_zip(source) and b"xl/" in source.data[:65536]
