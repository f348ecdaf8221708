"""Errors of the gateways package (leaf layer: no recon, no web).

`GatewayError` is the root.  Two families hang below it:

* `WebhookRejected` -- a delivery that must be refused and never stored: the body is malformed,
  too large, the signature does not verify, the timestamp is outside the window, or a correctly
  signed notification is addressed to another merchant/app ("foreign").  The web edge maps it to
  400 (413 for ``too_large``) or to Alipay's ``fail``.
* `ReportError` -- a settlement file (Stripe report CSV, Alipay bill, WeChat bill) that cannot be
  read.  It names the file, line and field, and `BadReport` lists every bad line at once.
  `UnsafeArchive` is a zip that looks like an attack (bomb, path traversal, too many entries).

Messages never contain secrets, keys or full payer data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

RejectReason = Literal["malformed", "bad_signature", "stale", "too_large", "foreign"]


class GatewayError(Exception):
    """Root of every error raised by `gateways`."""


class WebhookRejected(GatewayError):
    """A webhook delivery that fails verification; it must be refused and not stored."""

    def __init__(
        self,
        reason: RejectReason,
        message: str,
        *,
        gateway: str,
        event_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.reason: RejectReason = reason
        self.message = message
        self.gateway = gateway
        self.event_id = event_id

    @property
    def http_status(self) -> int:
        """The status the HTTP edge should answer with (413 for oversize, else 400)."""
        return 413 if self.reason == "too_large" else 400

    def __str__(self) -> str:
        event = f" event={self.event_id}" if self.event_id else ""
        return f"{self.gateway}: {self.reason}: {self.message}{event}"


class GatewayApiError(GatewayError):
    """A call to a gateway's API failed (network, authentication, unexpected response)."""


class ReportError(GatewayError, ValueError):
    """A settlement report that cannot be read, located by file, line and field."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.value = value

    def __str__(self) -> str:
        return f"{self.file}:{self.line or '-'}: {self.field or '-'}: {self.message}"


class UnknownReport(ReportError):
    """The file is not a settlement format this package knows."""


class UnsafeArchive(ReportError):
    """A zip refused before extraction: bomb, path traversal, too many or too big entries."""


class BadReport(ReportError):
    """One or more bad records; `problems` lists each of them (file, line, field, message)."""

    def __init__(self, problems: Sequence[ReportError], *, file: str) -> None:
        first = problems[0]
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{first.message}{more}", file=file, line=first.line, field=first.field,
            value=first.value,
        )
        self.problems = tuple(problems)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
