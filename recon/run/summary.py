"""Daily run, step 4: the run's counts and amounts, its verdict, and the text people read.

``summarize`` builds the JSON-ready summary stored in ``ReconRun.counts``, printed by
``--json`` and mailed; ``attention_reasons`` says why a human is needed (exit code 1);
``summary_text`` renders the summary for stderr and the e-mail. Pure functions over the
report data and the step results, plus one query for unapplied cash. Raises nothing.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recon.models import ACTIVE_STATUSES, Match
from recon.reports import cash
from recon.reports.data import ReportData
from recon.run.files import FileOutcome
from recon.run.settings import RunSettings

__all__ = ["EXIT_CODES", "attention_reasons", "summarize", "summary_text", "unapplied_cash"]

EXIT_CODES = {"clean": 0, "attention": 1, "failed": 2}


def unapplied_cash(session: Session) -> dict[str, Decimal]:
    """What confirmed matches left unapplied, per currency (``recon.reports.cash``)."""
    return cash.unapplied_cash(session)


def provenance_counts(session: Session) -> dict[str, int]:
    """Confirmed receipt matches by how they came to be (``Match.provenance``)."""
    stmt = (
        select(Match.origin, Match.status, func.count())
        .where(Match.status.in_(ACTIVE_STATUSES), Match.kind != "payout_deposit")
        .group_by(Match.origin, Match.status)
    )
    counts: dict[str, int] = defaultdict(int)
    for origin, status, n in session.execute(stmt):
        counts[Match(origin=origin, status=status).provenance] += int(n)
    return dict(sorted(counts.items()))


def _money_by_currency(pairs: list[tuple[str, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in pairs:
        totals[currency] += amount
    return dict(sorted(totals.items()))


def _files(files: list[FileOutcome]) -> dict[str, Any]:
    counts = {
        k: sum(1 for f in files if f.outcome == k)
        for k in ("imported", "quarantined", "duplicate")
    }
    return {**counts, "bugs": sum(1 for f in files if f.bug), "list": [f.to_dict() for f in files]}


def summarize(
    data: ReportData,
    files: list[FileOutcome],
    steps: dict[str, Any],
    unapplied: dict[str, Decimal],
) -> dict[str, Any]:
    """Counts and amounts of a run (amounts as exact decimals, per currency)."""
    diffs = data.payout_differences()
    matching = steps.get("matching", {})
    return {
        "files": _files(files),
        "lines_imported": sum(f.lines for f in files if f.outcome == "imported"),
        "events": steps.get("events", {}),
        "matching": matching,
        "auto_matched": int(matching.get("auto_matched", 0)),
        "suggested": int(steps.get("open_suggestions", 0)),
        "unmatched": len(data.unmatched),
        "unmatched_by_age": data.unmatched_by_bucket(),
        "unmatched_amounts": _money_by_currency([(u.currency, u.amount) for u in data.unmatched]),
        "oldest_unmatched_days": max((u.age_days for u in data.unmatched), default=0),
        "unapplied_cash": unapplied,
        "payout_differences": {
            "count": len(diffs),
            "amounts": _money_by_currency(
                [(p.currency, p.difference or Decimal(0)) for p in diffs]
            ),
        },
        "payouts": len(data.payouts),
        "accounts": len(data.accounts),
        "statement_differences": sum(1 for a in data.accounts if a.difference not in (None, 0)),
        "exceptions": {g.label: g.count for g in data.exceptions},
    }


def attention_reasons(summary: dict[str, Any], options: RunSettings, data: ReportData) -> list[str]:
    """Why this run needs a human; empty when it is clean."""
    reasons = []
    files = summary["files"]
    if files["quarantined"]:
        bugs = f", {files['bugs']} of them by a bug" if files["bugs"] else ""
        reasons.append(f"{files['quarantined']} file(s) quarantined{bugs}")
    if options.attention_on_payout_difference and summary["payout_differences"]["count"]:
        reasons.append(f"{summary['payout_differences']['count']} payout difference(s)")
    old = [u for u in data.unmatched if u.age_days >= options.attention_age_days]
    if old:
        days = options.attention_age_days
        age = f" at least {days} day(s) old" if days else ""
        reasons.append(f"{len(old)} unmatched item(s){age}")
    return reasons


def _amounts(values: dict[str, Any]) -> str:
    return ", ".join(f"{amount} {cur}" for cur, amount in values.items()) or "0"


def summary_text(summary: dict[str, Any]) -> str:
    """The human summary (stderr and e-mail)."""
    if summary.get("nothing_to_do"):
        return summary["message"]
    if "files" not in summary:  # failed before the summary was built
        return (
            f"recon run {summary['run_date']} (run #{summary['run_id']}): FAILED: "
            f"{summary.get('error')}"
        )
    files, pay = summary["files"], summary["payout_differences"]
    lines = [
        f"recon run {summary['run_date']} (run #{summary['run_id']}): {summary['status'].upper()}",
        f"  files: {files['imported']} imported ({summary['lines_imported']} line(s)), "
        f"{files['quarantined']} quarantined, {files['duplicate']} duplicate(s)",
    ]
    lines += [
        f"    {f['outcome']}: {f['file']}: {f['detail']}"
        for f in files["list"]
        if f["outcome"] == "quarantined"
    ]
    lines += [
        f"  gateway events: {_step(summary['events'], 'processed', 'failed')}",
        f"  matching: {_match_line(summary)}",
        f"  unmatched: {summary['unmatched']} ({_amounts(summary['unmatched_amounts'])}); "
        "by age " + ", ".join(f"{k}: {v}" for k, v in summary["unmatched_by_age"].items()),
        f"  unapplied cash: {_amounts(summary['unapplied_cash'])}",
        "  confirmed matches by origin: "
        + (", ".join(f"{k}: {v}" for k, v in summary.get("provenance", {}).items()) or "none"),
        f"  payout differences: {pay['count']}"
        + (f" ({_amounts(pay['amounts'])})" if pay["count"] else ""),
    ]
    lines += _credit_lines(summary.get("credit") or {})
    if summary.get("report_dir"):
        lines.append(f"  reports: {summary['report_dir']}/index.html")
    for reason in summary.get("attention", []):
        lines.append(f"  NEEDS A HUMAN: {reason}")
    if summary.get("error"):
        lines.append(f"  FAILED: {summary['error']}")
    return "\n".join(lines)


def _credit_lines(credit: dict[str, Any]) -> list[str]:
    from recon.run.credit_step import alert_text

    if not credit:
        return []
    if credit.get("error"):
        return [f"  credit: not computed ({credit['error']})"]
    k = credit.get("kpis", {})
    tiers = ", ".join(f"{t}: {n}" for t, n in sorted(credit.get("tiers", {}).items()))
    lines = [f"  credit: {tiers}; {credit.get('on_hold', 0)} on hold; DSO {k.get('dso')}, "
             f"countback {k.get('dso_countback')}, CEI {k.get('cei')}, "
             f"days delinquent {k.get('avg_days_delinquent')}"]
    return lines + [f"    ALERT: {alert_text(a, k.get('base', ''))}"
                    for a in credit.get("alerts", [])]


def _step(step: dict[str, Any], *keys: str) -> str:
    if not step:
        return "not run"
    return ", ".join(f"{step.get(k, 0)} {k}" for k in keys)


def _match_line(summary: dict[str, Any]) -> str:
    matching = summary["matching"]
    if not matching:
        return "not run (--no-match)"
    return (
        f"{summary['auto_matched']} auto-matched, {summary['suggested']} suggestion(s) "
        "waiting for a person"
    )
