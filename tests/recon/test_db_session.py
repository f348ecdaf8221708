"""A savepoint is nested in the session's transaction on every backend (recon.db.session).

On SQLite, pysqlite begins a transaction only before a data change; a SAVEPOINT issued after
reads only would otherwise start one of its own, and its RELEASE would commit it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from recon.db.session import release_cache
from recon.models import Customer
from tests.recon.factories import make_customer


class _Stop(Exception):
    pass


def _name(engine: Engine, customer_id: int) -> str:
    with engine.connect() as conn:  # another connection: sees only what is committed
        return conn.execute(select(Customer.name).where(Customer.id == customer_id)).scalar_one()


def test_released_savepoint_is_undone_with_the_transaction(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        customer_id = make_customer(session, name="Before").id
    with pytest.raises(_Stop), session_factory.begin() as session:
        session.execute(text("SELECT 1")).all()  # reads only before the savepoint
        with session.begin_nested():
            session.execute(text("UPDATE customer SET name = 'Inside' WHERE id = :i"),
                            {"i": customer_id})  # fmt: skip
        assert session.execute(select(Customer.name).where(Customer.id == customer_id)
                               ).scalar_one() == "Inside"  # fmt: skip
        raise _Stop
    assert _name(engine, customer_id) == "Before"


def test_released_savepoint_is_committed_with_the_transaction(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        customer_id = make_customer(session, name="Before").id
    with session_factory.begin() as session, session.begin_nested():
        session.execute(text("UPDATE customer SET name = 'After' WHERE id = :i"),
                        {"i": customer_id})  # fmt: skip
    assert _name(engine, customer_id) == "After"


def _sqlite_memory_used() -> int:
    import _sqlite3
    import ctypes

    lib = ctypes.CDLL(_sqlite3.__file__)  # the SQLite library Python's driver is linked with
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    return int(lib.sqlite3_memory_used())


def test_release_cache_frees_the_sqlite_page_cache(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as session:
        for n in range(600):
            make_customer(session, name=f"Customer {n} " + "x" * 200)
    with session_factory() as session:
        if session.get_bind().dialect.name != "sqlite":
            release_cache(session)  # nothing to free elsewhere: it only must not fail
            return
        session.execute(select(Customer.name)).all()  # pages read into the cache
        before = _sqlite_memory_used()
        release_cache(session)
        assert _sqlite_memory_used() < before - 100_000
        assert len(session.execute(select(Customer.name)).all()) == 600  # read again


def test_a_matching_run_releases_the_cache_after_loading(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import recon.matchrun.service as service

    calls: list[str] = []
    real_load = service.load
    monkeypatch.setattr(service, "load", lambda s: calls.append("load") or real_load(s))
    monkeypatch.setattr(service, "release_cache", lambda s: calls.append("release"))
    real_match = service.m.match
    monkeypatch.setattr(service.m, "match", lambda *a: calls.append("engine") or real_match(*a))
    service.run_matching(session, actor="t", dry_run=True)
    assert calls == ["load", "release", "engine"]
