"""Background processing of stored webhook events, one daemon thread per process (edge runner).

The webhook edge stores an event (committed) and answers at once; it hands the new row id to
`EventProcessor.submit`, and the processor's thread runs `gateway_events.process_stored` on it
-- one transaction per event, failures recorded by `record_failure` and left ``pending``.

Nothing here is needed for correctness, only for speed: the inbox row is the durable hand-over.
An event that never reaches the thread (queue full, worker killed, shut down mid-queue) is still
``pending`` with no attempt; when its queue is idle the processor sweeps such never-tried events
older than ``sweep_age`` seconds (any worker's: `process_event` locks the row and skips a
processed one, so two processors cannot settle it twice), and `recon gateways retry` and the
daily run process whatever is left.  Events that *failed* are not swept: they wait for those
retries, as before.  The thread starts on the first `submit` in each process (gunicorn forks
after the app is built, and threads do not survive a fork).

Answers first: while a webhook request of this process is being served (`serving`), the thread
waits up to ``yield_s`` before taking the next event, so processing uses the gaps between
requests instead of competing with them for the GIL and the cores; under constant load it
still processes at least one event per ``yield_s``, and whatever overflows the queue is swept
when load drops.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import queue
import threading
import time
import weakref
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from recon.db.types import utcnow
from recon.gateway.events import process_stored
from recon.models import GatewayEvent

__all__ = ["EventProcessor"]

log = logging.getLogger(__name__)
_PROCESSORS: weakref.WeakSet[EventProcessor] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for processor in list(_PROCESSORS):  # only the forking thread exists here: no race
        processor._reset()


os.register_at_fork(after_in_child=_after_fork_in_child)


class EventProcessor:
    """A bounded queue of stored event ids and the daemon thread that processes them."""

    def __init__(
        self, factory: sessionmaker[Session], *, maxsize: int = 2048, sweep_age: float = 5.0,
        sweep_every: float = 2.0, sweep_batch: int = 200, yield_s: float = 0.25,
        actor: str = "gateway:worker",
    ) -> None:
        self._factory = factory
        self._yield_s = yield_s
        self._maxsize, self._sweep_age, self._sweep_every = maxsize, sweep_age, sweep_every
        self._sweep_batch, self._actor = sweep_batch, actor
        self._reset()
        _PROCESSORS.add(self)

    def _reset(self) -> None:
        """Fresh state (also in a forked child: the parent's thread, locks and queue are not
        usable there)."""
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._quiet = threading.Event()  # set while no webhook request is being served
        self._quiet.set()
        self._serving = 0
        self._queue: queue.Queue[tuple[int, str] | None] = queue.Queue(self._maxsize)
        self._unfinished = 0
        self._thread: threading.Thread | None = None
        self._stopping = False

    def submit(self, row_id: int, actor: str | None = None) -> bool:
        """Queue a stored event; ``False`` when the queue is full (it stays ``pending``)."""
        with self._lock:
            if self._stopping:
                return False
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="gateway-events",
                                                daemon=True)
                self._thread.start()
            try:
                self._queue.put_nowait((row_id, actor or self._actor))
            except queue.Full:
                return False
            self._unfinished += 1
            return True

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Mark a request in progress: the thread gives it precedence (see the module doc)."""
        with self._lock:
            self._serving += 1
            self._quiet.clear()
        try:
            yield
        finally:
            with self._lock:
                self._serving -= 1
                if not self._serving:
                    self._quiet.set()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every submitted event has been processed; ``False`` on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the event in hand and stop; queued events stay ``pending`` (swept/retried)."""
        with self._lock:
            self._stopping = True
            thread = self._thread
        if thread is not None and thread.is_alive():
            with contextlib.suppress(queue.Full):  # else it sees ``_stopping`` after this one
                self._queue.put_nowait(None)
            thread.join(timeout)

    def sweep(self) -> int:
        """Process never-tried ``pending`` events older than ``sweep_age``; how many.

        Newest first: a busy worker works through its own queue oldest first, so the two meet
        in the middle instead of queueing on the same row locks.
        """
        cutoff = utcnow() - dt.timedelta(seconds=self._sweep_age)
        with self._factory() as session:
            ids = list(session.scalars(
                select(GatewayEvent.id)
                .where(GatewayEvent.status == "pending", GatewayEvent.attempts == 0,
                       GatewayEvent.received_at < cutoff)
                .order_by(GatewayEvent.id.desc()).limit(self._sweep_batch)
            ))
        for row_id in ids:
            if self._stopping:
                break
            process_stored(self._factory, row_id, self._actor)
        return len(ids)

    def _run(self) -> None:
        last_sweep = time.monotonic()
        while not self._stopping:
            try:
                item = self._queue.get(timeout=self._sweep_every)
            except queue.Empty:
                item = None
            if item is not None:
                self._give_way()
                self._process(*item)
            elif not self._stopping and time.monotonic() - last_sweep >= self._sweep_every:
                self._sweep_quietly()
                last_sweep = time.monotonic()

    def _give_way(self) -> None:
        """Wait (at most ``yield_s``) for a moment without webhook requests in progress."""
        self._quiet.wait(self._yield_s)

    def _process(self, row_id: int, actor: str) -> None:
        try:
            process_stored(self._factory, row_id, actor)
        except Exception:  # process_stored records failures itself; this is a last resort
            log.exception("gateway event %s: background processing failed", row_id)
        finally:
            with self._idle:
                self._unfinished -= 1
                self._idle.notify_all()

    def _sweep_quietly(self) -> None:
        try:
            swept = self.sweep()
        except Exception:  # database away: the next sweep, the retry or the run will do it
            log.exception("gateway event sweep failed")
            return
        if swept:
            log.info("gateway event sweep processed %d event(s)", swept)
