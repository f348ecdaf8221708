"""Processing one stored webhook event, in a transaction of its own (service + edge helper).

`process_event` normalises the stored payload into gateway transactions (`gateway_txns.upsert`),
settles the invoices they name and lets refunds, chargebacks and disputes reopen or flag them
(`gateway_reversals.reconcile`). A verified event naming an unknown order or another amount is
still processed and acknowledged -- the money moved -- and flagged in ``exception`` for a
person. It locks the event row and skips a processed one, so a redelivered task never settles
twice. If processing raises, `record_failure` (another transaction) counts the attempt and keeps
the event ``pending``; after `MAX_ATTEMPTS` it becomes ``failed`` and is only retried on
request. `process_stored` frames both for the edges (the Celery task, inline processing, the
retry of `recon.gateway.events`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from gateways import GatewayTxn, VerifiedEvent, alipay, paypal_events, stripe_events, wechatpay
from recon import audit
from recon.db.types import utcnow
from recon.gateway import reversals as gateway_reversals
from recon.gateway import txns as gateway_txns
from recon.models import GatewayEvent

__all__ = [
    "MAX_ATTEMPTS", "NORMALIZERS", "OCCURRED_AT", "Processed", "process_event", "process_stored",
    "rebuild", "record_failure",
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
class Processed:
    status: str
    exception: str | None = None
    transactions: int = 0


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
