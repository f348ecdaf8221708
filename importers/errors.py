"""Error hierarchy of the importers package (leaf layer: no imports of ours).

Every failure the importers raise is an :class:`ImportFailure`: it names the file and,
where known, the line (or XML element line), the field (a column, tag or XML path) and the
offending value, so a person can act on it. Oddities that can be recovered from are not
errors: they become warnings on the parsed statement.
"""

from __future__ import annotations

from collections.abc import Sequence


class ImportFailure(ValueError):
    """Root class: the file cannot be imported, for a reason stated in the message."""

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
        text = f"{self.file}:{self.line or '-'}: {self.field or '-'}: {self.message}"
        if self.value is not None:
            text += f" (value {str(self.value)[:80]!r})"
        return text

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly view, used by golden files and the CLI."""
        return {
            "error": type(self).__name__,
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


class UnknownFormat(ImportFailure):
    """No importer recognised the file; ``tried`` lists the importers asked."""

    def __init__(self, *, file: str, tried: Sequence[str]) -> None:
        self.tried = tuple(tried)
        super().__init__(
            "not a bank statement format I know (tried: " + ", ".join(self.tried) + ")",
            file=file,
        )


class AmbiguousFormat(ImportFailure):
    """More than one importer claimed the file; name one with ``--format``."""

    def __init__(self, *, file: str, claims: Sequence[str]) -> None:
        self.claims = tuple(claims)
        super().__init__(
            "several formats claim this file (" + ", ".join(self.claims) + "); choose one",
            file=file,
        )


class BadRecord(ImportFailure):
    """A record (line, entry, tag) is missing a required field or has a bad value."""


class BadRecords(BadRecord):
    """Several bad records at once: the whole file was checked before refusing."""

    def __init__(self, errors: Sequence[BadRecord]) -> None:
        self.errors = tuple(errors)
        first = self.errors[0]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(
            first.message + more,
            file=first.file,
            line=first.line,
            field=first.field,
            value=first.value,
        )


class BadEncoding(ImportFailure):
    """The bytes do not decode in any encoding allowed for this format."""


class HostileInput(ImportFailure):
    """The file tries something dangerous: XML entities, DTDs, zip bombs, path traversal."""


class TooLarge(ImportFailure):
    """The file (or an archive member) is larger than the configured limit."""


class ErrorResponse(ImportFailure):
    """The file is a bank's error response (e.g. OFX STATUS code != 0), not a statement."""


class EmptyStatement(ImportFailure):
    """The file holds no statement at all (not even balances)."""
