"""Storing a verified webhook delivery exactly once: the inbox's write side (service + edge).

`store_event` inserts it into ``gateway_event`` with ``INSERT .. ON CONFLICT DO NOTHING`` on
(gateway, event_id): however often and however concurrently a gateway delivers, one row. Its
audit row goes in the same statement; a duplicate costs that one statement and nothing else.
The edge commits this (`store`, or `recon.gateway.group_commit.EventWriter` on PostgreSQL)
before answering, so an acknowledged event is durable. The stored body is the verified payload
as JSON (for WeChat Pay the decrypted resource), so processing it later needs no keys.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from gateways import VerifiedEvent
from recon.db.types import utcnow
from recon.gateway.upsert import audited_insert_pg, insert_ignore_audited
from recon.models import GatewayEvent

__all__ = ["EVENT_KEY", "Stored", "event_values", "receive_audit", "store", "store_event",
           "store_foreign"]

EVENT_KEY = ("gateway", "event_id")  # the inbox's unique key: one row per delivery


@dataclass(frozen=True)
class Stored:
    """Outcome of storing a delivery: whether it created the inbox row, and that row's id.

    ``id`` is ``None`` for a duplicate: nothing needs it, so it is not looked up.
    """

    id: int | None
    created: bool


def event_values(event: VerifiedEvent) -> dict[str, Any]:
    """The ``gateway_event`` columns of a newly received event (here and `group_commit`)."""
    return {
        "gateway": event.gateway, "event_id": event.event_id,
        "event_type": event.event_type[:64], "status": "pending", "attempts": 0,
        "body": json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")),
        "received_at": utcnow(),
    }


def receive_audit(event: VerifiedEvent) -> dict[str, Any]:
    """What the ``gateway_event.receive`` audit row says of the event."""
    return {"gateway": event.gateway, "event_id": event.event_id, "type": event.event_type}


def store_event(session: Session, event: VerifiedEvent, *, actor: str) -> Stored:
    """Insert a verified event (and its audit row) unless already stored; duplicates: no-op."""
    new_id = insert_ignore_audited(
        session, GatewayEvent, event_values(event), EVENT_KEY, actor=actor,
        action="gateway_event.receive", after=receive_audit(event),
    )
    return Stored(new_id, new_id is not None)


def store_foreign(
    factory: sessionmaker[Session], gateway: str, raw: bytes, *, actor: str
) -> Stored:
    """Keep a delivery that names no configured account, status ``foreign``: for a person to
    see, never processed (`retry_pending` takes only pending/failed).  It could not be verified
    -- no keys are ours -- so nothing is derived from it; one row per distinct body."""
    digest = hashlib.sha256(raw).hexdigest()
    values = {
        "gateway": gateway, "event_id": f"foreign:{digest}", "event_type": "foreign",
        "status": "foreign", "attempts": 0, "exception": "foreign_account",
        "body": json.dumps({"raw": raw.decode("utf-8", errors="replace")}, ensure_ascii=False),
        "received_at": utcnow(),
    }
    with factory.begin() as session:
        new_id = insert_ignore_audited(
            session, GatewayEvent, values, EVENT_KEY, actor=actor,
            action="gateway_event.foreign", after={"gateway": gateway, "sha256": digest})
    return Stored(new_id, new_id is not None)


def store(factory: sessionmaker[Session], event: VerifiedEvent, *, actor: str) -> Stored:
    """Edge helper: `store_event` in its own transaction, committed (durable) on return.

    On PostgreSQL it is one statement (the event row and its audit row, see `store_event`), run
    in autocommit: the statement is its own transaction (atomic, durable when it returns) and
    BEGIN/COMMIT round trips are saved.
    """
    engine = factory.kw.get("bind")
    if isinstance(engine, Engine) and engine.dialect.name == "postgresql":
        # The hot path of the webhook edge: one statement on a pooled driver connection, with
        # no ORM session and no result-metadata set-up around it (a third of the request).
        sql, params = audited_insert_pg(
            GatewayEvent, event_values(event), EVENT_KEY, actor=actor,
            action="gateway_event.receive", after=receive_audit(event))
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            cursor = conn.connection.cursor()
            try:
                cursor.execute(sql, params)
                row = cursor.fetchone()
            finally:
                cursor.close()
        new_id = row[0] if row else None
        return Stored(new_id, new_id is not None)
    with factory() as session:
        stored = store_event(session, event, actor=actor)
        session.commit()
        return stored
