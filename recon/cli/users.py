"""``recon users create|unlock`` and ``recon tokens create|revoke``.

Passwords come from a hidden prompt (typed twice) or, with ``--password-stdin``, as one line on
standard input (for scripts); they never appear in arguments or logs. A token is printed once;
only its SHA-256 is stored. Errors exit with status 1 and a message.
"""

from __future__ import annotations

import sys

import click

from recon.access.users import (
    create_token,
    create_user,
    revoke_tokens,
    unlock_user,
)
from recon.cli.context import CliContext, pass_ctx
from recon.errors import ServiceError
from recon.models import ROLES

__all__ = ["tokens", "users"]


@click.group()
def users() -> None:
    """People who log in to the web UI."""


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password as one line from stdin.")
@pass_ctx
def create_cmd(obj: CliContext, name: str, role: str, password_stdin: bool) -> None:
    """Create user NAME with ROLE (password prompted, or from stdin)."""
    password = _read_password(password_stdin)
    try:
        with obj.session_factory.begin() as session:
            create_user(session, name, password, role=role, actor=obj.actor)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"user {name} created with role {role}")


def _read_password(from_stdin: bool) -> str:
    if not from_stdin:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    password = line.rstrip("\r\n")
    if not password:
        raise click.ClickException("--password-stdin: no password on standard input")
    return password


@users.command("unlock")
@click.argument("name")
@pass_ctx
def unlock_cmd(obj: CliContext, name: str) -> None:
    """Lift the lockout of user NAME after too many wrong passwords."""
    try:
        with obj.session_factory.begin() as session:
            unlock_user(session, name, actor=obj.actor)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"user {name} unlocked")


@click.group()
def tokens() -> None:
    """Bearer tokens for the JSON API."""


@tokens.command("create")
@click.argument("name")
@click.option("--user", "username", required=True, help="The user the token acts as.")
@pass_ctx
def token_create_cmd(obj: CliContext, name: str, username: str) -> None:
    """Issue token NAME for a user; prints it once (store it now, it cannot be shown again)."""
    try:
        with obj.session_factory.begin() as session:
            token = create_token(session, name, username=username, actor=obj.actor)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(token)
    click.echo("This token is shown once; only its hash is stored.", err=True)


@tokens.command("revoke")
@click.argument("name")
@click.option("--user", "username", required=True, help="The user the token belongs to.")
@pass_ctx
def token_revoke_cmd(obj: CliContext, name: str, username: str) -> None:
    """Revoke the user's tokens called NAME (they stop working at once)."""
    try:
        with obj.session_factory.begin() as session:
            count = revoke_tokens(session, name, username=username, actor=obj.actor)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    if not count:
        raise click.ClickException(f"user {username} has no live token called {name!r}")
    click.echo(f"{count} token(s) revoked")
