"""Download new bank files from an SFTP source into the inbox: atomically, and never twice.

`fetch(factory, source, inbox_dir, actor=...)`: connects with paramiko, compares the server's
host key with the pinned one **before authenticating** (`HostKeyMismatch` otherwise, nothing
sent), lists the remote folder, and for each regular file matching the pattern:

1. skips it when (source, name, size, mtime) is already in ``fetched_file`` -- no download;
2. downloads to a hidden ``.fetch-*`` file in the inbox (which `recon.run.inbox` ignores) and
   hashes it; identical content fetched before under another name or mtime is dropped;
3. renames it into place (``os.replace``: the inbox never sees half a file), records the row
   (insert-or-ignore on the unique key, so two concurrent fetches keep one), then moves the
   remote file to ``move:<folder>`` if so configured.

Paramiko does the SSH and SFTP; only the bookkeeping is here.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import paramiko
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from recon import audit
from recon.gateway.upsert import insert_ignore_returning
from recon.inbox_fetch.sources import SftpSource
from recon.models import FetchedFile

__all__ = ["FetchReport", "HostKeyMismatch", "fetch", "fetch_all"]


class HostKeyMismatch(Exception):
    """The server presented another host key than the pinned one."""


@dataclass
class FetchReport:
    source: str
    fetched: list[str] = field(default_factory=list)
    skipped: int = 0
    duplicates: int = 0

    def summary(self) -> str:
        return (
            f"{self.source}: {len(self.fetched)} fetched, {self.skipped} already fetched, "
            f"{self.duplicates} duplicate content"
        )


def _check_host_key(transport: paramiko.Transport, source: SftpSource) -> None:
    kind, blob = source.host_key.split()[:2]
    key = transport.get_remote_server_key()
    if key.get_name() != kind or key.asbytes() != base64.b64decode(blob):
        raise HostKeyMismatch(
            f"{source.name}: host key of {source.host}:{source.port} is not "
            f"the pinned one (got {key.get_name()} "
            f"{key.fingerprint})"
        )


def _connect(source: SftpSource) -> tuple[paramiko.Transport, paramiko.SFTPClient]:
    transport = paramiko.Transport((source.host, source.port))
    try:
        transport.start_client(timeout=15)
        _check_host_key(transport, source)
        pkey = paramiko.PKey.from_path(source.key_file)
        transport.auth_publickey(source.user, pkey)
        sftp = paramiko.SFTPClient.from_transport(transport)
        if sftp is None:
            raise paramiko.SSHException("no SFTP channel")
        return transport, sftp
    except BaseException:
        transport.close()
        raise


def _known(session: Session, source: str, name: str, size: int, mtime: int) -> bool:
    return (
        session.scalar(
            select(FetchedFile.id).filter_by(
                source=source, remote_name=name, size=size, mtime=mtime
            )
        )
        is not None
    )


def _target(inbox: Path, name: str) -> Path:
    target, n = inbox / Path(name).name, 1
    while target.exists():
        target = inbox / f"{Path(name).stem}.{n}{Path(name).suffix}"
        n += 1
    return target


def fetch(
    factory: sessionmaker[Session], source: SftpSource, inbox: Path, *, actor: str
) -> FetchReport:
    """Fetch the source's new files into `inbox` (see the module docstring)."""
    inbox.mkdir(parents=True, exist_ok=True)
    report = FetchReport(source.name)
    transport, sftp = _connect(source)
    try:
        for entry in sorted(sftp.listdir_attr(source.folder), key=lambda e: e.filename):
            if not stat.S_ISREG(entry.st_mode or 0) or not fnmatch.fnmatch(
                entry.filename, source.pattern
            ):
                continue
            size, mtime = int(entry.st_size or 0), int(entry.st_mtime or 0)
            with factory() as session:
                if _known(session, source.name, entry.filename, size, mtime):
                    report.skipped += 1
                    continue
            _one(factory, sftp, source, inbox, entry.filename, size, mtime, report, actor)
    finally:
        sftp.close()
        transport.close()
    return report


def _one(
    factory: sessionmaker[Session],
    sftp: paramiko.SFTPClient,
    source: SftpSource,
    inbox: Path,
    name: str,
    size: int,
    mtime: int,
    report: FetchReport,
    actor: str,
) -> None:
    remote = f"{source.folder.rstrip('/')}/{name}"
    handle, temp = tempfile.mkstemp(prefix=".fetch-", dir=inbox)
    os.close(handle)
    try:
        sftp.get(remote, temp)
        digest = hashlib.sha256(Path(temp).read_bytes()).hexdigest()
        with factory.begin() as session:
            seen = session.scalar(
                select(FetchedFile.id).filter_by(source=source.name, sha256=digest)
            )
            target = None if seen else _target(inbox, name)
            row = insert_ignore_returning(
                session,
                FetchedFile,
                {
                    "source": source.name,
                    "remote_name": name,
                    "size": size,
                    "mtime": mtime,
                    "sha256": digest,
                    "local_name": target.name if target else None,
                },
                ("source", "remote_name", "size", "mtime"),
            )
            if row is None:  # another fetch recorded it meanwhile
                return
            audit.record(
                session,
                actor=actor,
                action="inbox.fetch",
                obj=row,
                after={
                    "source": source.name,
                    "remote": name,
                    "sha256": digest,
                    "duplicate": bool(seen),
                },
            )
            if target is not None:
                os.replace(temp, target)  # atomic: the inbox never holds half a file
                report.fetched.append(target.name)
            else:
                report.duplicates += 1
        if source.move_to:
            sftp.rename(remote, f"{source.move_to.rstrip('/')}/{name}")
    finally:
        Path(temp).unlink(missing_ok=True)


def fetch_all(
    factory: sessionmaker[Session], sources: list[SftpSource], inbox: Path, *, actor: str
) -> tuple[list[FetchReport], list[str]]:
    """Every source in turn; a source that fails (unreachable, wrong host key) is reported and
    the others still fetched -- the run goes on with what arrived."""
    reports, errors = [], []
    for source in sources:
        try:
            reports.append(fetch(factory, source, inbox, actor=actor))
        except (HostKeyMismatch, paramiko.SSHException, OSError) as exc:
            errors.append(f"{source.name}: {type(exc).__name__}: {exc}")
    return reports, errors
