"""Bank statement importers: bytes of a statement file in, normalised statements out.

A leaf package (imports nothing of ours). Formats: OFX/QFX, ISO 20022 camt.052/053/054
(plain or zipped), SWIFT MT940/942, BAI2/BTRS, and bank CSV/XLSX exports through
declarative profiles. Entry points: :func:`parse_source` and :func:`identify`; every
failure is an :class:`ImportFailure` naming file, line and field.

The registry (every format's reader, lxml, mt-940, the shipped profiles) and the profiles load
on first use (PEP 562 module ``__getattr__``): the invoice import and most commands only need a
small helper of this package (``bounds.MAX_AMOUNT``, ``paused_gc``), not the readers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from importers.profiles import Profile, shipped
    from importers.registry import (
        by_name,
        default_importers,
        format_names,
        identify,
        parse_source,
    )

# lazily loaded public name -> the module of this package that defines it
_LAZY: dict[str, str] = {
    **dict.fromkeys(("Profile", "shipped"), "profiles"),
    **dict.fromkeys(("by_name", "default_importers", "format_names", "identify",
                     "parse_source"), "registry"),
}

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


def __getattr__(name: str) -> Any:
    home = _LAZY.get(name)
    if home is None:
        raise AttributeError(f"module 'importers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"importers.{home}"), name)
    globals()[name] = value
    return value
