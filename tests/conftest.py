"""Shared fixtures: a fresh, migrated database per test.

Backend: SQLite by default; PostgreSQL with ``RECON_TEST_BACKEND=postgresql`` (CI runs the whole
suite once on each). Tests that need PostgreSQL itself (concurrency) use ``pg_url``/``pg_engine``:
they run when ``RECON_TEST_POSTGRES_URL`` is set (always under ``CI=true``, which defaults it to
the local server) and are skipped cleanly otherwise; an unreachable server fails them.

PostgreSQL isolation: every pytest process works in its own schema (``search_path`` in the URL),
so parallel runs on one server never see each other's rows; tables are truncated between tests.
SQLite: the schema is migrated once into a template file that each test copies.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from recon.cli import main
from recon.cli.context import CliContext
from recon.config import AppSettings
from recon.db import make_engine, make_session_factory
from recon.db.migrate import upgrade

FIXTURES = Path(os.environ.get("RECON_FIXTURES", "/work/shared/fixtures/bank"))
if not FIXTURES.exists():  # a checkout next to shared/
    FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "bank"

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKEND = os.environ.get("RECON_TEST_BACKEND", "sqlite").strip().lower()
PG_URL = os.environ.get("RECON_TEST_POSTGRES_URL", "").strip() or (
    DEFAULT_PG if IN_CI or BACKEND == "postgresql" else ""
)


def pytest_report_header(config: pytest.Config) -> str:
    return f"recon database backend: {BACKEND}; postgresql-only tests: {PG_URL or 'skipped'}"


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A private schema on the PostgreSQL server, migrated once; fails when unreachable."""
    if not PG_URL:
        if IN_CI:
            pytest.fail(
                "RECON_TEST_POSTGRES_URL is not set in CI: PostgreSQL tests cannot be skipped"
            )
        pytest.skip("PostgreSQL tests: set RECON_TEST_POSTGRES_URL to run them")
    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_URL} is unreachable: {exc}")
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh, migrated, empty database for this test."""
    if BACKEND == "postgresql":
        return request.getfixturevalue("pg_url")
    template = request.getfixturevalue("sqlite_template")
    target = tmp_path / "recon.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def pg_url(pg_schema_url: str) -> str:
    """A PostgreSQL database (private schema) emptied for this test."""
    _truncate(pg_schema_url)
    return pg_schema_url


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


def _truncate(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        names = [n for n in sa.inspect(conn).get_table_names() if n != "alembic_version"]
        if names:
            conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for arranging and asserting; tests frame their own ``begin()`` for actions."""
    with session_factory() as session:
        yield session


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> AppSettings:
    return AppSettings.from_env({}).with_(
        database_url=db_url,
        environment="test",
        inbox_dir=tmp_path / "inbox",
        reports_dir=tmp_path / "reports",
    )


class Cli:
    """Runs ``recon`` commands in-process against the test database."""

    def __init__(self, settings: AppSettings) -> None:
        self.settings = settings
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, actor: str = "tester"):
        obj = CliContext(settings=self.settings, actor_name=actor)
        return self.runner.invoke(main, list(args), obj=obj, input=input, catch_exceptions=False)


@pytest.fixture
def cli(settings: AppSettings) -> Cli:
    return Cli(settings)
