"""The importer protocol (layer 0): a ``Source`` of bytes in, a ``ParsedFile`` out.

``Source`` is ``(filename, data)`` so an upload and a file from the inbox take one path.
``Source.from_path`` refuses a file over the size limit from its ``stat`` before reading
a byte of it. Each format implements :class:`Importer`; :mod:`importers.registry` picks
exactly one per file.
"""

from __future__ import annotations

import abc
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from importers.errors import TooLarge
from importers.model import ParsedFile

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest statement file accepted (64 MiB; a 100,000-line camt.053 is about 60 MiB)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits applied while reading; configurable per call."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_members: int = 50
    max_member_bytes: int = DEFAULT_MAX_BYTES
    max_ratio: int = 200

    @classmethod
    def for_size(cls, max_bytes: int) -> Limits:
        """Limits for files up to ``max_bytes`` (and zip members as large); the member count and
        compression-ratio guards against zip bombs stay as they are."""
        return cls(max_bytes=max_bytes, max_member_bytes=max_bytes)


@dataclass(frozen=True, slots=True)
class Source:
    """A file to import: its name (for messages and format hints) and its bytes."""

    filename: str
    data: bytes = field(repr=False)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], *, limits: Limits | None = None) -> Source:
        """Read ``path``, refusing it before reading when it is over ``limits.max_bytes``."""
        limit = (limits or Limits()).max_bytes
        path = Path(path)
        size = path.stat().st_size
        if size > limit:
            raise TooLarge(
                f"file is {size} bytes, over the limit of {limit}", file=str(path), value=size
            )
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # a file growing under us is still capped
        if len(data) > limit:
            raise TooLarge(f"file is over the limit of {limit} bytes", file=str(path))
        return cls(str(path), data)

    def head(self, size: int = 4096) -> bytes:
        """The first ``size`` bytes, for cheap identification."""
        return self.data[:size]

    @property
    def suffix(self) -> str:
        """Lower-case file extension including the dot ("" when none)."""
        return Path(self.filename).suffix.lower()


class Importer(abc.ABC):
    """One statement format. ``identify`` is cheap; ``parse`` does the work."""

    name: ClassVar[str]
    title: ClassVar[str] = ""

    @abc.abstractmethod
    def identify(self, source: Source) -> bool:
        """True when this importer claims the file (file name and first bytes only)."""

    @abc.abstractmethod
    def parse(self, source: Source) -> ParsedFile:
        """Parse the whole file or raise an :class:`~importers.errors.ImportFailure`."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic garbage collector off inside the block, as it was after it.

    Reading a 100,000-line file builds about a million small objects, none of them in a
    cycle that needs collecting; every gen-0 threshold crossing then walks the growing
    heap, which cost a third of the parse time (OFX 4.3 s -> 2.5 s without). Nested or
    concurrent use is safe: only the block that found the collector on turns it back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
