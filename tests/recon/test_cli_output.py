"""``-o FILE``: a regular file is replaced whole or not at all; a device or pipe is written in
place, never replaced by a regular file (``recon matches export -o /dev/null`` as root once
turned the machine's /dev/null into a file)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from recon.cli.output import output_file


def test_a_regular_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_text("old\n")
    with output_file(target, newline="", encoding="utf-8") as out:
        out.write("new\n")
        assert target.read_text() == "old\n"  # nothing visible until the rename
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), output_file(target) as out:
        out.write("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_a_named_pipe_is_written_in_place_and_stays_a_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()))
    reader.start()
    with output_file(pipe, "wb") as out:
        out.write(b"rows\n")
    reader.join(10)
    assert got == [b"rows\n"]
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_dev_null_stays_a_device() -> None:
    with output_file(Path(os.devnull)) as out:
        out.write("nothing\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
