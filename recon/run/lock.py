"""One daily run at a time: a lock that works on SQLite and PostgreSQL and dies with its holder.

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) taken on a dedicated
  autocommit connection. The server releases it when that connection closes, so a process killed
  with ``kill -9`` frees it as soon as its socket is gone. The key is derived from the lock name
  and the current schema, so test runs in private schemas never block each other.
- SQLite: an OS file lock (``flock``) on ``<database>.runlock`` beside the database file. The
  kernel drops it when the process dies; the file keeps the holder's pid for the message.

``run_lock(engine)`` is a context manager; it raises ``RunLockBusy`` at once (never waits) when
another run holds the lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text

__all__ = ["RunLockBusy", "lock_file_for", "run_lock"]

LOCK_NAME = "recon-daily-run"


class RunLockBusy(RuntimeError):
    """Another ``recon run`` holds the lock; the message says who, when known."""


@contextmanager
def run_lock(engine: Engine, name: str = LOCK_NAME) -> Iterator[None]:
    """Hold the run lock for the ``with`` block; raise ``RunLockBusy`` if it is taken."""
    if engine.dialect.name == "postgresql":
        with _pg_lock(engine, name):
            yield
    else:
        with _file_lock(lock_file_for(engine, name)):
            yield


def _key(name: str, schema: str) -> int:
    """A signed 64-bit advisory-lock key for ``name`` in ``schema``."""
    digest = hashlib.sha256(f"{schema}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _pg_lock(engine: Engine, name: str) -> Iterator[None]:
    conn: Connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        schema = conn.scalar(text("SELECT current_schema()")) or "public"
        key = _key(name, schema)
        if not conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}):
            raise RunLockBusy(f"another recon run holds the lock ({_pg_holder(conn, key)})")
        try:
            yield
        finally:
            conn.scalar(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    finally:
        conn.close()


def _pg_holder(conn: Connection, key: int) -> str:
    """Who holds advisory lock ``key`` (pid and since when), for the error message."""
    row = conn.execute(
        text(
            "SELECT a.pid, a.backend_start FROM pg_locks l JOIN pg_stat_activity a "
            "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
            "AND ((l.classid::bigint << 32) | l.objid::bigint) = (:k)::bigint LIMIT 1"
        ),
        {"k": key},
    ).first()
    return f"server pid {row[0]} since {row[1]:%Y-%m-%d %H:%M:%S}" if row else "holder unknown"


def lock_file_for(engine: Engine, name: str = LOCK_NAME) -> Path:
    """The lock file beside an SQLite database (a temp file for in-memory databases)."""
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        return Path(database).resolve().with_name(Path(database).name + ".runlock")
    digest = hashlib.sha256(str(engine.url).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"{name}-{digest}.runlock"


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise RunLockBusy(f"another recon run holds {path} (pid {holder})") from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
