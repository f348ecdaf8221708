"""Files fetched from SFTP sources: remembered so a file is never downloaded twice."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recon.db.types import Base, created_at, intpk

__all__ = ["FetchedFile"]


class FetchedFile(Base):
    """One remote file as it was fetched: (source, name, size, mtime) once, content by hash."""

    __tablename__ = "fetched_file"
    __table_args__ = (UniqueConstraint("source", "remote_name", "size", "mtime"),)

    id: Mapped[intpk]
    source: Mapped[str] = mapped_column(String(64))
    remote_name: Mapped[str] = mapped_column(String(512))
    size: Mapped[int] = mapped_column(BigInteger)
    mtime: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    local_name: Mapped[str | None] = mapped_column(String(512))
    fetched_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"FetchedFile({self.source}:{self.remote_name})"
