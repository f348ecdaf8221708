"""Errors the services raise for rule violations; the edge turns them into messages or 4xx."""

from __future__ import annotations

__all__ = ["ApprovalError", "InvariantError", "NotFound", "ServiceError"]


class ServiceError(Exception):
    """Root of expected service failures (bad request from a person, not a bug)."""


class InvariantError(ServiceError):
    """An action would break a money invariant (over-allocation, wrong currency, ...)."""


class ApprovalError(ServiceError):
    """A four-eyes rule was broken (preparer approving their own write-off, wrong role)."""


class NotFound(ServiceError):
    """The object an action names does not exist."""
