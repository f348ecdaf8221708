"""A small versioned cache for the exception queue's per-cause counts (service layer).

Counting every open receipt by cause is one full pass over the queue; the page itself is
another. The counts only change when the data does, and every change that moves a receipt in or
out of the queue, or to another cause, leaves a new row behind: an audit event (every match,
accept, reject, undo and adjustment), a new statement line, gateway transaction or event, or a
new match (a matching run). ``data_version`` reads those maxima (primary-key lookups), and a
cached count is used only while that version is unchanged and at most ``TTL_SECONDS`` old (which
also bounds what a change without a new row could leave stale). One cache per process;
thread-safe; raises nothing of its own.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon.models import AuditEvent, GatewayEvent, GatewayTransaction, Match, StatementLine

__all__ = ["TTL_SECONDS", "cached", "clear", "data_version"]

TTL_SECONDS = 60.0
MAX_ENTRIES = 256
T = TypeVar("T")

_lock = threading.Lock()
_entries: OrderedDict[Hashable, tuple[float, tuple[Any, ...], Any]] = OrderedDict()


def data_version(session: Session) -> tuple[Any, ...]:
    """The newest id of every table whose new rows can change the queue (one query)."""
    tables = (AuditEvent, Match, StatementLine, GatewayTransaction, GatewayEvent)
    maxima = [sa.select(sa.func.max(t.id)).scalar_subquery() for t in tables]
    # ids restart when a test database is truncated; the newest audit time does not
    maxima.append(sa.select(sa.func.max(AuditEvent.at)).scalar_subquery())
    return tuple(session.execute(sa.select(*maxima)).one())


def cached(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its earlier result for ``key`` while the data version is the same."""
    bind = session.get_bind()
    full_key = (str(bind.url), key)
    version = data_version(session)
    now = time.monotonic()
    with _lock:
        hit = _entries.get(full_key)
        if hit is not None and hit[1] == version and now - hit[0] < TTL_SECONDS:
            _entries.move_to_end(full_key)
            return hit[2]
    value = compute()
    with _lock:
        _entries[full_key] = (now, version, value)
        _entries.move_to_end(full_key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget everything (tests, benchmarks)."""
    with _lock:
        _entries.clear()
