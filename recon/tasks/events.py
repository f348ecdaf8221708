"""Webhook events as Celery tasks: process stored events, and the sweep (task definitions).

The edge stores and commits events, answers the gateway, then hands their row ids to the
process's `recon.tasks.publisher.EventPublisher`, which publishes them in batches as
``recon.process_events`` (`publish_events`; one message for many events). The task runs
`recon.gateway.event_processing.process_stored` for each id: one transaction per event that
locks its row and skips an event already processed, so a redelivered or republished message
never settles an invoice twice. When an attempt fails (recorded on the row, which stays ``pending``,
or not even recordable because the database is away) the task retries itself, for the failed
ids only, with exponential back-off and full jitter; after `MAX_ATTEMPTS` recorded failures the
row is ``failed`` -- the dead-letter state that ``recon gateways events --status failed`` and
the Gateways page list and ``recon gateways retry --all`` works again. ``recon.process_event``
(one id) stays for messages published by older releases and for callers with one event.

``recon.sweep_pending_events`` (Celery beat) republishes events still ``pending`` with no attempt
``sweep_age_s`` after they arrived: the ones whose publish failed (broker down, web worker
killed between commit and publish). It runs only while the events queue has no ready message,
so a backlog being worked off is not published twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from celery import Celery, Task
from celery.utils.time import get_exponential_backoff_interval
from kombu import Producer
from kombu.utils.uuid import uuid
from sqlalchemy import select

from recon.db.types import utcnow
from recon.gateway.event_processing import MAX_ATTEMPTS, process_stored
from recon.models import GatewayEvent
from recon.tasks.runtime import EVENTS_QUEUE, runtime

__all__ = [
    "PROCESS_EVENT", "PROCESS_EVENTS", "SWEEP", "publish_event", "publish_events", "register",
    "sweep_pending",
]

log = logging.getLogger(__name__)
PROCESS_EVENT = "recon.process_event"
PROCESS_EVENTS = "recon.process_events"
BATCH = 100  # event ids per message at most
SWEEP = "recon.sweep_pending_events"
BACKOFF_BASE_S = 2  # 2, 4, 8, ... seconds (full jitter), at most BACKOFF_MAX_S
BACKOFF_MAX_S = 300
SWEEP_BATCH = 1000
_local = threading.local()  # this thread's producer (`_thread_producer`)


def publish_event(app: Celery, row_id: int, actor: str = "gateway:worker") -> bool:
    """`publish_events` for one committed event."""
    return publish_events(app, [row_id], actor)


def publish_events(app: Celery, row_ids: list[int], actor: str = "gateway:worker") -> bool:
    """Hand committed events to the workers as one ``recon.process_events`` message (processed
    in-process, at once, without a broker); ``False`` if the broker could not take it -- the
    events stay ``pending`` and the sweep publishes them later.

    The calling thread keeps its own producer and broker connection (`_thread_producer`) and
    publishes Celery's own message (``app.amqp.as_task_v2``) on it: ``apply_async`` (router,
    signals, a producer taken from the shared pool and given back) costs more than twice the
    publish itself. The publish reconnects and retries as ``apply_async`` would
    (``task_publish_retry_policy``); a producer that still failed is dropped, so the thread's
    next publish starts on a new connection."""
    try:
        if app.conf.task_always_eager:
            app.tasks[PROCESS_EVENTS].apply_async((list(row_ids), actor))
        else:
            _publish_on_thread_producer(app, list(row_ids), actor)
    except Exception as exc:  # broker away: the committed rows are the hand-over
        _drop_thread_producer()
        log.warning("%d gateway event(s) from %s: not published (%s); left for the sweep",
                    len(row_ids), row_ids[0] if row_ids else "-", type(exc).__name__)
        return False
    return True


def _publish_on_thread_producer(app: Celery, row_ids: list[int], actor: str) -> None:
    message = app.amqp.as_task_v2(uuid(), PROCESS_EVENTS, (row_ids, actor), {})
    _thread_producer(app).publish(
        message.body, exchange="", routing_key=EVENTS_QUEUE, serializer="json",
        headers=message.headers, delivery_mode=2, declare=[app.amqp.queues[EVENTS_QUEUE]],
        retry=True, retry_policy=app.conf.task_publish_retry_policy, **message.properties)


def _thread_producer(app: Celery) -> Producer:
    producer: Producer | None = getattr(_local, "producer", None)
    if producer is None or getattr(_local, "app", None) is not app:
        _drop_thread_producer()
        producer = app.amqp.Producer(app.connection_for_write())
        _local.producer, _local.app = producer, app
    return producer


def _drop_thread_producer() -> None:
    producer = getattr(_local, "producer", None)
    _local.producer = _local.app = None
    if producer is not None:
        try:
            producer.connection.close()
        except Exception:  # already broken: nothing to release
            log.debug("closing a broken producer connection failed", exc_info=True)


def _process(task: Task, row_ids: list[int], actor: str) -> list[str]:
    """Process each event in its own transaction; retry the ones left pending (with a broker)."""
    factory = runtime(task.app).factory
    statuses = [process_stored(factory, row_id, actor).status for row_id in row_ids]
    pending = [row_id for row_id, status in zip(row_ids, statuses, strict=True)
               if status == "pending"]
    if not pending or task.request.is_eager:
        return statuses  # in-process: a failure waits for `recon gateways retry` / the daily run
    if task.request.retries >= MAX_ATTEMPTS:
        log.warning("gateway event(s) %s still pending after %d tries", pending, MAX_ATTEMPTS)
        return statuses
    countdown = get_exponential_backoff_interval(
        BACKOFF_BASE_S, task.request.retries, BACKOFF_MAX_S, full_jitter=True)
    args = (pending[0], actor) if task.name == PROCESS_EVENT else (pending, actor)
    raise task.retry(args=args, countdown=max(countdown, 0.5))


def sweep_pending(app: Celery, age_s: float | None = None) -> int:
    """Republish never-tried events older than ``age_s`` (default: this process's
    ``RECON_SWEEP_AGE``; beat sends its own); how many (0 while the events queue still has
    ready messages)."""
    recon_runtime = runtime(app)
    if not app.conf.task_always_eager and _ready_messages(app) > 0:
        return 0
    age = recon_runtime.settings.tasks.sweep_age_s if age_s is None else age_s
    cutoff = utcnow() - dt.timedelta(seconds=age)
    with recon_runtime.factory() as session:
        ids = list(session.scalars(
            select(GatewayEvent.id)
            .where(GatewayEvent.status == "pending", GatewayEvent.attempts == 0,
                   GatewayEvent.received_at < cutoff)
            .order_by(GatewayEvent.id).limit(SWEEP_BATCH)))
    published = sum(len(ids[i:i + BATCH]) for i in range(0, len(ids), BATCH)
                    if publish_events(app, ids[i:i + BATCH], "gateway:sweep"))
    if ids:
        log.info("sweep: %d of %d pending event(s) republished", published, len(ids))
    return published


def _ready_messages(app: Celery) -> int:
    """Messages waiting in the events queue (0 if no worker has declared it yet)."""
    with app.connection_for_write() as conn:
        try:
            _name, ready, _consumers = conn.default_channel.queue_declare(
                EVENTS_QUEUE, passive=True)
        except conn.channel_errors:
            return 0
    return int(ready)


def register(app: Celery) -> None:
    """Define the event tasks on ``app``."""

    @app.task(name=PROCESS_EVENT, bind=True, shared=False, max_retries=None)
    def process_event(self: Task, row_id: int, actor: str = "gateway:worker") -> str:
        """Process one stored event (idempotent; retried with back-off while it fails)."""
        return _process(self, [row_id], actor)[0]

    @app.task(name=PROCESS_EVENTS, bind=True, shared=False, max_retries=None)
    def process_events(self: Task, row_ids: list[int], actor: str = "gateway:worker"
                       ) -> list[str]:
        """Process stored events, each on its own (idempotent; the failed ones retried)."""
        return _process(self, list(row_ids), actor)

    @app.task(name=SWEEP, bind=True, shared=False, acks_late=False)
    def sweep(self: Task, age_s: float | None = None) -> int:
        """Republish events left pending (beat; expires after one tick, never piles up), and
        uploads whose publish failed (`recon.tasks.imports.sweep_imports`)."""
        from recon.tasks.imports import IMPORT_SWEEP_AGE_S, sweep_imports

        published = sweep_pending(self.app, age_s)
        sweep_imports(self.app, IMPORT_SWEEP_AGE_S)
        return published
