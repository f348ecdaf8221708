"""Zipped deliveries (layer 1: one zip -> member sources), with bomb and traversal limits.

Banks zip camt files. Members are read only after their names and sizes pass: no
absolute or ``..`` paths, at most ``max_members`` members, each at most
``max_member_bytes`` and at most ``max_ratio`` times its compressed size; the actual
bytes read are capped too, so a lying header cannot inflate past the limit. Raises
:class:`~importers.errors.HostileInput` or :class:`~importers.errors.TooLarge`.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from importers.base import Limits, Source
from importers.errors import BadRecord, HostileInput, TooLarge

ZIP_MAGIC = b"PK\x03\x04"


def is_zip(source: Source) -> bool:
    """True for a zip container (by magic bytes)."""
    return source.data.startswith(ZIP_MAGIC)


def members(source: Source, limits: Limits | None = None) -> list[Source]:
    """The files inside a zip, checked against ``limits`` before and while reading."""
    limits = limits or Limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise BadRecord(f"not a readable zip: {exc}", file=source.filename, field="zip") from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > limits.max_members:
            raise HostileInput(
                f"zip holds {len(infos)} files, over the limit of {limits.max_members}",
                file=source.filename,
                field="zip",
            )
        return [_read(archive, info, source.filename, limits) for info in infos]


def _check_name(name: str, file: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or ":" in name:
        raise HostileInput("zip member path leaves the archive", file=file, field="zip", value=name)


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, limits: Limits) -> Source:
    _check_name(info.filename, file)
    where = f"{file}!{info.filename}"
    if info.file_size > limits.max_member_bytes:
        raise TooLarge(
            f"zip member is {info.file_size} bytes, over the limit", file=where, field="zip"
        )
    if info.file_size > max(info.compress_size, 1) * limits.max_ratio:
        raise HostileInput("zip member compression ratio is implausible (zip bomb)",
                           file=where, field="zip")
    try:
        with archive.open(info) as handle:
            data = handle.read(limits.max_member_bytes + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise BadRecord(f"zip member is damaged: {exc}", file=where, field="zip") from exc
    if len(data) > limits.max_member_bytes:
        raise TooLarge("zip member inflates past the limit", file=where, field="zip")
    return Source(where, data)
