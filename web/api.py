"""Web layer: the JSON API at ``/api/v1`` for programs, authenticated by bearer tokens.

Tokens come from ``recon tokens create`` and act as their user's role (viewer reads; clerk and
up import; admin triggers a run). Session cookies are never accepted here, so the blueprint is
CSRF-exempt. Errors are JSON ``{"error", "status", ...}`` (``web.errors``). The OpenAPI document
(``/api/v1/openapi.json``, built in ``web.openapi``) lists exactly these routes.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, jsonify, request
from sqlalchemy import select

from recon.audit import jsonable
from recon.errors import ServiceError
from recon.invoices.imports import InvoiceImportError, import_invoices
from recon.models import ReconRun
from recon.queue.listing import QueueFilter, queue_page
from recon.reports.export import export_rows, write_csv
from recon.run.daily import daily_run
from recon.run.lock import RunLockBusy, run_lock
from recon.run.settings import RunSettings
from recon.tasks import publish_daily_run, publish_match_now
from web.api_base import bp, token_roles
from web.context import celery, db_session, settings, transaction
from web.errors import ApiError

__all__ = ["bp"]

MAX_LIMIT = 1000


def _limit() -> int:
    return max(1, min(request.args.get("limit", 100, type=int) or 100, MAX_LIMIT))


@bp.get("/openapi.json")
def openapi() -> Response:
    from web.openapi import document

    return jsonify(document())


@bp.post("/invoices")
@token_roles("clerk", "approver")
def upsert_invoices() -> Any:
    """Upsert invoices from a JSON body (an array, or ``{"invoices": [...]}``)."""
    if not request.is_json:
        raise ApiError("send the invoices as application/json", 415)
    skip_bad = request.args.get("skip_bad") in {"1", "true"}
    try:
        with transaction() as session:
            report = import_invoices(session, "api.json", request.get_data(),
                                     actor=g.api_user.username, skip_bad=skip_bad)
    except InvoiceImportError as exc:
        raise ApiError("invoices rejected; nothing imported", 422,
                       problems=[str(e) for e in exc.errors]) from exc
    return jsonify(created=report.created, updated=report.updated, unchanged=report.unchanged,
                   rejected=[str(e) for e in report.rejected])


@bp.get("/unmatched")
@token_roles("viewer")
def unmatched() -> Any:
    """Receipts still to clear (the exception queue), oldest first, with a cursor for more."""
    try:
        filters = QueueFilter(cause=request.args.get("cause") or None,
                              account=request.args.get("account") or None,
                              currency=request.args.get("currency") or None)
        page = queue_page(db_session(), filters, cursor=request.args.get("cursor") or None,
                          limit=_limit(), grouped=False)
    except ValueError as exc:  # bad filter value or a cursor that is not ours
        raise ApiError(str(exc), 400) from exc
    items = [
        {"kind": i.kind, "id": i.id, "cause": i.cause, "account": i.account,
         "currency": i.currency, "unapplied": str(i.unapplied), "booked": i.booked.isoformat(),
         "age_days": i.age_days, "payer": i.payer, "text": i.text,
         "suggestion_id": i.suggestion_id, "confidence": i.confidence}
        for i in page.items
    ]
    return jsonify(items=items, next_cursor=page.next_cursor)


def _export_args() -> dict[str, Any]:
    since = request.args.get("since")
    try:
        day = dt.date.fromisoformat(since) if since else None
    except ValueError as exc:
        raise ApiError("since must be a date (YYYY-MM-DD)", 400) from exc
    return {"confirmed_only": request.args.get("confirmed_only") in {"1", "true"}, "since": day}


@bp.get("/matches")
@token_roles("viewer")
def matches() -> Any:
    """Matches as cash-application rows (one per allocation); ``offset``/``limit`` page them."""
    offset = max(0, request.args.get("offset", 0, type=int) or 0)
    limit = _limit()
    rows = itertools.islice(export_rows(db_session(), **_export_args()), offset, offset + limit)
    return jsonify(items=[jsonable(r) for r in rows], offset=offset, limit=limit)


@bp.get("/matches/export.csv")
@token_roles("viewer")
def matches_csv() -> Response:
    out = io.StringIO()
    write_csv(export_rows(db_session(), **_export_args()), out)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=matches.csv"})


@bp.post("/runs")
@token_roles("admin")
def trigger_run() -> Any:
    """Queue the daily job for a worker and answer 202 (``GET /runs`` shows it); 409 while
    another run holds the lock, 503 when the broker cannot take it. Without a broker the run
    happens in-process before the answer. ``?wait=1`` runs it inside the request and answers
    its summary (for scripts that want the outcome in one call)."""
    app_settings = settings()
    engine = current_app.extensions["recon.engine"]
    actor = f"api:{g.api_user.username}"
    try:
        if request.args.get("wait") not in ("1", "true"):
            with run_lock(engine):  # only a check: the run takes the lock itself
                pass
            _publish_run(actor)
            response = jsonify(status="started", runs="/api/v1/runs")
            response.status_code, response.headers["Location"] = 202, "/api/v1/runs"
            return response
        result = daily_run(current_app.extensions["recon.session_factory"], engine,
                           RunSettings.from_env(app_settings), actor=actor,
                           max_bytes=app_settings.max_file_bytes)
    except RunLockBusy as exc:
        raise ApiError(f"a run is already in progress: {exc}", 409) from exc
    except ServiceError as exc:
        raise ApiError(str(exc), 422, code=exc.code) from exc
    return jsonify(exit_code=result.exit_code, summary=result.summary), 200


def _publish_run(actor: str, publish: Callable[..., None] = publish_daily_run) -> None:
    try:
        publish(celery(), actor)
    except Exception as exc:  # broker away: nothing was queued, say so
        raise ApiError("the task broker is unavailable; try again", 503) from exc


@bp.post("/matching")
@token_roles("clerk", "approver")
def match_now() -> Any:
    """Run matching now, on a worker (in-process without a broker): 202; 409 while a run or
    another matching holds the lock. New matches show in ``GET /matches`` and the queue."""
    try:
        with run_lock(current_app.extensions["recon.engine"]):  # a check; the task locks too
            pass
    except RunLockBusy as exc:
        raise ApiError(f"a run or matching is already in progress: {exc}", 409) from exc
    _publish_run(f"api:{g.api_user.username}", publish_match_now)
    return jsonify(status="started", matches="/api/v1/matches"), 202


@bp.get("/runs")
@token_roles("viewer")
def list_runs() -> Any:
    """The latest runs, newest first (``?limit``): status, actor, times and counts."""
    rows = db_session().scalars(
        select(ReconRun).order_by(ReconRun.id.desc()).limit(_limit())).all()
    return jsonify(items=[_run_json(r) for r in rows])


@bp.get("/runs/<int:run_id>")
@token_roles("viewer")
def get_run(run_id: int) -> Any:
    row = db_session().get(ReconRun, run_id)
    if row is None:
        raise ApiError(f"no run {run_id}", 404)
    return jsonify(_run_json(row))


def _run_json(row: ReconRun) -> dict[str, Any]:
    return jsonable({
        "id": row.id, "run_date": row.run_date, "status": row.status, "actor": row.actor,
        "started_at": row.started_at, "finished_at": row.finished_at, "error": row.error,
        "counts": row.counts,
    })


@bp.get("/customers/<int:customer_id>/credit")
@token_roles("viewer")
def customer_credit_json(customer_id: int) -> Any:
    """Tier, hold, limit, exposure and measures of one customer, for order entry."""
    from recon.credit.views import customer_credit
    from web.credit import credit_settings

    return jsonify(customer_credit(db_session(), customer_id, today=dt.date.today(),
                                   base=credit_settings().base_currency))


from web import api_jobs  # noqa: E402, F401  (imports and reports: routes on this blueprint)
