"""A savepoint is nested in the session's transaction on every backend (recon.db.session).

On SQLite, pysqlite begins a transaction only before a data change; a SAVEPOINT issued after
reads only would otherwise start one of its own, and its RELEASE would commit it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

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
