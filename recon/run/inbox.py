"""The daily run's inbox folder: find new files, tell their kind, archive or quarantine them.

File-system only (no database): ``scan`` lists the files waiting in the inbox (a file in a
sub-folder belongs to the bank account the folder is named after, for formats that do not name
their account), ``classify`` says whether a file is an ERP invoice export (by configurable name
patterns), a bank statement (a bank importer claims it) or a gateway settlement file (by its
header columns), and ``archive`` / ``quarantine`` move a file out of the inbox once its fate is
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
from importers import AmbiguousFormat, ImportFailure, Source, default_importers
from importers import identify as identify_bank

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
    account: str | None = None  # the sub-folder's name: the bank account of the file

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        return f"{self.account}/{self.name}" if self.account else self.name


def scan(inbox: Path) -> list[InboxItem]:
    """Files waiting in ``inbox`` and its account sub-folders (not hidden, not partial)."""
    if not inbox.is_dir():
        return []
    items = _files(inbox, None)
    for entry in sorted(os.scandir(inbox), key=lambda e: e.name):
        if (
            entry.is_dir(follow_symlinks=False)
            and entry.name not in (ARCHIVE, QUARANTINE)
            and not entry.name.startswith((".", "~"))
        ):
            items += _files(Path(entry.path), entry.name)
    return items


def _files(folder: Path, account: str | None) -> list[InboxItem]:
    items = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if not entry.is_file(follow_symlinks=False) or entry.name.startswith((".", "~")):
            continue
        if entry.name.lower().endswith(_SKIP_SUFFIXES):
            continue
        items.append(InboxItem(Path(entry.path), entry.stat().st_size, account))
    return items


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def classify(name: str, data: bytes, invoice_patterns: Sequence[str]) -> str:
    """``"invoices"``, ``"bank"`` or ``"gateway"`` for a file called ``name``.

    Gateway bills are told by their own header columns, which no bank export has; a zip is
    a gateway bill (Alipay) only when no bank importer claims it (a zipped camt.053). A file
    nobody claims is ``"bank"``, so its import fails with the importers' "unknown format".
    """
    lowered = name.lower()
    if any(fnmatch.fnmatch(lowered, pattern.lower()) for pattern in invoice_patterns):
        return "invoices"
    if data.startswith(b"PK\x03\x04") and _bank_claims(name, data):
        return "bank"
    try:
        identify_report(name, data)
    except GatewayError:
        return "bank"
    return "gateway"


def _bank_claims(name: str, data: bytes) -> bool:
    try:
        identify_bank(default_importers(), Source(name, data))
    except AmbiguousFormat:
        return True
    except ImportFailure:
        return False
    return True


def archive(item: InboxItem, inbox: Path, day: dt.date, *, duplicate: bool = False) -> Path:
    """Move ``item`` to ``<inbox>/archive/YYYY-MM-DD/`` (``duplicate-<name>`` for duplicates)."""
    folder = inbox / ARCHIVE / day.isoformat() / (item.account or "")
    name = f"duplicate-{item.name}" if duplicate else item.name
    return _move(item.path, folder, name)


def quarantine(item: InboxItem, inbox: Path, reason: str) -> Path:
    """Move ``item`` to ``<inbox>/quarantine/`` with ``<name>.reason.txt`` beside it.

    The reason is written first: a run killed between the two steps leaves the file in the
    inbox (to be tried again) rather than a quarantined file without its reason.
    """
    folder = inbox / QUARANTINE / (item.account or "")
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
