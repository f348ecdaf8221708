"""Errors the services raise for rule violations; the edge turns them into messages or 4xx.

A service error carries a *message id* (its English text with ``%(name)s`` placeholders, the
gettext msgid), the named parameters, and a stable machine ``code`` for API clients. The text is
rendered late: ``str(exc)`` asks the renderer installed by the edge (the web app installs one
that translates the id and formats each parameter in the request's language: a ``Money`` in the
locale's money format, a ``Code`` as its word). Without one, or outside a request, it is the
English text with the parameters filled in, for logs and the command line.

``tests/recon/test_error_messages.py`` fails on a ``raise`` of a service error in ``recon/``
whose message is not a literal id (an f-string, a concatenation) or that has no Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "ApprovalError",
    "Code",
    "Codes",
    "InvariantError",
    "Message",
    "NotFound",
    "ServiceError",
    "set_renderer",
]


@dataclass(frozen=True, slots=True)
class Code:
    """An internal code (``bank_fee``, ``pending_approval``) shown to a person as its word."""

    value: str

    def __str__(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Codes:
    """A list of codes (the allowed choices), shown as their words joined by commas."""

    values: tuple[str, ...]

    @classmethod
    def of(cls, values: Iterable[str]) -> Codes:
        return cls(tuple(values))

    def __str__(self) -> str:
        return ", ".join(v.replace("_", " ") for v in self.values)


@dataclass(frozen=True, slots=True)
class Message:
    """A message id and its named parameters; ``str()`` renders it through the renderer."""

    msgid: str
    params: dict[str, Any]

    def english(self) -> str:
        """The message in English: the id with each parameter as plain text."""
        if not self.params:
            return self.msgid
        return self.msgid % {k: _plain(v) for k, v in self.params.items()}

    def __str__(self) -> str:
        return _renderer(self)


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


_renderer: Callable[[Message], str] = Message.english


def set_renderer(render: Callable[[Message], str] | None) -> None:
    """Installs how messages are rendered (the web app: translated); ``None``: English."""
    global _renderer
    _renderer = render or Message.english


class ServiceError(Exception):
    """Root of expected service failures (bad request from a person, not a bug).

    ``ServiceError("allocation %(amount)s exceeds ...", code="exceeds_open", amount=m)``:
    the first argument is the message id, ``code`` the machine code (default: the class's)."""

    default_code = "invalid"

    def __init__(self, message: str, /, *, code: str | None = None, **params: Any) -> None:
        self.message_id = Message(message, params)
        self.code = code or self.default_code
        super().__init__(message)

    @property
    def params(self) -> dict[str, Any]:
        return self.message_id.params

    def english(self) -> str:
        return self.message_id.english()

    def __str__(self) -> str:
        return str(self.message_id)


class InvariantError(ServiceError):
    """An action would break a money invariant (over-allocation, wrong currency, ...)."""

    default_code = "not_allowed"


class ApprovalError(ServiceError):
    """A four-eyes rule was broken (preparer approving their own write-off, wrong role)."""

    default_code = "approval_refused"


class NotFound(ServiceError):
    """The object an action names does not exist."""

    default_code = "not_found"
