"""The verified-webhook inbox: store exactly once, then process in a step of its own (service).

Flow (DESIGN.md, webhook): the edge verifies a delivery with `gateways`, then

1. stores it, committed before it answers (`recon.gateway.event_store`: one row per gateway
   and event id however often it is delivered; `recon.gateway.group_commit` groups the commits
   of concurrent deliveries on PostgreSQL);
2. processes it in a transaction of its own (`recon.gateway.event_processing`: inline by
   `receive`, or by the Celery task ``recon.process_events``, `recon.tasks.events`);
3. retries what failed (`retry_pending`: ``recon gateways retry``, the daily run) until
   ``MAX_ATTEMPTS``, after which the event is ``failed`` and retried only on request.

This module keeps the inbox's one public face (``events.store``, ``events.process_stored``,
...) and the helpers that use both halves. Services take a session and never commit, except the
edge helpers `store`, `process_stored`, `receive` and `retry_pending`, which frame one
transaction per step by design.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gateways import VerifiedEvent
from recon.gateway.event_processing import (
    MAX_ATTEMPTS,
    NORMALIZERS,
    OCCURRED_AT,
    Processed,
    process_event,
    process_stored,
    rebuild,
    record_failure,
)
from recon.gateway.event_store import (
    Stored,
    event_values,
    receive_audit,
    store,
    store_event,
    store_foreign,
)
from recon.models import GatewayEvent

__all__ = [
    "MAX_ATTEMPTS", "NORMALIZERS", "OCCURRED_AT", "Processed", "RetryReport", "Stored",
    "event_values", "list_events", "process_event", "process_stored", "rebuild", "receive",
    "receive_audit", "record_failure", "retry_pending", "store", "store_event", "store_foreign",
]


@dataclass
class RetryReport:
    processed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def receive(
    factory: sessionmaker[Session], event: VerifiedEvent, *, actor: str
) -> tuple[Stored, Processed | None]:
    """Edge helper: store (committed), then process a new event inline, in its own transaction.

    Raises only if storing fails; a processing failure is recorded and the event kept.
    """
    stored = store(factory, event, actor=actor)
    if stored.id is None:
        return stored, None
    return stored, process_stored(factory, stored.id, actor)


def retry_pending(
    factory: sessionmaker[Session], *, actor: str, include_failed: bool = False,
    limit: int | None = None,
) -> RetryReport:
    """Process every pending (and optionally failed) event, each in its own transaction."""
    statuses = ("pending", "failed") if include_failed else ("pending",)
    with factory() as session:
        query = select(GatewayEvent.id).where(GatewayEvent.status.in_(statuses))
        ids = list(session.scalars(query.order_by(GatewayEvent.id).limit(limit)))
    report = RetryReport()
    for row_id in ids:
        result = process_stored(factory, row_id, actor)
        if result.status == "processed":
            report.processed += 1
        else:
            report.failed += 1
            report.errors.append(f"event {row_id}: {result.status}")
    return report


def list_events(
    session: Session, *, status: str | None = None, gateway: str | None = None,
    limit: int = 200,
) -> list[GatewayEvent]:
    """Stored events, newest first, optionally filtered."""
    query = select(GatewayEvent).order_by(GatewayEvent.id.desc()).limit(limit)
    if status:
        query = query.where(GatewayEvent.status == status)
    if gateway:
        query = query.where(GatewayEvent.gateway == gateway)
    return list(session.scalars(query))
