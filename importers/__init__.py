"""Bank statement importers: bytes of a statement file in, normalised statements out.

A leaf package (imports nothing of ours). Formats: OFX/QFX, ISO 20022 camt.052/053/054
(plain or zipped), SWIFT MT940/942, BAI2/BTRS, and bank CSV/XLSX exports through
declarative profiles. Entry points: :func:`parse_source` and :func:`identify`; every
failure is an :class:`ImportFailure` naming file, line and field.
"""

from importers.base import DEFAULT_MAX_BYTES, Importer, Limits, Source, paused_gc
from importers.errors import (
    AmbiguousFormat,
    BadEncoding,
    BadRecord,
    BadRecords,
    EmptyStatement,
    ErrorResponse,
    HostileInput,
    ImportFailure,
    TooLarge,
    UnknownFormat,
)
from importers.model import ParsedFile, ParsedLine, ParsedStatement, Return, Status
from importers.profiles import Profile, shipped
from importers.registry import by_name, default_importers, format_names, identify, parse_source

__all__ = [
    "DEFAULT_MAX_BYTES",
    "AmbiguousFormat",
    "BadEncoding",
    "BadRecord",
    "BadRecords",
    "EmptyStatement",
    "ErrorResponse",
    "HostileInput",
    "ImportFailure",
    "Importer",
    "Limits",
    "ParsedFile",
    "ParsedLine",
    "ParsedStatement",
    "Profile",
    "Return",
    "Source",
    "Status",
    "TooLarge",
    "UnknownFormat",
    "by_name",
    "default_importers",
    "format_names",
    "identify",
    "parse_source",
    "paused_gc",
    "shipped",
]
