"""The webhook processor as a process of its own (``RECON_WEBHOOK_PROCESSING=process``).

Why a process and not the web worker's thread (`recon.runtime.event_worker`): processing an
event costs several times the CPU of acknowledging it, and a CPU-bound thread in a gunicorn
worker holds the GIL for whole switch intervals while the request threads of that worker wait
for it -- the convoy effect that sets the tail latency of the acknowledgments. In a separate
process the operating system arbitrates instead of the GIL, and the processor runs at a lower
priority (``nice``): under a burst the web workers get the cores and answer, the processor
uses whatever is left and catches up when the burst is over.

The inbox row is the hand-over, as in the other modes: the loop takes never-tried ``pending``
events oldest first, each in its own transaction (`gateway_events.process_stored`, which locks
the row and skips a processed one, so two processors -- or a processor and `recon gateways
retry` -- never settle an event twice). Failures are recorded and left for `recon gateways
retry` and the daily run, as everywhere. Started by ``recon gateways worker``, which
``recon serve`` runs beside gunicorn in this mode.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from recon.db.types import as_utc, utcnow
from recon.gateway.events import process_stored
from recon.models import GatewayEvent

__all__ = ["ProcessorLoop"]

log = logging.getLogger(__name__)


@dataclass
class ProcessorLoop:
    """Process never-tried pending events until `stop` is set; poll when there are none."""

    factory: sessionmaker[Session]
    poll_s: float = 0.25
    batch: int = 200
    actor: str = "gateway:worker"
    # Answers first: while deliveries are arriving (the newest is younger than
    # ``burst_window_s``), pause ``burst_pause_s`` between events -- the database and the
    # cores go to the edge, and the backlog is worked off at full speed once the burst is over.
    burst_window_s: float = 0.5
    burst_pause_s: float = 0.05
    # (k, n): this loop takes the events whose id is k modulo n, so n worker processes share
    # the inbox without ever waiting on each other's rows (``recon serve --event-workers n``)
    shard: tuple[int, int] = (0, 1)
    processed: int = 0
    paused: int = 0
    _last_first: int | None = None

    def __post_init__(self) -> None:
        k, n = self.shard
        if n < 1 or not 0 <= k < n:
            raise ValueError(f"shard {k}/{n}: needs 0 <= k < n")

    def run_once(self, stop: threading.Event | None = None) -> int:
        """One batch of never-tried pending events, oldest first; how many were taken."""
        query = (select(GatewayEvent.id)
                 .where(GatewayEvent.status == "pending", GatewayEvent.attempts == 0)
                 .order_by(GatewayEvent.id).limit(self.batch))
        k, n = self.shard
        if n > 1:
            query = query.where(GatewayEvent.id % n == k)
        with self.factory() as session:
            ids = list(session.scalars(query))
        if ids and ids[0] == self._last_first and stop is not None:
            # The oldest event is still untried after a whole batch: even recording its failure
            # failed (database trouble). Back off instead of spinning on it.
            stop.wait(4 * self.poll_s)
        self._last_first = ids[0] if ids else None
        for row_id in ids:
            if stop is not None and stop.is_set():
                break  # the rest stay pending: the next start takes them
            if self.burst_pause_s and self._deliveries_arriving():
                self.paused += 1
                if stop is not None:  # n workers pause n times as long: the same total rate
                    stop.wait(self.burst_pause_s * self.shard[1])
            process_stored(self.factory, row_id, self.actor)
            self.processed += 1
        return len(ids)

    def _deliveries_arriving(self) -> bool:
        """Whether the newest stored event is younger than ``burst_window_s`` (one primary-key
        probe; the edge stamps ``received_at`` from the same clock on one host)."""
        with self.factory() as session:
            newest = session.scalar(
                select(GatewayEvent.received_at).order_by(GatewayEvent.id.desc()).limit(1))
        if newest is None:
            return False
        return utcnow() - as_utc(newest) < dt.timedelta(seconds=self.burst_window_s)

    def run(self, stop: threading.Event) -> None:
        """Until `stop`: batches back to back while there is work, else wait ``poll_s``.

        A database that goes away is waited for (four polls), never a reason to exit: the
        events are safe in the inbox and the next batch takes them.
        """
        while not stop.is_set():
            try:
                taken = self.run_once(stop)
            except Exception:
                log.exception("gateway event processor: batch failed; retrying")
                stop.wait(4 * self.poll_s)
                continue
            if not taken:
                stop.wait(self.poll_s)
