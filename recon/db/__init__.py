"""Database layer: declarative base, shared column types, engines and sessions."""

from recon.db.session import is_postgres, is_sqlite, make_engine, make_session_factory
from recon.db.types import Base, utcnow

__all__ = ["Base", "is_postgres", "is_sqlite", "make_engine", "make_session_factory", "utcnow"]
