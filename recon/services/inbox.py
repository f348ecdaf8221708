"""The daily run's inbox folder: find new files, tell their kind, archive or quarantine them.

File-system only (no database): ``scan`` lists the files waiting in the inbox, ``classify`` says
whether a file is an ERP invoice export (by configurable name patterns), a gateway settlement
file (by its header columns) or a bank statement (everything else; the importers decide the
format), and ``archive`` / ``quarantine`` move a file out of the inbox once its fate is
committed. Moves use ``os.replace`` (atomic on one file system) and never overwrite: a name
already taken gets ``~1``, ``~2`` ... before its extension.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gateways.errors import GatewayError
from gateways.reports import identify as identify_report

__all__ = [
    "ARCHIVE",
    "QUARANTINE",
    "InboxItem",
    "archive",
    "classify",
    "quarantine",
    "scan",
    "sha256_of",
]

ARCHIVE = "archive"
QUARANTINE = "quarantine"
_SKIP_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload", ".reason.txt")


@dataclass(frozen=True)
class InboxItem:
    """A file waiting in the inbox."""

    path: Path
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def scan(inbox: Path) -> list[InboxItem]:
    """Regular files directly in ``inbox`` (not hidden, not partial uploads), by name."""
    if not inbox.is_dir():
        return []
    items = []
    for entry in sorted(os.scandir(inbox), key=lambda e: e.name):
        if not entry.is_file(follow_symlinks=False) or entry.name.startswith((".", "~")):
            continue
        if entry.name.lower().endswith(_SKIP_SUFFIXES):
            continue
        items.append(InboxItem(Path(entry.path), entry.stat().st_size))
    return items


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def classify(name: str, data: bytes, invoice_patterns: Sequence[str]) -> str:
    """``"invoices"``, ``"gateway"`` or ``"bank"`` for a file called ``name``."""
    lowered = name.lower()
    if any(fnmatch.fnmatch(lowered, pattern.lower()) for pattern in invoice_patterns):
        return "invoices"
    try:
        identify_report(name, data)
    except GatewayError:
        return "bank"
    return "gateway"


def archive(item: InboxItem, inbox: Path, day: dt.date, *, duplicate: bool = False) -> Path:
    """Move ``item`` to ``<inbox>/archive/YYYY-MM-DD/`` (``duplicate-<name>`` for duplicates)."""
    folder = inbox / ARCHIVE / day.isoformat()
    name = f"duplicate-{item.name}" if duplicate else item.name
    return _move(item.path, folder, name)


def quarantine(item: InboxItem, inbox: Path, reason: str) -> Path:
    """Move ``item`` to ``<inbox>/quarantine/`` with ``<name>.reason.txt`` beside it.

    The reason is written first: a run killed between the two steps leaves the file in the
    inbox (to be tried again) rather than a quarantined file without its reason.
    """
    folder = inbox / QUARANTINE
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, item.name)
    reason_file = target.with_name(target.name + ".reason.txt")
    reason_file.write_text(reason, encoding="utf-8")
    os.replace(item.path, target)
    return target


def _move(source: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, name)
    os.replace(source, target)
    return target


def _free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem~N.ext`` with the first N not yet taken."""
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 0
    while target.exists():
        n += 1
        target = folder / f"{stem}~{n}{suffix}"
    return target
