"""What a task needs from the process it runs in (edge): settings, a database engine, queues.

`make_celery` (`recon.tasks.app`) attaches a `Runtime` to each Celery app; the task modules
reach it with `runtime(app)`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from celery import Celery
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from recon.config import AppSettings
from recon.db import make_engine, make_session_factory

__all__ = ["EVENTS_QUEUE", "RUNS_QUEUE", "Runtime", "runtime"]

EVENTS_QUEUE = "recon.events"  # webhook events: many, short
RUNS_QUEUE = "recon.runs"  # the daily run, the sweep: scheduled work


@dataclass
class Runtime:
    """What a task needs from the process it runs in: settings and a database engine.

    The engine is created on first use, so each prefork pool process opens its own connections
    (never the parent's; SQLAlchemy's rule for forking). The web app hands in its engine for
    in-process (eager) execution.
    """

    settings: AppSettings
    _engine: Engine | None = None
    _factory: sessionmaker[Session] | None = field(default=None, repr=False)
    _pid: int = field(default_factory=os.getpid, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is not None and self._pid != os.getpid():
            self._engine.dispose(close=False)  # forked: the parent's connections are not ours
            self._pid = os.getpid()
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine

    @property
    def factory(self) -> sessionmaker[Session]:
        if self._factory is None:
            self._factory = make_session_factory(self.engine)
        return self._factory


def runtime(app: Celery) -> Runtime:
    """The `Runtime` that `make_celery` attached to ``app``."""
    return app.recon_runtime  # type: ignore[attr-defined, no-any-return]
