"""A real SFTP server for tests: paramiko's server side over a local TCP port, serving a folder,
public-key authentication only."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import paramiko
from paramiko.sftp import SFTP_NO_SUCH_FILE, SFTP_OK
from paramiko.sftp_attr import SFTPAttributes
from paramiko.sftp_handle import SFTPHandle
from paramiko.sftp_si import SFTPServerInterface


class _Auth(paramiko.ServerInterface):
    def __init__(self, user: str, key: paramiko.PKey) -> None:
        self.user, self.key = user, key

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        ok = username == self.user and key.asbytes() == self.key.asbytes()
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return paramiko.OPEN_SUCCEEDED if kind == "session" else \
            paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class _Handle(SFTPHandle):
    pass


def _folder_sftp(root: Path) -> type[SFTPServerInterface]:
    class Folder(SFTPServerInterface):
        def _real(self, path: str) -> Path:
            return root / path.lstrip("/").removeprefix("./")

        def canonicalize(self, path: str) -> str:
            return "/" + path.lstrip("/").removeprefix("./").rstrip(".")

        def list_folder(self, path: str):
            real = self._real(path)
            if not real.is_dir():
                return SFTP_NO_SUCH_FILE
            out = []
            for child in sorted(real.iterdir()):
                attr = SFTPAttributes.from_stat(child.stat())
                attr.filename = child.name
                out.append(attr)
            return out

        def stat(self, path: str):
            real = self._real(path)
            return SFTPAttributes.from_stat(real.stat()) if real.exists() else SFTP_NO_SUCH_FILE

        lstat = stat

        def open(self, path: str, flags: int, attr: SFTPAttributes):
            real = self._real(path)
            try:
                handle = _Handle(flags)
                handle.readfile = open(real, "rb")  # noqa: SIM115 - closed by paramiko
                return handle
            except OSError:
                return SFTP_NO_SUCH_FILE

        def rename(self, oldpath: str, newpath: str) -> int:
            self._real(newpath).parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._real(oldpath), self._real(newpath))
            return SFTP_OK

    return Folder


class SftpServer:
    """Serve `root` on 127.0.0.1:<port> until `stop()`; `host_key` is the server's key."""

    def __init__(self, root: Path, user: str, client_key: paramiko.PKey) -> None:
        self.root, self.user, self.client_key = root, user, client_key
        self.host_key = paramiko.Ed25519Key.from_private_key_file(
            str(_ed25519(root.parent / "host_key")))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._transports: list[paramiko.Transport] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def known_host(self) -> str:
        return f"{self.host_key.get_name()} {self.host_key.get_base64()}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            transport = paramiko.Transport(conn)
            transport.add_server_key(self.host_key)
            transport.set_subsystem_handler("sftp", paramiko.SFTPServer,
                                            _folder_sftp(self.root))
            self._transports.append(transport)
            try:
                transport.start_server(server=_Auth(self.user, self.client_key))
            except (EOFError, OSError, paramiko.SSHException):
                # A client that hangs up during the handshake (a refused host key, a
                # port probe) ends only its own session, as a real sshd does.
                transport.close()

    def stop(self) -> None:
        self.sock.close()
        for transport in self._transports:
            transport.close()


def _ed25519(path: Path) -> Path:
    """A fresh OpenSSH-format Ed25519 private key file (paramiko reads, cryptography writes)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption()))
    return path


def client_key(path: Path) -> paramiko.PKey:
    return paramiko.Ed25519Key.from_private_key_file(str(_ed25519(path)))
