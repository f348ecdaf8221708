"""Schema management: the schema is created and changed only by Alembic migrations.

Every command checks that the database is at the code's head revision before it runs. That check
(`is_current`) reads the version table with one query and the head from the migration files'
``revision``/``down_revision`` lines, without importing Alembic (a fifth of a short command's
start-up); anything it cannot decide that way (no version table, several heads, a mismatch) is
left to Alembic itself (`current_revision`, `head_revision`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["alembic_config", "current_revision", "head_revision", "is_current", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema of ``engine``'s database to ``revision``."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_current(engine: Engine) -> bool:
    """True when the database is at the head revision (fast path: no Alembic import)."""
    head = scanned_head()
    if head is not None:
        try:
            with engine.connect() as connection:
                found = connection.execute(text("SELECT version_num FROM alembic_version"))
                if [row[0] for row in found] == [head]:
                    return True
        except SQLAlchemyError:
            pass  # no version table yet: Alembic decides below
    return current_revision(engine) == head_revision()


_REVISION = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(?:None|[\"']([^\"']+)[\"'])\s*$",
                       re.MULTILINE)


@lru_cache(maxsize=1)
def scanned_head() -> str | None:
    """The one revision no migration file names as its ``down_revision``; None when the files
    are not a plain chain this scan can read (a merge, several heads): Alembic decides then."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((m[0], m[1]) for m in _REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None
