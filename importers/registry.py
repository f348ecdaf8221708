"""Format registry: pick exactly one importer per file (layer 0, the package's entry).

``identify`` asks every importer; none claiming gives :class:`UnknownFormat` listing
what was tried, several give :class:`AmbiguousFormat`. ``parse_source`` applies the size
limit, honours an explicit ``fmt`` (``ofx``, ``camt``, ``mt940``, ``bai2``,
``csv:PROFILE``, ``xlsx:PROFILE``) and returns the :class:`ParsedFile`, with every amount
checked against :data:`importers.bounds.MAX_AMOUNT`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from importers.bai2 import Bai2Importer
from importers.base import Importer, Limits, Source, paused_gc
from importers.bounds import check_amounts
from importers.camt import CamtImporter
from importers.csv_bank import CsvImporter
from importers.errors import AmbiguousFormat, TooLarge, UnknownFormat
from importers.model import ParsedFile
from importers.mt940 import Mt940Importer
from importers.ofx import OfxImporter
from importers.profiles import shipped
from importers.xlsx_bank import XlsxImporter


@cache
def default_importers() -> tuple[Importer, ...]:
    """Every shipped importer: the four formats, then one per CSV/XLSX profile."""
    tabular: list[Importer] = []
    for profile in shipped():
        tabular += [CsvImporter(profile), XlsxImporter(profile)]
    return (OfxImporter(), CamtImporter(), Mt940Importer(), Bai2Importer(), *tabular)


def format_names(importers: Sequence[Importer] | None = None) -> list[str]:
    """Names accepted by ``fmt``."""
    return [imp.name for imp in importers or default_importers()]


def identify(importers: Sequence[Importer], source: Source) -> Importer:
    """The one importer that claims ``source``."""
    claims = [imp for imp in importers if imp.identify(source)]
    if not claims:
        raise UnknownFormat(file=source.filename, tried=_tried(importers))
    if len(claims) > 1:
        raise AmbiguousFormat(file=source.filename, claims=[c.name for c in claims])
    return claims[0]


def _tried(importers: Sequence[Importer]) -> list[str]:
    names = [imp.name for imp in importers]
    csv = [n for n in names if n.startswith("csv:")]
    others = [n for n in names if not n.startswith(("csv:", "xlsx:"))]
    return others + ([f"csv/xlsx profiles ({len(csv)})"] if csv else [])


def by_name(fmt: str, importers: Sequence[Importer] | None = None) -> Importer:
    """The importer called ``fmt``; ``UnknownFormat`` lists the valid names."""
    importers = importers or default_importers()
    for importer in importers:
        if importer.name == fmt:
            return importer
    raise UnknownFormat(file=f"--format {fmt}", tried=format_names(importers))


def parse_source(
    source: Source,
    fmt: str = "auto",
    *,
    importers: Sequence[Importer] | None = None,
    limits: Limits | None = None,
) -> ParsedFile:
    """Parse ``source`` with the importer named by ``fmt`` or found by identification."""
    limit = (limits or Limits()).max_bytes
    if len(source.data) > limit:
        raise TooLarge(f"file is {len(source.data)} bytes, over the limit of {limit}",
                       file=source.filename, value=len(source.data))
    importers = importers or default_importers()
    if fmt == "auto":
        importer = identify(importers, source)
    elif fmt in ("csv", "xlsx"):
        importer = identify([i for i in importers if i.name.startswith(fmt + ":")], source)
    else:
        importer = by_name(fmt, importers)
    with paused_gc():
        return check_amounts(importer.parse(source))
