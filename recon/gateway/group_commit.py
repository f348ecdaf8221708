"""Group commit of verified webhook events on PostgreSQL: many requests, one INSERT, one COMMIT.

Why: an event is acknowledged only after its row is committed, and a commit per request costs
a round trip, a WAL flush and about a millisecond of driver and server CPU.  Here the request
threads of a process hand their verified event to one writer thread and wait; the writer takes
every event waiting (at most `MAX_BATCH`), stores them with ONE statement -- ``INSERT .. SELECT
FROM unnest(..) ON CONFLICT DO NOTHING`` with their audit rows in the same statement, run in
autocommit, so the statement is the transaction -- and only then wakes each request, which
answers.  While one commit is in flight the next batch gathers: batches grow with the load, and
a lone request waits for nothing but its own statement.

What `recon.gateway.event_store.store` guarantees still holds:

- durable before answered: a request is woken after its batch's commit returned, never before;
- one row per (gateway, event id): a key twice in one batch is inserted once (the first request
  "created" it, the other is a duplicate); across batches and processes the unique constraint
  decides, as before;
- all or nothing: a statement that fails stores none of its batch and every request of it gets
  the error (the edge answers 5xx, the gateway delivers again); only a row the database refuses
  as data (`psycopg.DataError`) is retried on its own, so one bad event cannot fail neighbours;
- no deadlock between processes: a batch inserts in key order (two batches holding the same
  keys lock them in the same order).

SQLite (the embedded default, one process) keeps `store`: there is nothing to group.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
from typing import Any

import psycopg
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from gateways import VerifiedEvent
from recon.audit import jsonable
from recon.db.types import utcnow
from recon.gateway.event_store import Stored, event_values, receive_audit, store

__all__ = ["MAX_BATCH", "EventWriter"]

log = logging.getLogger(__name__)
MAX_BATCH = 128  # events per statement; more than the threads of a web process ever wait
WAIT_S = 30.0  # a request gives up (5xx) if its batch has not returned by then
_Key = tuple[str, str]

# One statement per batch, the same text whatever its size (psycopg prepares it): the input
# rows in key order, the events inserted unless stored, an audit row for each one inserted.
# The arrays go in binary (``%(x)b``): text arrays are quoted element by element in Python, ten
# times the CPU for a batch of JSON bodies (measured: 1.19 against 0.11 ms for 16 events).
INSERT_BATCH = """
WITH input AS (
    SELECT * FROM unnest(%(gateway)b::text[], %(event_id)b::text[], %(event_type)b::text[],
                         %(body)b::text[], %(actor)b::text[], %(after)b::text[])
        WITH ORDINALITY AS t(gateway, event_id, event_type, body, actor, after, n)),
created AS (
    INSERT INTO gateway_event (gateway, event_id, event_type, status, attempts, body,
                               received_at)
    SELECT gateway, event_id, event_type, 'pending', 0, body, %(at)s FROM input ORDER BY n
    ON CONFLICT (gateway, event_id) DO NOTHING
    RETURNING id, gateway, event_id),
audit AS (
    INSERT INTO audit_event (at, actor, action, object_type, object_id, after)
    SELECT %(at)s, i.actor, 'gateway_event.receive', 'gateway_event', CAST(c.id AS VARCHAR),
           CAST(i.after AS JSON)
    FROM created c JOIN input i ON i.gateway = c.gateway AND i.event_id = c.event_id)
SELECT id, gateway, event_id FROM created
"""


class _Waiter:
    """One request waiting for its event's batch; woken once, by the writer thread only.

    A lock held from birth and released by `finish` is the cheapest one-shot wake-up
    (``threading.Event`` builds a condition and a second lock per wait)."""

    __slots__ = ("_done", "actor", "error", "event", "finished", "key", "queued", "result")

    def __init__(self, event: VerifiedEvent, actor: str) -> None:
        self.event, self.actor, self.key = event, actor, (event.gateway, event.event_id)
        self.result: Stored | None = None
        self.error: BaseException | None = None
        self.finished = False
        self.queued = time.monotonic()
        self._done = threading.Lock()
        self._done.acquire()

    def wait(self, timeout: float) -> bool:
        return self._done.acquire(timeout=timeout)

    def finish(self, result: Stored | None = None, error: BaseException | None = None) -> None:
        if not self.finished:
            self.result, self.error, self.finished = result, error, True
            self._done.release()


class EventWriter:
    """`store` for the webhook edge: grouped commits on PostgreSQL, `events.store` elsewhere.

    One per web process; its thread starts on first use (after gunicorn forked the worker) and
    holds one pooled connection of ``factory``'s engine while events keep coming (given back
    whenever none waits: a pool checkout per busy spell, and an idle or disposed engine keeps
    no connection checked out).
    """

    def __init__(self, factory: sessionmaker[Session], *, max_batch: int = MAX_BATCH) -> None:
        self.factory = factory
        engine = factory.kw.get("bind")
        self.engine: Engine | None = (
            engine if isinstance(engine, Engine) and engine.dialect.name == "postgresql" else None
        )
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Waiter] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._conn: Any = None  # the writer thread's pooled DBAPI connection

    def store(self, event: VerifiedEvent, *, actor: str) -> Stored:
        """Store `event` committed, as `recon.gateway.event_store.store`; raises if it is not."""
        if self.engine is None:
            return store(self.factory, event, actor=actor)
        waiter = _Waiter(event, actor)
        self._queue_for_this_process().put(waiter)
        if not waiter.wait(WAIT_S):
            raise TimeoutError(f"event {event.event_id} not stored within {WAIT_S:g} s")
        if waiter.error is not None:
            raise waiter.error
        assert waiter.result is not None
        return waiter.result

    def _queue_for_this_process(self) -> queue.SimpleQueue[_Waiter]:
        """The queue of this process's writer thread, started here the first time (a forked
        child inherits neither the thread nor the parent's connection, so it starts its own)."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._queue, self._conn = queue.SimpleQueue(), None
                    threading.Thread(
                        target=self._run,
                        args=(self._queue,),
                        daemon=True,
                        name="recon-event-writer",
                    ).start()
                    self._pid = os.getpid()
        return self._queue

    def _run(self, waiting: queue.SimpleQueue[_Waiter]) -> None:
        while True:
            try:
                batch = [waiting.get_nowait()]
            except queue.Empty:  # nothing waits: the connection goes back to the pool
                self._release()
                batch = [waiting.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(waiting.get_nowait())
                except queue.Empty:
                    break
            started = time.monotonic()
            try:
                self._write(batch)
            except BaseException as exc:  # never leave a request waiting
                for waiter in batch:
                    waiter.finish(error=exc)
            if log.isEnabledFor(logging.DEBUG):  # what a slow answer waited for, batch by batch
                log.debug("webhook batch of %d: oldest waited %.1f ms, stored in %.1f ms",
                          len(batch), (started - min(w.queued for w in batch)) * 1000,
                          (time.monotonic() - started) * 1000)

    def _write(self, batch: list[_Waiter]) -> None:
        """Store the batch in one statement and wake its requests (see the module doc)."""
        first: dict[_Key, _Waiter] = {}
        for waiter in batch:
            first.setdefault(waiter.key, waiter)
        try:
            created = self._insert(sorted(first.values(), key=lambda w: w.key))
        except psycopg.DataError:
            if len(first) == 1:
                raise
            log.warning(
                "webhook batch of %d refused as data: storing its events one by one", len(first)
            )
            for key in first:
                group = [w for w in batch if w.key == key]
                try:
                    self._write(group)
                except Exception as exc:  # this event only: its neighbours are stored
                    for waiter in group:
                        waiter.finish(error=exc)
            return
        for waiter in batch:
            new_id = created.get(waiter.key) if first[waiter.key] is waiter else None
            waiter.finish(Stored(new_id, new_id is not None))

    def _insert(self, waiters: list[_Waiter]) -> dict[_Key, int]:
        """Run `INSERT_BATCH` (autocommit: committed when it returns); created keys -> ids."""
        params = _params(waiters)
        conn = self._connection()
        try:
            with conn.cursor() as cursor:
                cursor.execute(INSERT_BATCH, params)
                rows = cursor.fetchall()
        except Exception:
            driver = conn.driver_connection
            if driver is None or driver.broken or driver.closed:
                self._conn = None
                conn.invalidate()  # the next batch starts on a new connection
            raise
        return {(gateway, event_id): new_id for new_id, gateway, event_id in rows}

    def _connection(self) -> Any:
        if self._conn is None:
            assert self.engine is not None
            conn = self.engine.raw_connection()
            conn.driver_connection.autocommit = True
            self._conn = conn
        return self._conn

    def _release(self) -> None:
        """Give the connection back to the pool as the pool lent it (not in autocommit)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.driver_connection.autocommit = False
                conn.close()
            except Exception:  # broken meanwhile: the pool replaces it
                conn.invalidate()


def _params(waiters: list[_Waiter]) -> dict[str, Any]:
    """The batch's columns as arrays (the statement's ``unnest`` parameters)."""
    columns: dict[str, list[Any]] = {
        name: [] for name in ("gateway", "event_id", "event_type", "body", "actor", "after")
    }
    for waiter in waiters:
        values = event_values(waiter.event)
        for name in ("gateway", "event_id", "event_type", "body"):
            columns[name].append(values[name])
        columns["actor"].append(waiter.actor)
        columns["after"].append(json.dumps(jsonable(receive_audit(waiter.event))))
    return {**columns, "at": utcnow()}
