"""The schema comes only from Alembic: from empty to head, matching the models, on each backend."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from recon.db import Base, make_engine
from recon.db.migrate import current_revision, head_revision, is_current, scanned_head, upgrade


def test_migrations_run_from_empty_to_head_and_match_models(tmp_path, request) -> None:
    from tests.conftest import BACKEND

    url = (
        request.getfixturevalue("pg_url")
        if BACKEND == "postgresql"
        else f"sqlite:///{tmp_path / 'e.db'}"
    )
    engine = make_engine(url)
    if BACKEND == "postgresql":  # start from a really empty schema
        with engine.begin() as conn:
            for table in reversed(sa.inspect(conn).get_table_names()):
                conn.execute(sa.text(f'DROP TABLE "{table}" CASCADE'))
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    upgrade(engine)  # idempotent
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    engine.dispose()


def test_cli_db_upgrade_and_schema_guard(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from recon.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RECON_DATABASE_URL", raising=False)
    runner = CliRunner()
    result = runner.invoke(main, ["matches", "export"])
    assert result.exit_code == 1 and "run `recon db upgrade`" in result.output
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0 and "upgraded" in result.output
    assert (tmp_path / "recon.db").exists()  # the embedded default lives in the working folder
    assert "already at" in runner.invoke(main, ["db", "upgrade"]).output
    other = tmp_path / "other.db"
    assert runner.invoke(main, ["--db", f"sqlite:///{other}", "db", "upgrade"]).exit_code == 0
    assert other.exists()


def test_the_fast_schema_check_agrees_with_alembic(tmp_path) -> None:
    """`is_current` reads the head from the files without Alembic: the same head, and a database
    behind it (or empty) is not current."""
    assert scanned_head() == head_revision()
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    assert not is_current(engine)  # no version table
    upgrade(engine, "0005_fx")
    assert not is_current(engine)
    upgrade(engine)
    assert is_current(engine)
    engine.dispose()


def test_0006_fills_related_id_from_the_stored_raw(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine, "0005_fx")
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO gateway_transaction (gateway, gateway_id, kind, status, gross_minor, "
            "fee_minor, net_minor, currency, occurred_at, source, allocated_minor, raw, "
            "created_at, updated_at) VALUES ('stripe', :gid, 'refund', 'succeeded', -500, 0, "
            "-500, 'USD', '2024-07-09 00:00:00', 'report', 0, :raw, '2024-07-09 00:00:00', "
            "'2024-07-09 00:00:00')"),
            [{"gid": "re_1", "raw": '{"related_id": "ch_1"}'},
             {"gid": "re_2", "raw": '{"related_id": null}'}])
    upgrade(engine)
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text(
            "SELECT gateway_id, related_id FROM gateway_transaction")).all())
    assert rows == {"re_1": "ch_1", "re_2": None}
    engine.dispose()
