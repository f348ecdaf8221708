"""Daily reconciliation runs and the settings staff can change from the UI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recon.db.types import Base, created_at, intpk, json_dict, utcnow

__all__ = ["ReconRun", "Setting"]


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


class Setting(Base):
    """A setting changed at run time (thresholds, tolerances); environment gives the defaults."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column()
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"Setting({self.key!r}={self.value!r})"
