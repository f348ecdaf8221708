"""Daily run, steps 2 and 3: retry pending gateway events, then match and apply auto matches.

Both steps call the owning area's service and frame their own transactions:
``retry_events`` uses ``recon.gateway.events.retry_pending`` (one transaction per
event); ``run_matching`` calls the matching service's run-all-stages function inside one
``begin()``, with the run id so new matches point at this run. Each returns a small dict for the
run summary. Errors of the services propagate: the caller marks the run failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from recon.access import settings_store
from recon.gateway.events import retry_pending
from recon.matchrun import service as matching
from recon.models import GatewayEvent, Match

__all__ = ["match_counts", "pending_events", "retry_events", "run_matching"]


def pending_events(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        stmt = (
            select(func.count()).select_from(GatewayEvent).where(GatewayEvent.status == "pending")
        )
        return int(session.scalar(stmt) or 0)


def retry_events(factory: sessionmaker[Session], *, actor: str) -> dict[str, Any]:
    """Process the pending webhook events again; counts of processed and still failing."""
    before = pending_events(factory)
    report = retry_pending(factory, actor=actor)
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
    factory: sessionmaker[Session],
    *,
    actor: str,
    run_id: int,
    fx_rules: Sequence[Any] = (),
    **thresholds: Any,
) -> dict[str, Any]:
    """All matching stages in one transaction; auto matches applied, suggestions stored.

    The thresholds and the bank fee tolerance are the settings in force
    (``recon.access.settings_store``: what staff saved on the settings page); ``thresholds``
    (``auto_threshold``, ``suggest_threshold``, from the environment) are only their defaults.
    ``fx_rules`` (``RECON_FX_RULES``) are passed on.
    """
    before = match_counts(factory)
    defaults = SimpleNamespace(**{k: v for k, v in thresholds.items() if v is not None})
    with factory.begin() as session:
        engine = settings_store.load(session, defaults).match_settings()
        result = matching.run_matching(
            session, actor=actor, run_id=run_id, fx_rules=fx_rules, settings=engine
        )
    after = match_counts(factory)
    return {
        "auto_matched": after.get("auto", 0) - before.get("auto", 0),
        "suggested_new": max(after.get("suggested", 0) - before.get("suggested", 0), 0),
        "errors": list(result.errors)[:20],
        "detail": result.summary(),
    }
