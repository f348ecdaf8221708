"""Where a command writes a file a person named (``-o FILE``): whole or not at all.

A regular file (or a new name) is written beside itself under a temporary name and renamed over,
so a killed or failed export never leaves half a file for the ERP to read. Anything else the
person names -- ``/dev/null``, ``/dev/stdout``, a named pipe -- is written in place: renaming
over it would replace the device with a regular file (as root, for every program on the
machine).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["output_file"]


@contextlib.contextmanager
def output_file(path: Path, mode: str = "w", **open_args: Any) -> Iterator[IO[Any]]:
    """Open ``path`` for writing (``mode`` "w" or "wb"); see the module docstring."""
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        special = False
    if special:
        with open(path, mode, **open_args) as out:
            yield out
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, mode, **open_args) as out:
            yield out
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
