"""The request's database session and settings, shared by every view.

``db_session()`` opens the request's session on first use; ``transaction()`` frames the one
service call of an action (commit on success, rollback on error); ``settings()`` is the app's
``AppSettings`` (environment: defaults only); ``runtime()`` the settings in force, read from
the settings table (``recon.access.settings_store``) so every view uses what staff saved;
``celery()`` the Celery app that takes background work (`recon.tasks`).
Kept out of ``web/__init__`` so views import this module, not the package that imports them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from celery import Celery
from flask import current_app, g
from sqlalchemy.orm import Session

from recon.access import settings_store
from recon.access.runtime import RuntimeSettings
from recon.config import AppSettings

__all__ = ["celery", "db_session", "runtime", "settings", "transaction"]


def db_session() -> Session:
    """The request's session (created on first use, closed at the end of the request)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["recon.session_factory"]()
    return g.db_session


@contextmanager
def transaction() -> Iterator[Session]:
    """The request's session framed as one transaction: committed on success, else rolled back.

    Use it around the one service call of an action: ``with transaction() as s: service(s, ...)``.
    """
    session = db_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def settings() -> AppSettings:
    return current_app.extensions["recon.settings"]


def runtime(session: Session | None = None) -> RuntimeSettings:
    """The run-time settings in force now (the settings table over the environment)."""
    return settings_store.load(session or db_session(), settings())


def celery() -> Celery:
    """The app's Celery app: publish tasks with it (they run in-process without a broker)."""
    return current_app.extensions["recon.celery"]


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
