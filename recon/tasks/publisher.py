"""Publish committed webhook events from one thread per process, many events a message (edge).

Why: a request that publishes its own task pays ~0.6 ms of CPU and a broker round trip, and
waits for the broker; at a thousand events a second that is most of a core, and a slow broker
slows every answer.  Instead the webhook edge hands each committed event's row id to
`EventPublisher.submit` (a queue put) and answers; one thread per process takes the ids waiting
(for at most `LINGER_S` after the first, so a busy second makes few messages) and publishes
them with `recon.tasks.events.publish_events` -- one ``recon.process_events`` message per
actor and at most `BATCH` ids -- on its own producer and broker connection, kept open between
batches.

Nothing acknowledged can be lost here: an event is committed before it is handed over.  A
publish that fails (broker away) drops its ids with a warning: they are ``pending`` in the
database and the beat sweep republishes them after ``RECON_SWEEP_AGE``, as it does for the ids
of a web process killed before it published them.  A process that exits normally publishes what
is waiting first (``atexit``, at most `FLUSH_S`).

Without a broker (the embedded default) `submit` processes the event in the caller, at once:
the request answers after processing, as before.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time

from celery import Celery

from recon.tasks.events import BATCH, publish_events

__all__ = ["FLUSH_S", "LINGER_S", "EventPublisher"]

log = logging.getLogger(__name__)
LINGER_S = 0.02  # how long a batch waits for company after its first id
FLUSH_S = 5.0  # at exit, how long the ids still waiting may take to publish
_Item = tuple[int, str] | threading.Event  # (row id, actor), or a flush marker


class EventPublisher:
    """The per-process publisher of committed events (see the module doc)."""

    def __init__(self, app: Celery) -> None:
        self.app = app
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pid: int | None = None

    def submit(self, row_id: int, actor: str) -> None:
        """Hand over a committed event: published soon (processed now, without a broker)."""
        if self.app.conf.task_always_eager:
            publish_events(self.app, [row_id], actor)
            return
        self._queue_for_this_process().put((row_id, actor))

    def flush(self, timeout: float = FLUSH_S) -> bool:
        """Publish what was submitted before this call; ``False`` if that took too long."""
        if self._pid != os.getpid():
            return True  # nothing submitted in this process
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def _queue_for_this_process(self) -> queue.SimpleQueue[_Item]:
        """This process's queue; its thread starts here the first time (a forked gunicorn
        worker inherits neither the thread nor the parent's broker connection)."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._queue = queue.SimpleQueue()
                    threading.Thread(
                        target=self._run,
                        args=(self._queue,),
                        daemon=True,
                        name="recon-event-publisher",
                    ).start()
                    self._pid = os.getpid()
                    atexit.register(self.flush)
        return self._queue

    def _run(self, waiting: queue.SimpleQueue[_Item]) -> None:
        while True:
            items = [waiting.get()]
            deadline = time.monotonic() + LINGER_S
            while len(items) < BATCH * 10 and not isinstance(items[-1], threading.Event):
                left = deadline - time.monotonic()
                try:
                    items.append(waiting.get(timeout=left) if left > 0 else waiting.get_nowait())
                except queue.Empty:
                    break
            try:
                self._publish([item for item in items if not isinstance(item, threading.Event)])
            except Exception:  # never stop publishing; the sweep has whatever this lost
                log.exception("publishing %d gateway event(s) failed", len(items))
            for item in items:
                if isinstance(item, threading.Event):
                    item.set()

    def _publish(self, items: list[tuple[int, str]]) -> None:
        by_actor: dict[str, list[int]] = {}
        for row_id, actor in items:
            by_actor.setdefault(actor, []).append(row_id)
        for actor, ids in by_actor.items():
            for start in range(0, len(ids), BATCH):
                publish_events(self.app, ids[start : start + BATCH], actor)
