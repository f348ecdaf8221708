"""Shared layer for settlement files: bytes -> text -> rows with a located header (leaf layer).

Every settlement parser (`stripe_reports`, `alipay_bill`, `wechat_bill`) goes through here:
`decode` picks the encoding in one place (BOM, strict UTF-8, then GB18030, the superset of GBK),
`find_header` locates the header row by column names (never a fixed offset, formats drift),
`clean` strips the Excel guards (trailing TAB, leading backtick) and padding, and `Collector`
gathers every bad line so one `BadReport` lists them all.  The result of a parser is a
`SettlementReport`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from gateways.errors import BadReport, ReportError, UnknownReport
from gateways.model import GatewayTxn

T = TypeVar("T")


@dataclass(frozen=True)
class SettlementReport:
    """Records read from one settlement file, with recoverable oddities as warnings."""

    file: str
    format: str
    encoding: str
    txns: tuple[GatewayTxn, ...]
    warnings: tuple[str, ...] = field(default=())


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes; returns ``(text, encoding)``.  Raises `UnicodeDecodeError` never:
    GB18030 decodes any byte string that is not UTF-8 well enough to find the header."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030"


def clean(cell: str | None) -> str:
    """Strip padding, the TAB that guards ids against Excel and a leading backtick."""
    text = (cell or "").strip().strip("\t").strip()
    return text[1:].strip() if text.startswith("`") else text


def read_rows(text: str) -> list[list[str]]:
    """CSV rows (physical lines stay numbered from 1 in the caller through the index)."""
    return list(csv.reader(io.StringIO(text, newline="")))


def find_header(
    rows: Sequence[Sequence[str]], required: Iterable[str], *, file: str
) -> tuple[int, dict[str, int]]:
    """Index of the first row holding every `required` column, and a name -> position map.

    Column names are matched after `clean`, so padded headers (``交易时间            ``) work.
    Raises `UnknownReport` when no row qualifies.
    """
    wanted = list(required)
    for index, row in enumerate(rows):
        names = [clean(cell) for cell in row]
        if all(name in names for name in wanted):
            return index, {name: pos for pos, name in reversed(list(enumerate(names))) if name}
    raise UnknownReport(f"no header row with {', '.join(wanted)}", file=file)


def column(columns: dict[str, int], *candidates: str) -> int | None:
    """Position of the first candidate present; substring match as a fallback (``（元）``)."""
    for name in candidates:
        if name in columns:
            return columns[name]
    for name in candidates:
        for header, pos in columns.items():
            if name in header:
                return pos
    return None


class Collector:
    """Runs a per-row function, collecting every `ReportError` instead of stopping at one."""

    def __init__(self, file: str, limit: int = 50) -> None:
        self.file = file
        self.limit = limit
        self.problems: list[ReportError] = []

    def run(self, line: int, func: Callable[[], T]) -> T | None:
        """`func()`, or ``None`` after recording its `ReportError` (located at `line`)."""
        try:
            return func()
        except ReportError as exc:
            exc.line = exc.line or line
            exc.file = self.file
            if len(self.problems) < self.limit:
                self.problems.append(exc)
            return None

    def raise_if_any(self) -> None:
        """Raise one `BadReport` listing every problem collected."""
        if self.problems:
            raise BadReport(self.problems, file=self.file)


def cell(row: Sequence[str], pos: int | None) -> str:
    """The cleaned cell at `pos`, or ``""`` when the column is absent or the row short."""
    if pos is None or pos >= len(row):
        return ""
    return clean(row[pos])
