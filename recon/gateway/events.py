"""The verified-webhook inbox: store exactly once, then process in a step of its own (service).

Flow (DESIGN.md, webhook): the edge verifies a delivery with `gateways`, then

1. `store_event` inserts it into ``gateway_event`` with ``INSERT .. ON CONFLICT DO NOTHING`` on
   (gateway, event_id): however often and however concurrently a gateway delivers, one row.
   Its audit row goes in the same statement; a duplicate costs that one statement and nothing
   else.  The edge commits this (`store`) before answering, so an acknowledged event is durable.
2. `process_event`, in its own transaction (`process_stored`: inline by `receive`, or by the
   Celery task `recon.process_event`, `recon.tasks.events`), normalises the stored payload
   into gateway transactions (`gateway_txns.upsert`), settles the invoices they name and lets
   refunds, chargebacks and disputes reopen or flag them (`gateway_reversals.reconcile`).  A
   verified event naming an unknown order or another amount is still processed and
   acknowledged -- the money moved -- and flagged in ``exception`` for a person.
3. If processing raises, `record_failure` (yet another transaction) counts the attempt and keeps
   the event ``pending``; `retry_pending` (``recon gateways retry``, the daily run) tries again.
   After `MAX_ATTEMPTS` it becomes ``failed`` and is only retried on request.

The stored body is the verified payload as JSON (for WeChat Pay the decrypted resource), so a
retry needs no keys.  Services take a session and never commit, except the edge helpers
`store`, `process_stored`, `receive` and `retry_pending`, which frame one transaction per step
by design.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from gateways import GatewayTxn, VerifiedEvent, alipay, paypal_events, stripe_events, wechatpay
from recon import audit
from recon.db.types import utcnow
from recon.gateway import reversals as gateway_reversals
from recon.gateway import txns as gateway_txns
from recon.gateway.upsert import audited_insert_pg, insert_ignore_audited
from recon.models import GatewayEvent

__all__ = [
    "MAX_ATTEMPTS", "NORMALIZERS", "Processed", "RetryReport", "Stored", "event_values",
    "list_events", "process_event", "process_stored", "receive", "receive_audit",
    "record_failure", "retry_pending", "store", "store_event", "store_foreign",
]

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
NORMALIZERS: dict[str, Callable[[VerifiedEvent], tuple[GatewayTxn, ...]]] = {
    "stripe": stripe_events.normalize,
    "alipay": alipay.normalize,
    "wechatpay": wechatpay.normalize,
    "paypal": paypal_events.normalize,
}


def _iso(text: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


OCCURRED_AT: dict[str, Callable[[Mapping[str, Any]], dt.datetime | None]] = {
    "stripe": lambda p: stripe_events.when(p.get("created")),
    "alipay": lambda p: alipay.beijing_time(p.get("notify_time")),
    "wechatpay": lambda p: _iso(p.get("create_time")),
    "paypal": lambda p: _iso(str(p.get("create_time") or "").replace("Z", "+00:00") or None),
}


@dataclass(frozen=True)
class Stored:
    """Outcome of storing a delivery: whether it created the inbox row, and that row's id.

    ``id`` is ``None`` for a duplicate: nothing needs it, so it is not looked up.
    """

    id: int | None
    created: bool


@dataclass(frozen=True)
class Processed:
    status: str
    exception: str | None = None
    transactions: int = 0


@dataclass
class RetryReport:
    processed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


_EVENT_KEY = ("gateway", "event_id")


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
        session, GatewayEvent, event_values(event), _EVENT_KEY, actor=actor,
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
            session, GatewayEvent, values, _EVENT_KEY, actor=actor,
            action="gateway_event.foreign", after={"gateway": gateway, "sha256": digest})
    return Stored(new_id, new_id is not None)


def rebuild(row: GatewayEvent) -> VerifiedEvent:
    """The stored event as the `VerifiedEvent` the normalisers take."""
    payload = json.loads(row.body)
    return VerifiedEvent(
        gateway=row.gateway, event_id=row.event_id, event_type=row.event_type,
        occurred_at=OCCURRED_AT[row.gateway](payload), payload=payload,
    )


def process_event(session: Session, event_row_id: int, *, actor: str) -> Processed:
    """Normalise, upsert and settle one stored event; idempotent (processed events are skipped)."""
    row = session.get(GatewayEvent, event_row_id, with_for_update=True,
                      populate_existing=True)
    if row is None or row.status == "processed":
        return Processed(status="processed" if row else "missing")
    txns = NORMALIZERS[row.gateway](rebuild(row))
    exceptions = []
    for txn in txns:
        stored = gateway_txns.upsert(session, txn, source="webhook", actor=actor,
                                     event_id=row.id)
        code = gateway_txns.settle(session, stored.row, actor=actor)
        code = gateway_reversals.reconcile(session, stored.row, actor=actor) or code
        if code:
            exceptions.append(code)
    before = {"status": row.status, "attempts": row.attempts}
    row.status, row.processed_at, row.attempts = "processed", utcnow(), row.attempts + 1
    row.exception, row.last_error = (exceptions[0] if exceptions else None), None
    audit.record(session, actor=actor, action="gateway_event.process",
                 object_type="gateway_event", object_id=row.id, before=before,
                 after={"status": row.status, "exception": row.exception,
                        "transactions": len(txns)})
    return Processed(row.status, row.exception, len(txns))


def record_failure(
    session: Session, event_row_id: int, error: BaseException, *, actor: str
) -> str:
    """Count a failed attempt; the event stays ``pending`` until `MAX_ATTEMPTS`."""
    row = session.get(GatewayEvent, event_row_id, with_for_update=True)
    if row is None or row.status == "processed":
        return row.status if row else "missing"
    before = {"status": row.status, "attempts": row.attempts}
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "pending"
    audit.record(session, actor=actor, action="gateway_event.fail", obj=row, before=before,
                 after={"status": row.status, "attempts": row.attempts,
                        "error": type(error).__name__})
    return row.status


def _relax_commit(session: Session) -> None:
    """Let PostgreSQL acknowledge the processing commit before its WAL reaches the disk.

    Safe by construction: only the *storage* commit must be durable (it is, synchronously).
    If a crash loses a processing commit, the event row is back to ``pending`` and the retry
    re-runs the idempotent processing.  This halves the fsyncs per webhook.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def process_stored(factory: sessionmaker[Session], row_id: int, actor: str) -> Processed:
    """Edge helper: `process_event` in a transaction of its own; a failure is recorded, not raised.

    The event is never lost: if even recording the failure fails, it is still ``pending``.
    """
    try:
        with factory.begin() as session:
            _relax_commit(session)
            return process_event(session, row_id, actor=actor)
    except Exception as exc:  # any failure: keep the event for a retry, never lose it
        log.warning("gateway event %s processing failed: %s", row_id, type(exc).__name__)
        try:
            with factory.begin() as session:
                status = record_failure(session, row_id, exc, actor=actor)
        except Exception:  # the event is stored and still pending: a retry will find it
            log.exception("gateway event %s: recording the failure failed", row_id)
            status = "pending"
        return Processed(status=status, exception=None)


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
            GatewayEvent, event_values(event), _EVENT_KEY, actor=actor,
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
