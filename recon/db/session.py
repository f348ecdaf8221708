"""Engines and session factories; the edge frames each transaction with ``factory.begin()``."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

# Bulk statement inserts hand dates to the sqlite3 driver as they are. Python 3.12 deprecates
# the driver's built-in date/datetime adapters (a warning per value, an error under pytest);
# these are the same ISO texts, registered explicitly.
sqlite3.register_adapter(dt.date, dt.date.isoformat)
sqlite3.register_adapter(dt.datetime, lambda value: value.isoformat(" "))

__all__ = ["is_postgres", "is_sqlite", "lateral_ok", "make_engine", "make_session_factory",
           "release_cache", "without_jit"]


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


SQLITE_CACHE_KIB = 65_536
"""The page cache of a SQLite connection, in KiB (memory used only as pages are read)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; a busy timeout lets a second writer wait
    # instead of failing at once (the daily run and the web UI share one file).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # A 64 MB page cache (the default is 2 MB): a bulk import touches every index of its tables
    # at random places; with the default cache that re-reads pages from the OS all the time
    # (measured: 100k invoices import 0.7 s CPU and a third of the wall time faster).
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def _sqlite_begin_before_savepoint(conn: Connection, _name: str | None) -> None:
    """Open the real transaction before a SAVEPOINT (SQLAlchemy's ``savepoint`` event).

    pysqlite sends its BEGIN only before a data change, and SQLite starts a transaction of its
    own for a SAVEPOINT outside one, which the savepoint's RELEASE then COMMITs: a session that
    only read before ``begin_nested()`` (a matching run, an import) would commit each chunk as it
    goes -- not one transaction, and a commit (a sync to disk) per chunk. Not in autocommit mode.
    """
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and dbapi.isolation_level is not None and not dbapi.in_transaction:
        dbapi.execute("BEGIN")


# Connections a PostgreSQL engine keeps open. With SQLAlchemy's default of 5, every connection
# beyond the fifth is an "overflow" one, closed when returned -- so under load most requests
# would fork a new PostgreSQL backend (measured: a third of the webhook endpoint's cost). Idle
# connections are cheap next to that; they are opened only when used. A gunicorn worker runs
# `web.gunicorn_config.THREADS` request threads, but a webhook delivery holds no connection (the
# worker's writer thread stores every waiting delivery on one): 17 kept, plus SQLAlchemy's 10
# overflow, serve the pages' threads, and keep two workers and the Celery workers well under
# PostgreSQL's default of 100 connections; a page beyond that waits for a connection.
PG_POOL_SIZE = 17


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` (``sqlite:///...`` or ``postgresql+psycopg://...``)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql"):
        kwargs.setdefault("pool_size", PG_POOL_SIZE)
    engine = create_engine(url, future=True, **kwargs)
    if is_sqlite(engine):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (views render after ``begin()``)."""
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


def lateral_ok(session: Session) -> bool:
    """Whether the session's database has ``LATERAL`` joins (PostgreSQL; not SQLite)."""
    return session.get_bind().dialect.name == "postgresql"


def without_jit(session: Session) -> None:
    """Turn PostgreSQL's JIT off for the rest of this transaction (nothing on SQLite).

    The per-row suggestion lookups make the planner's cost of a queue query pass
    ``jit_above_cost``, and compiling it then takes 100+ ms (measured: 120 ms of a 264 ms count)
    for a query that runs in 50-100 ms without: JIT pays off only for long analytic scans.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def release_cache(session: Session) -> None:
    """Free the page cache of the session's SQLite connection (nothing elsewhere).

    A matching run reads every open invoice and line first; the pages it read then fill the
    64 MB cache (`SQLITE_CACHE_KIB`) while the engine holds its own tables, at the run's peak.
    Pages needed later are read again from the operating system's file cache.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA shrink_memory")
