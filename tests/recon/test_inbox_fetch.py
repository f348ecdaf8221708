"""`recon inbox fetch` against a real SFTP server (paramiko's server side on a local port):
atomic, never twice, moved or left as configured, the host key pinned."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recon.inbox_fetch.sftp import HostKeyMismatch, fetch
from recon.inbox_fetch.sources import SftpSource, SourceError, load_sources
from recon.models import FetchedFile
from tests.recon.sftp_server import SftpServer, client_key


@pytest.fixture
def server(tmp_path) -> Iterator[SftpServer]:
    (tmp_path / "srv" / "out").mkdir(parents=True)
    key = client_key(tmp_path / "id_ed25519")
    srv = SftpServer(tmp_path / "srv", "bank", key)
    yield srv
    srv.stop()


def _source(server: SftpServer, tmp_path: Path, **kw) -> SftpSource:
    values = dict(name="bank-a", host="127.0.0.1", port=server.port, user="bank",
                  key_file=tmp_path / "id_ed25519", host_key=server.known_host,
                  folder="/out", pattern="*.xml")
    values.update(kw)
    return SftpSource(**values)


def _put(server: SftpServer, name: str, data: bytes, mtime: int) -> None:
    path = server.root / "out" / name
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


def test_fetch_is_atomic_idempotent_and_remembers(server, tmp_path, session_factory, session):
    inbox = tmp_path / "inbox"
    _put(server, "camt-1.xml", b"<Document>one</Document>", 1_760_000_000)
    _put(server, "notes.txt", b"ignored by the pattern", 1_760_000_000)
    source = _source(server, tmp_path)
    first = fetch(session_factory, source, inbox, actor="t")
    assert first.fetched == ["camt-1.xml"]
    assert (inbox / "camt-1.xml").read_bytes() == b"<Document>one</Document>"
    assert not [p for p in inbox.iterdir() if p.name.startswith(".fetch-")]
    again = fetch(session_factory, source, inbox, actor="t")
    assert (again.fetched, again.skipped) == ([], 1)
    # the same content re-published under a new mtime: not a second file in the inbox
    _put(server, "camt-1.xml", b"<Document>one</Document>", 1_760_000_500)
    third = fetch(session_factory, source, inbox, actor="t")
    assert (third.fetched, third.duplicates) == ([], 1)
    _put(server, "camt-2.xml", b"<Document>two</Document>", 1_760_000_600)
    assert fetch(session_factory, source, inbox, actor="t").fetched == ["camt-2.xml"]
    assert sorted(p.name for p in inbox.iterdir()) == ["camt-1.xml", "camt-2.xml"]
    assert session.scalar(select(func.count()).select_from(FetchedFile)) == 3
    assert (server.root / "out" / "camt-1.xml").exists()  # "leave" is the default


def test_move_after_fetch(server, tmp_path, session_factory):
    _put(server, "camt-3.xml", b"<Document>three</Document>", 1_760_000_000)
    report = fetch(session_factory, _source(server, tmp_path, after="move:/done"),
                   tmp_path / "inbox", actor="t")
    assert report.fetched == ["camt-3.xml"]
    assert not (server.root / "out" / "camt-3.xml").exists()
    assert (server.root / "done" / "camt-3.xml").exists()


def test_wrong_host_key_is_refused_before_authenticating(server, tmp_path, session_factory):
    _put(server, "camt-4.xml", b"<Document>four</Document>", 1_760_000_000)
    other = SftpServer(tmp_path / "srv", "bank", client_key(tmp_path / "other"))  # new host key
    try:
        pinned_elsewhere = _source(server, tmp_path, host_key=other.known_host)
        with pytest.raises(HostKeyMismatch, match="not the pinned one"):
            fetch(session_factory, pinned_elsewhere, tmp_path / "inbox", actor="t")
    finally:
        other.stop()
    assert not (tmp_path / "inbox").exists() or not list((tmp_path / "inbox").iterdir())


def test_cli_fetch_and_sources_file(server, tmp_path, cli, settings):
    _put(server, "camt-5.xml", b"<Document>five</Document>", 1_760_000_000)
    sources = tmp_path / "sources.json"
    sources.write_text(json.dumps([{
        "name": "bank-a", "host": "127.0.0.1", "port": server.port, "user": "bank",
        "key_file": str(tmp_path / "id_ed25519"), "host_key": server.known_host,
        "folder": "/out", "pattern": "*.xml"}]))
    result = cli("inbox", "fetch", "--sources", str(sources))
    assert result.exit_code == 0 and "1 fetched" in result.output, result.output
    assert (settings.inbox_dir / "camt-5.xml").exists()
    assert "0 fetched, 1 already fetched" in cli("inbox", "fetch", "--sources",
                                                 str(sources)).output
    sources.write_text(json.dumps([{"name": "x", "host": "h"}]))
    with pytest.raises(SourceError, match="user is required"):
        load_sources(sources)


def test_daily_run_fetches_first(server, tmp_path, cli, monkeypatch):
    from tests.conftest import FIXTURES

    bill = FIXTURES / "csv" / "deg_example-alipay-records.csv"
    _put(server, "alipay-bill.csv", bill.read_bytes(), 1_760_000_000)
    sources = tmp_path / "sources.json"
    sources.write_text(json.dumps([{
        "name": "bank-a", "host": "127.0.0.1", "port": server.port, "user": "bank",
        "key_file": str(tmp_path / "id_ed25519"), "host_key": server.known_host,
        "folder": "/out", "pattern": "*.csv"}]))
    monkeypatch.setenv("RECON_SFTP_SOURCES", str(sources))
    result = cli("run", "--date", "2026-12-01")
    assert "files: 1 imported (8 line(s))" in result.output, result.output
