"""Reading a settlement zip without trusting it (leaf layer, below `alipay_bill`).

`read_zip(name, data)` returns ``{entry name: bytes}`` for a zip whose entry names are GBK without
the UTF-8 flag (Alipay bills).  Nothing is written to disk, and before or while reading it
refuses, with `UnsafeArchive`: too many entries; a name that is absolute, climbs with ``..`` or
uses a drive or backslash; an entry or a total larger than the limits; a compression ratio past
`Limits.max_ratio` (a zip bomb).  Sizes are enforced on the bytes actually inflated, not the sizes
the archive declares, which an attacker controls.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from gateways.errors import UnsafeArchive

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """Ceilings for one archive; the defaults are far above any real daily or monthly bill."""

    max_entries: int = 16
    max_entry_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 128 * 1024 * 1024
    max_ratio: int = 100
    min_ratio_floor: int = 1024 * 1024  # tiny entries may compress better than max_ratio


def safe_name(raw: str) -> str:
    """The entry name if it stays inside the archive, else raise `UnsafeArchive`."""
    path = PurePosixPath(raw)
    if (
        not raw or raw.startswith("/") or "\\" in raw or ":" in raw
        or any(part == ".." for part in path.parts)
    ):
        raise UnsafeArchive("entry name escapes the archive", file=raw, field="name", value=raw)
    return raw


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: int) -> bytes:
    by_ratio = max(info.compress_size * limits.max_ratio, limits.min_ratio_floor)
    cap = min(limits.max_entry_bytes, budget, by_ratio)
    out = bytearray()
    with zf.open(info) as handle:
        while chunk := handle.read(CHUNK):
            out += chunk
            if len(out) > cap:
                raise UnsafeArchive(
                    f"entry inflates past {cap} bytes (zip bomb?)", file=info.filename,
                    field="size",
                )
    return bytes(out)


def read_zip(name: str, data: bytes, limits: Limits | None = None) -> dict[str, bytes]:
    """Entries of a GBK-named zip, read under `limits`; directories skipped."""
    limits = limits or Limits()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gbk")
    except zipfile.BadZipFile as exc:
        raise UnsafeArchive(f"not a readable zip: {exc}", file=name) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_entries:
            raise UnsafeArchive(f"{len(infos)} entries, at most {limits.max_entries}", file=name)
        entries: dict[str, bytes] = {}
        budget = limits.max_total_bytes
        for info in infos:
            safe_name(info.filename)
            try:
                entries[info.filename] = _inflate(zf, info, limits, budget)
            except (zipfile.BadZipFile, NotImplementedError, EOFError) as exc:
                raise UnsafeArchive(f"corrupt entry: {exc}", file=info.filename) from None
            budget -= len(entries[info.filename])
    return entries
