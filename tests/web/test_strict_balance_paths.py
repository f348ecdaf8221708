"""``RECON_BALANCE_CHECK_STRICT`` is one setting every bank-statement import path reads: the CLI,
the daily run's inbox, the web upload and the API all refuse a statement that does not
reconcile when it is on, and all import it with a warning when it is off."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from sqlalchemy import func, select

from recon.access import users
from recon.models import StatementLine
from recon.models.run import InboxFile
from tests.conftest import FIXTURES, Cli
from tests.web.conftest import ensure_user
from web import create_app

BROKEN = FIXTURES / "camt" / "iso20022_gcamp6.xml"  # closing - (opening + moves) = -3010.00
FINE = FIXTURES / "camt" / "iso20022_simple.xml"


def _lines(session) -> int:
    n = session.scalar(select(func.count()).select_from(StatementLine))
    session.rollback()
    return n


@pytest.mark.parametrize("strict", [True, False])
def test_cli_and_daily_run(settings, session, strict) -> None:
    cli = Cli(settings.with_(balance_check_strict=strict))
    result = cli("statements", "import", str(BROKEN))
    assert (result.exit_code != 0) is strict
    assert (_lines(session) == 0) is strict
    settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(BROKEN, settings.inbox_dir / "again-gcamp6.xml")  # other name, same content
    shutil.copy(FINE, settings.inbox_dir / "simple.xml")
    run = cli("run", "--date", "2026-02-01", "--json", "--no-match")
    summary = json.loads(run.stdout)
    quarantined = summary["files"]["quarantined"]
    assert quarantined == (1 if strict else 0), summary
    with_files = session.scalars(select(InboxFile.file_name)).all()
    assert ("again-gcamp6.xml" in with_files) is not strict
    session.rollback()


def _token(session_factory) -> dict[str, str]:
    ensure_user(session_factory, "api-clerk", "clerk")
    with session_factory.begin() as s:
        value = users.create_token(s, "test", username="api-clerk", actor="test")
    return {"Authorization": f"Bearer {value}"}


@pytest.mark.parametrize("strict", [True, False])
def test_web_upload_and_api(settings, session, session_factory, strict, login) -> None:
    """Both go through the upload job: strict refuses the file (job failed, nothing written)
    once the new account is confirmed; not strict imports it with the balance warning."""
    app = create_app({"RECON_SETTINGS": settings.with_(balance_check_strict=strict),
                      "TESTING": True, "WTF_CSRF_ENABLED": False})
    try:
        client = app.test_client()
        login(client, "clerk9", "clerk")
        page = client.post("/upload", data={"kind": "bank", "file": (
            io.BytesIO(BROKEN.read_bytes()), "gcamp6.xml")})
        assert page.status_code == 303
        job_id = page.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
        answered = client.post(f"/upload/{job_id}/accounts", data={"account-0": "new"})
        text = client.get(f"/upload/{job_id}").get_data(as_text=True)
        assert answered.status_code == 302
        assert "off by -301000 minor units" in text
        assert ("was not imported" in text) is strict and ("1 warning" in text) is not strict
        assert (_lines(session) == 0) is strict
        header = _token(session_factory)
        api = client.post("/api/v1/imports?kind=bank&create_accounts=1", headers=header, data={
            "file": (io.BytesIO(BROKEN.read_bytes().replace(b"<MsgId>", b"<MsgId>API")),
                     "g2.xml")})
        assert api.status_code == (422 if strict else 202), api.get_data(as_text=True)[:300]
        url = api.get_json()["job"] if strict else api.headers["Location"]
        state = client.get(url, headers=header).get_json()["state"]
        assert state == ("failed" if strict else "done")
    finally:
        app.extensions["recon.engine"].dispose()
