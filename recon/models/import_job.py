"""An uploaded file waiting for, or done with, its import (the `recon.import_file` task).

The upload is stored here, in the database every worker and web process already shares, and
committed before the task is published: a worker that dies mid-import loses nothing, and the
redelivered task finds the bytes again. The bytes are dropped once the import is done; the
state, progress, result and error stay for the result page and the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from recon.db.types import Base, created_at, intpk, json_dict

__all__ = ["IMPORT_JOB_STATES", "ImportJob"]

IMPORT_JOB_STATES = ("queued", "running", "needs_account", "done", "failed")
"""queued -> running -> done | failed; needs_account waits for a person (a new bank account)."""


class ImportJob(Base):
    """One uploaded file and the state of its import."""

    __tablename__ = "import_job"
    __table_args__ = (
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in IMPORT_JOB_STATES)})",
                        name="state"),
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    actor: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempt: Mapped[int] = mapped_column(default=0)
    done_lines: Mapped[int] = mapped_column(default=0)
    total_lines: Mapped[int] = mapped_column(default=0)
    options: Mapped[json_dict]
    """What a person decided: ``{"create_accounts": true}`` or ``{"assign": {key: id}}``."""
    result: Mapped[json_dict]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]

    @property
    def percent(self) -> int:
        """Lines written so far, in percent (0 until the parse has counted them)."""
        if self.state == "done":
            return 100
        return int(100 * self.done_lines / self.total_lines) if self.total_lines else 0

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "file": self.file_name, "state": self.state,
                "done_lines": self.done_lines, "total_lines": self.total_lines,
                "percent": self.percent, "result": self.result, "error": self.error}

    def __repr__(self) -> str:
        return f"ImportJob({self.id!r}, {self.kind}, {self.file_name!r}, {self.state})"
