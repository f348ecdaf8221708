"""Daily reconciliation runs, the inbox files they imported, and run-time settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recon.db.types import Base, created_at, intpk, json_dict, utcnow

__all__ = ["InboxFile", "ReconRun", "Setting"]


class ReconRun(Base):
    """One run of ``recon run``: when, how it ended, and its counts and amounts."""

    __tablename__ = "recon_run"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'clean', 'attention', 'failed')", name="status"),
    )

    id: Mapped[intpk]
    run_date: Mapped[dt.date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12), default="running")
    actor: Mapped[str] = mapped_column(String(64), default="cron")
    started_at: Mapped[created_at]
    finished_at: Mapped[dt.datetime | None]
    counts: Mapped[json_dict]
    report_dir: Mapped[str | None] = mapped_column(String(512))
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"ReconRun(id={self.id!r}, {self.run_date}, {self.status})"


class InboxFile(Base):
    """A file the daily run imported from the inbox, by content hash.

    The row is written in the same transaction as the import itself, so "imported" and "known"
    can never disagree: a run killed after the commit but before the file was moved finds the
    hash on the next run and archives the file as a duplicate instead of importing it again.
    """

    __tablename__ = "inbox_file"

    id: Mapped[intpk]
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("recon_run.id"))
    imported_at: Mapped[created_at]
    detail: Mapped[json_dict]

    def __repr__(self) -> str:
        return f"InboxFile({self.file_name!r}, {self.kind}, {self.sha256[:12]})"


class Setting(Base):
    """A setting changed at run time (thresholds, tolerances); environment gives the defaults."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column()
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"Setting({self.key!r}={self.value!r})"
