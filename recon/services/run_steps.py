"""Daily run, steps 2 and 3: retry pending gateway events, then match and apply auto matches.

Both steps call the owning area's service and frame their own transactions:
``retry_events`` uses ``recon.services.gateway_events.retry_pending`` (one transaction per
event); ``run_matching`` calls the matching service's run-all-stages function inside one
``begin()``, with the run id so new matches point at this run. Each returns a small dict for the
run summary; a service missing from this build gives ``{"skipped": reason}`` instead. Errors of
the services propagate: the caller marks the run failed.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from recon.models import GatewayEvent, Match, Setting

__all__ = ["match_counts", "pending_events", "retry_events", "run_matching"]

# Candidate names of the matching service's "run every stage and apply" function.
_MATCH_FUNCS = ("run_matching", "match_all", "run_all", "run_all_stages", "run")


def pending_events(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        stmt = (
            select(func.count()).select_from(GatewayEvent).where(GatewayEvent.status == "pending")
        )
        return int(session.scalar(stmt) or 0)


def retry_events(factory: sessionmaker[Session], *, actor: str) -> dict[str, Any]:
    """Process the pending webhook events again; counts of processed and still failing."""
    module = _optional("recon.services.gateway_events")
    if module is None or not hasattr(module, "retry_pending"):
        return {"skipped": "gateway event processing is not available in this build"}
    before = pending_events(factory)
    report = module.retry_pending(factory, actor=actor)
    return {
        "pending": before,
        "processed": report.processed,
        "failed": report.failed,
        "errors": list(report.errors)[:20],
    }


def match_counts(factory: sessionmaker[Session]) -> dict[str, int]:
    """How many matches are in each status right now."""
    with factory() as session:
        rows = session.execute(select(Match.status, func.count()).group_by(Match.status))
        return {status: int(n) for status, n in rows}


def run_matching(
    factory: sessionmaker[Session], *, actor: str, run_id: int, **thresholds: Any
) -> dict[str, Any]:
    """All matching stages in one transaction; auto matches applied, suggestions stored.

    ``thresholds`` (``auto_threshold``, ``suggest_threshold``, from the environment) are passed
    on; a value staff stored in the ``setting`` table (the web UI's settings page) wins.
    """
    function = _matching_function()
    if function is None:
        return {"skipped": "matching service is not available in this build"}
    before = match_counts(factory)
    with factory.begin() as session:
        offered = {**thresholds, **_stored(session, list(thresholds))}
        offered = {k: v for k, v in offered.items() if v is not None}
        result = function(session, **_kwargs(function, actor=actor, run_id=run_id, **offered))
    after = match_counts(factory)
    return {
        "auto_matched": after.get("auto", 0) - before.get("auto", 0),
        "suggested_new": max(after.get("suggested", 0) - before.get("suggested", 0), 0),
        "errors": list(getattr(result, "errors", []) or [])[:20],
        "detail": _describe(result),
    }


def _stored(session: Session, keys: list[str]) -> dict[str, Decimal]:
    """Values of ``keys`` set at run time in the ``setting`` table."""
    rows = session.scalars(select(Setting).where(Setting.key.in_(keys)))
    return {row.key: Decimal(str(row.value)) for row in rows if row.value is not None}


def _matching_function() -> Callable[..., Any] | None:
    module = _optional("recon.services.matching")
    if module is None:
        return None
    return next(
        (getattr(module, n) for n in _MATCH_FUNCS if callable(getattr(module, n, None))), None
    )


def _kwargs(function: Callable[..., Any], **offered: Any) -> dict[str, Any]:
    """The offered keyword arguments that ``function`` accepts."""
    params = inspect.signature(function).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return offered
    return {k: v for k, v in offered.items() if k in params}


def _describe(result: Any) -> str:
    summary = getattr(result, "summary", None)
    if callable(summary):
        return str(summary())
    return "" if result is None else str(result)[:500]


def _optional(path: str) -> Any:
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError as exc:
        if exc.name != path:
            raise
        return None
