"""Web layer: the dashboard (any logged-in user): auto-match trend, unmatched by age, unapplied
cash, payout differences and the last runs; charts are inline SVG drawn on the server."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template

from recon.credit.views import latest_run_credit
from recon.queue import overview
from web import work
from web.auth import require_login
from web.charts import bar_chart, line_chart
from web.context import db_session

__all__ = ["bp"]

bp = Blueprint("pages", __name__)
require_login(bp)


@bp.route("/")
def dashboard() -> str:
    session = db_session()
    today = dt.date.today()
    trend = overview.run_trend(session)
    buckets = overview.age_buckets(session, today)
    return render_template(
        "pages/dashboard.html",
        trend=trend,
        trend_chart=line_chart([f"#{p.run_id}" for p in trend], [p.rate for p in trend]),
        buckets=buckets,
        bucket_chart=bar_chart([b.label for b in buckets], [b.count for b in buckets]),
        unapplied=overview.unapplied_cash(session),
        payouts=overview.payout_differences(session),
        runs=overview.last_runs(session),
        credit=latest_run_credit(session),
        lead=work.lead(),
    )
