"""Work management on the exception queue (service layer, never commits): who works an item,
notes on it, a person's saved views.

An item is named as the queue names it (``kind`` "line"/"charge" and the receipt id). Assigning
replaces the item's assignee (one row per item under a unique index, row-locked; two people
assigning at once end with one of them and both are audited); notes are only added. Every
change writes an audit event. Raises ``InvariantError`` for an empty note, an unknown or
inactive assignee, a bad view name, and ``NotFound`` for a receipt that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon import audit
from recon.errors import InvariantError
from recon.models import ItemAssignment, ItemNote, SavedView, User
from recon.queue.detail import receipt_of

__all__ = ["add_note", "assign", "assignees", "delete_view", "notes_of", "save_view", "views_of"]


def assign(session: Session, kind: str, receipt_id: int, assignee: str | None, *,
           actor: str) -> ItemAssignment | None:  # fmt: skip
    """Give the item to ``assignee`` (None or "" takes it back from whoever has it)."""
    receipt_of(session, kind, receipt_id)  # NotFound for a receipt that does not exist
    row = session.scalars(
        sa.select(ItemAssignment)
        .where(ItemAssignment.kind == kind, ItemAssignment.receipt_id == receipt_id)
        .with_for_update()
    ).first()
    before = {"assignee": row.assignee} if row else None
    if not assignee:
        if row is not None:
            session.delete(row)
        _audit(session, actor, "item.unassign", kind, receipt_id, before, None)
        return None
    if session.scalar(sa.select(User.id).where(User.username == assignee, User.active)) is None:
        raise InvariantError("%(user)s is not an active user", code="no_such_user",
                             user=assignee)
    if row is None:
        row = _insert_or_lock(session, kind, receipt_id, assignee, actor)
    row.assignee, row.assigned_by = assignee, actor
    _audit(session, actor, "item.assign", kind, receipt_id, before, {"assignee": assignee})
    return row


def _insert_or_lock(session: Session, kind: str, receipt_id: int, assignee: str,
                    actor: str) -> ItemAssignment:  # fmt: skip
    """The item's row, new; if someone inserted it meanwhile (unique index), theirs, locked."""
    try:
        with session.begin_nested():
            row = ItemAssignment(kind=kind, receipt_id=receipt_id, assignee=assignee,
                                 assigned_by=actor)  # fmt: skip
            session.add(row)
            session.flush()
        return row
    except sa.exc.IntegrityError:
        return session.scalars(
            sa.select(ItemAssignment)
            .where(ItemAssignment.kind == kind, ItemAssignment.receipt_id == receipt_id)
            .with_for_update()
        ).one()


def assignees(session: Session, keys: Iterable[tuple[str, int]]) -> dict[str, str]:
    """``"kind-id"`` → assignee for the items given (one query)."""
    pairs = list(keys)
    if not pairs:
        return {}
    ids = {rid for _, rid in pairs}
    rows = session.execute(sa.select(ItemAssignment.kind, ItemAssignment.receipt_id,
                                     ItemAssignment.assignee)
                           .where(ItemAssignment.receipt_id.in_(ids)))  # fmt: skip
    wanted = set(pairs)
    return {f"{k}-{r}": who for k, r, who in rows if (k, r) in wanted}


def add_note(session: Session, kind: str, receipt_id: int, text: str, *, actor: str) -> ItemNote:
    text = (text or "").strip()
    if not text:
        raise InvariantError("a note needs some text", code="text_missing")
    receipt_of(session, kind, receipt_id)
    note = ItemNote(kind=kind, receipt_id=receipt_id, text=text[:4000], author=actor)
    session.add(note)
    _audit(session, actor, "item.note", kind, receipt_id, None, {"note": text[:200]})
    return note


def notes_of(session: Session, kind: str, receipt_id: int) -> list[ItemNote]:
    return list(session.scalars(
        sa.select(ItemNote).where(ItemNote.kind == kind, ItemNote.receipt_id == receipt_id)
        .order_by(ItemNote.id.desc())))  # fmt: skip


def save_view(session: Session, owner: str, name: str, query: dict[str, Any]) -> SavedView:
    """Store (or overwrite) the person's view ``name``."""
    name = (name or "").strip()[:80]
    if not name:
        raise InvariantError("a view needs a name", code="name_missing")
    row = session.scalars(sa.select(SavedView).where(SavedView.owner == owner,
                                                     SavedView.name == name)).first()  # fmt: skip
    if row is None:
        row = SavedView(owner=owner, name=name, query=dict(query))
        session.add(row)
    else:
        row.query = dict(query)
    audit.record(session, actor=owner, action="view.save", obj=row, after={"name": name})
    return row


def views_of(session: Session, owner: str) -> list[SavedView]:
    return list(session.scalars(sa.select(SavedView).where(SavedView.owner == owner)
                                .order_by(SavedView.name)))  # fmt: skip


def delete_view(session: Session, owner: str, view_id: int) -> None:
    row = session.get(SavedView, view_id)
    if row is None or row.owner != owner:
        raise InvariantError("that view is not yours", code="not_yours")
    audit.record(session, actor=owner, action="view.delete", obj=row, before={"name": row.name})
    session.delete(row)


def _audit(session: Session, actor: str, action: str, kind: str, receipt_id: int,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:  # fmt: skip
    object_type = "statement_line" if kind == "line" else "gateway_transaction"
    audit.record(session, actor=actor, action=action, object_type=object_type,
                 object_id=receipt_id, before=before, after=after)  # fmt: skip
