"""SFTP sources of bank files, from a JSON file (``RECON_SFTP_SOURCES``).

Each source: ``name``, ``host``, ``port`` (22), ``user``, ``key_file`` (the private key; never
the key itself), ``host_key`` (the server's public key as in ``known_hosts``: ``ssh-ed25519
AAAA...``; pinned, so a server with another key is refused), ``folder`` (remote), ``pattern``
(glob, ``*``) and ``after``: ``leave`` (default) or ``move:<remote folder>``.  A bad file
raises `SourceError` naming the source and field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SftpSource", "SourceError", "load_sources"]


class SourceError(ValueError):
    """A sources file that cannot be used, located by source and field."""


@dataclass(frozen=True)
class SftpSource:
    name: str
    host: str
    user: str
    key_file: Path
    host_key: str
    folder: str = "."
    pattern: str = "*"
    port: int = 22
    after: str = "leave"

    @property
    def move_to(self) -> str | None:
        return self.after.removeprefix("move:") if self.after.startswith("move:") else None


def _source(entry: object, n: int) -> SftpSource:
    if not isinstance(entry, dict):
        raise SourceError(f"source {n}: not an object")
    name = str(entry.get("name") or f"#{n}")
    for field in ("host", "user", "key_file", "host_key"):
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            raise SourceError(f"source {name}: {field} is required")
    after = str(entry.get("after") or "leave")
    if after != "leave" and not (after.startswith("move:") and len(after) > 5):
        raise SourceError(f"source {name}: after must be leave or move:<folder>")
    if len(entry["host_key"].split()) < 2:
        raise SourceError(f"source {name}: host_key must be '<type> <base64>'")
    try:
        port = int(entry.get("port") or 22)
    except (TypeError, ValueError):
        raise SourceError(f"source {name}: port is not a number") from None
    return SftpSource(
        name=name,
        host=entry["host"],
        user=entry["user"],
        key_file=Path(entry["key_file"]),
        host_key=entry["host_key"].strip(),
        folder=str(entry.get("folder") or "."),
        pattern=str(entry.get("pattern") or "*"),
        port=port,
        after=after,
    )


def load_sources(path: Path) -> list[SftpSource]:
    """Every source of the JSON file (a list of objects)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise SourceError(f"{path}: {exc}") from None
    if not isinstance(data, list):
        raise SourceError(f"{path}: expected a list of sources")
    sources = [_source(entry, n) for n, entry in enumerate(data, start=1)]
    if len({s.name for s in sources}) != len(sources):
        raise SourceError(f"{path}: source names must be unique")
    return sources
