"""The append-only audit log: every state change writes one row; rows are never changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String, Text, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from recon.db.types import Base, intpk, utcnow

__all__ = ["AuditEvent", "AuditImmutableError"]


class AuditImmutableError(RuntimeError):
    """Raised when code tries to update or delete an audit row."""


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[intpk]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(48), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    reason: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"AuditEvent({self.actor} {self.action} {self.object_type}:{self.object_id})"


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper: Mapper[Any], _conn: Any, target: AuditEvent) -> None:
    raise AuditImmutableError(f"audit event {target.id} is append-only")
