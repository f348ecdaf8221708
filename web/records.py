"""Web layer, read-only pages for any logged-in user: invoices (list, detail with allocations and
history), gateway transactions and payouts with their reconciliation state, runs with their
report files, and the audit log with filters. Every list is paginated (``web.paging``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request, send_from_directory

from recon.models import (
    ACTIVE_STATUSES,
    INVOICE_STATUSES,
    Adjustment,
    Allocation,
    AuditEvent,
    Customer,
    GatewayEvent,
    GatewayTransaction,
    Invoice,
    Match,
    ReconRun,
)
from web.auth import require_login
from web.context import db_session
from web.paging import page_arg, paginate

__all__ = ["bp"]

bp = Blueprint("records", __name__)
require_login(bp)


def _arg(name: str) -> str | None:
    value = (request.args.get(name) or "").strip()
    return value[:128] or None


def _date_arg(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(_arg(name) or "")
    except ValueError:
        return None


@bp.route("/invoices")
def invoices() -> str:
    stmt = sa.select(Invoice, Customer.name).join(Customer)
    if (status := _arg("status")) in INVOICE_STATUSES:
        stmt = stmt.where(Invoice.status == status)
    if text := _arg("q"):
        like = f"%{text}%"
        stmt = stmt.where(sa.or_(Invoice.invoice_no.ilike(like), Customer.name.ilike(like)))
    stmt = stmt.order_by(Invoice.due_date.is_(None), Invoice.due_date, Invoice.id)
    page = paginate(db_session(), stmt, page_arg())
    return render_template(
        "records/invoices.html", page=page, statuses=INVOICE_STATUSES, today=dt.date.today()
    )


@bp.route("/invoices/<int:invoice_id>")
def invoice_detail(invoice_id: int) -> str:
    session = db_session()
    invoice = session.get(Invoice, invoice_id) or abort(404)
    allocations = session.execute(
        sa.select(Allocation, Match)
        .join(Match)
        .where(Allocation.invoice_id == invoice_id)
        .order_by(Allocation.id)
    ).all()
    adjustments = session.scalars(
        sa.select(Adjustment).where(Adjustment.invoice_id == invoice_id).order_by(Adjustment.id)
    ).all()
    return render_template(
        "records/invoice_detail.html",
        invoice=invoice,
        allocations=allocations,
        adjustments=adjustments,
        history=_history(invoice_id, [m.id for _, m in allocations], [a.id for a in adjustments]),
        today=dt.date.today(),
    )


def _history(invoice_id: int, match_ids: list[int], adjustment_ids: list[int]) -> list[Any]:
    def about(kind: str, ids: list[int]) -> sa.ColumnElement[bool]:
        return sa.and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(map(str, ids)))

    stmt = sa.select(AuditEvent).where(
        sa.or_(about("invoice", [invoice_id]), about("match", match_ids),
               about("adjustment", adjustment_ids))
    )
    return list(db_session().scalars(stmt.order_by(AuditEvent.at, AuditEvent.id)))


@bp.route("/gateways")
def gateways() -> str:
    session = db_session()
    stmt = sa.select(GatewayTransaction)
    if gateway := _arg("gateway"):
        stmt = stmt.where(GatewayTransaction.gateway == gateway)
    if kind := _arg("kind"):
        stmt = stmt.where(GatewayTransaction.kind == kind)
    page = paginate(session, stmt.order_by(GatewayTransaction.occurred_at.desc()), page_arg())
    deposited = set(
        session.scalars(
            sa.select(Match.gateway_txn_id).where(
                Match.kind == "payout_deposit",
                Match.status.in_(ACTIVE_STATUSES),
                Match.gateway_txn_id.in_([t.id for t in page.items]),
            )
        )
    )
    names = session.scalars(sa.select(GatewayTransaction.gateway).distinct()).all()
    states = {t.id: _state(t, deposited) for t in page.items}
    return render_template("records/gateways.html", page=page, states=states, gateways=names,
                           dead=_dead_letters(session))


def _dead_letters(session: Any) -> dict[str, Any]:
    """Webhook events that gave up (``failed``): how many, and the latest ones."""
    failed = GatewayEvent.status == "failed"
    return {"count": session.scalar(sa.select(sa.func.count()).where(failed)) or 0,
            "latest": session.scalars(sa.select(GatewayEvent).where(failed)
                                      .order_by(GatewayEvent.id.desc()).limit(20)).all()}


def _state(txn: GatewayTransaction, deposited: set[int | None]) -> str:
    """Reconciliation state: payouts against the bank, charges against invoices."""
    if txn.kind == "payout":
        return "deposited" if txn.id in deposited else "awaiting_deposit"
    if txn.kind != "charge":
        return "n/a"
    if txn.allocated_minor >= abs(txn.gross_minor):
        return "matched"
    return "partial" if txn.allocated_minor else "unmatched"


@bp.route("/runs")
def runs() -> str:
    page = paginate(db_session(), sa.select(ReconRun).order_by(ReconRun.id.desc()), page_arg())
    return render_template("records/runs.html", page=page)


def _report_dir(run: ReconRun) -> Path | None:
    if not run.report_dir:
        return None
    folder = Path(run.report_dir).resolve()
    return folder if folder.is_dir() else None


@bp.route("/runs/<int:run_id>")
def run_detail(run_id: int) -> str:
    run = db_session().get(ReconRun, run_id) or abort(404)
    folder = _report_dir(run)
    files = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder else []
    return render_template("records/run_detail.html", run=run, files=files)


@bp.route("/runs/<int:run_id>/files/<path:name>")
def run_file(run_id: int, name: str) -> Any:
    """A report file of the run; ``send_from_directory`` refuses any path leaving the folder."""
    run = db_session().get(ReconRun, run_id) or abort(404)
    folder = _report_dir(run) or abort(404)
    inline = name.endswith((".html", ".txt", ".csv", ".json"))
    response = send_from_directory(folder, name, as_attachment=not inline)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.route("/audit")
def audit() -> str:
    stmt = sa.select(AuditEvent)
    filters = {
        AuditEvent.actor: _arg("actor"),
        AuditEvent.action: _arg("action"),
        AuditEvent.object_type: _arg("object_type"),
        AuditEvent.object_id: _arg("object_id"),
    }
    for column, value in filters.items():
        if value:
            stmt = stmt.where(column == value)
    if since := _date_arg("date_from"):
        stmt = stmt.where(AuditEvent.at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until := _date_arg("date_to"):
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        stmt = stmt.where(AuditEvent.at < end)
    page = paginate(db_session(), stmt.order_by(AuditEvent.id.desc()), page_arg())
    actions = db_session().scalars(sa.select(AuditEvent.action).distinct().order_by("action"))
    return render_template("records/audit.html", page=page, actions=list(actions))
