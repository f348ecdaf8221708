"""What every ``recon`` command gets in ``ctx.obj``: the settings and a session factory."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from functools import cached_property

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from recon.config import AppSettings
from recon.db import make_engine, make_session_factory
from recon.db.migrate import current_revision, head_revision, is_current

__all__ = ["CliContext", "pass_ctx"]


@dataclass
class CliContext:
    settings: AppSettings
    actor_name: str | None = None
    _checked: bool = field(default=False, repr=False)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @property
    def session_factory(self) -> sessionmaker[Session]:
        """Sessions on a database whose schema is current (else a clear error)."""
        if not self._checked:
            self.require_current_schema()
        return self._factory

    @cached_property
    def _factory(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    @property
    def actor(self) -> str:
        return self.actor_name or f"cli:{_user()}"

    def close(self) -> None:
        """Release the engine's connections (called when the command ends)."""
        if "engine" in self.__dict__:
            self.__dict__.pop("engine").dispose()
            self.__dict__.pop("_factory", None)
            self._checked = False

    def require_current_schema(self) -> None:
        if is_current(self.engine):
            self._checked = True
            return
        current, head = current_revision(self.engine), head_revision()
        if current != head:
            raise click.ClickException(
                f"the database schema is at {current or 'nothing'} but this version needs {head}: "
                "run `recon db upgrade`"
            )
        self._checked = True


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in a container
        return "unknown"


pass_ctx = click.make_pass_decorator(CliContext)
