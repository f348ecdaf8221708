"""Daily run, step 4: the run's counts and amounts, its verdict, and the text people read.

``summarize`` builds the JSON-ready summary stored in ``ReconRun.counts``, printed by
``--json`` and mailed; ``attention_reasons`` says why a human is needed (exit code 1);
``summary_text`` renders the summary for stderr and the e-mail, in the report's language
(``summary["report_language"]``, set by the run) unless told otherwise. Pure functions over the
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
from recon.reports.html import attention_list
from recon.reports.i18n import N_, Words, words
from recon.reports.present import amounts, attention_words, credit_block
from recon.run.files import FileOutcome
from recon.run.settings import RunSettings

__all__ = ["EXIT_CODES", "attention_items", "attention_reasons", "summarize", "summary_text",
           "unapplied_cash"]

OUTCOMES = (N_("imported"), N_("quarantined"), N_("duplicate"))  # of an inbox file
PROVENANCES = (N_("auto"), N_("accepted_suggestion"), N_("suggestion"), N_("manual"),
               N_("gateway"))  # Match.provenance

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


def attention_items(summary: dict[str, Any], options: RunSettings,
                    data: ReportData) -> list[dict[str, Any]]:
    """Why this run needs a human, as data (``recon.reports.present.attention_words`` says it
    in a language); empty when it is clean."""
    items: list[dict[str, Any]] = []
    files = summary["files"]
    if files["quarantined"]:
        items.append({"code": "quarantined", "count": files["quarantined"],
                      "bugs": files["bugs"]})
    if options.attention_on_payout_difference and summary["payout_differences"]["count"]:
        items.append({"code": "payout_differences",
                      "count": summary["payout_differences"]["count"]})
    old = [u for u in data.unmatched if u.age_days >= options.attention_age_days]
    if old:
        items.append({"code": "old_unmatched", "count": len(old),
                      "days": options.attention_age_days})
    return items


def attention_reasons(summary: dict[str, Any], options: RunSettings, data: ReportData) -> list[str]:
    """Why this run needs a human, in English (the run record's ``attention``)."""
    w = words("en")
    return [attention_words(item, w) for item in attention_items(summary, options, data)]


def summary_text(summary: dict[str, Any], lang: str | None = None) -> str:
    """The human summary (stderr and e-mail) in ``lang`` (default: the report's language)."""
    w = words(lang or summary.get("report_language"))
    if summary.get("nothing_to_do"):
        return summary["message"]
    head = w("recon run %(day)s (run #%(run)s)", day=summary["run_date"], run=summary["run_id"])
    if "files" not in summary:  # failed before the summary was built
        return head + ": " + w("FAILED") + f": {summary.get('error')}"
    files, pay = summary["files"], summary["payout_differences"]
    lines = [
        f"{head}: {w.gettext(summary['status']).upper()}",
        "  " + w("files: %(imported)s imported (%(lines)s line(s)), %(quarantined)s "
                 "quarantined, %(duplicate)s duplicate(s)", imported=files["imported"],
                 lines=summary["lines_imported"], quarantined=files["quarantined"],
                 duplicate=files["duplicate"]),
    ]
    lines += [
        f"    {w.gettext(f['outcome'])}: {f['file']}: {f['detail']}"
        for f in files["list"]
        if f["outcome"] == "quarantined"
    ]
    by_age = ", ".join(f"{k}: {v}" for k, v in summary["unmatched_by_age"].items())
    origins = ", ".join(f"{w.gettext(k)}: {v}" for k, v in summary.get("provenance", {}).items())
    lines += [
        "  " + w("gateway events: %(text)s", text=_step(summary["events"], w)),
        "  " + w("matching: %(text)s", text=_match_line(summary, w)),
        "  " + w("unmatched: %(n)s (%(amounts)s); by age %(ages)s", n=summary["unmatched"],
                 amounts=amounts(summary["unmatched_amounts"], w), ages=by_age),
        "  " + w("unapplied cash: %(amounts)s", amounts=amounts(summary["unapplied_cash"], w)),
        "  " + w("confirmed matches by origin: %(text)s", text=origins or w("none")),
        "  " + w("payout differences: %(n)s", n=pay["count"])
        + (f" ({amounts(pay['amounts'], w)})" if pay["count"] else ""),
    ]
    lines += _credit_lines(summary.get("credit") or {}, w)
    if summary.get("report_dir"):
        page = f"{summary['report_dir']}/index.html"
        lines.append("  " + w("reports: %(path)s", path=page))
    lines += ["  " + w("NEEDS A HUMAN: %(reason)s", reason=reason)
              for reason in attention_list(summary, w)]
    if summary.get("error"):
        lines.append("  " + w("FAILED") + f": {summary['error']}")
    return "\n".join(lines)


def _credit_lines(credit: dict[str, Any], w: Words) -> list[str]:
    if not credit:
        return []
    if credit.get("error"):
        return ["  " + w("credit: not computed (%(error)s)", error=credit["error"])]
    block = credit_block(credit, w) or {}
    tiers = w(", ").join(w("%(label)s: %(count)s", label=label, count=n)
                         for label, n in block.get("tiers", []))
    kpis = w("; ").join(f"{label} {value}" for label, value in block.get("kpis", []))
    return ["  " + w("credit: %(tiers)s; %(kpis)s", tiers=tiers, kpis=kpis)] + [
        "    " + w("ALERT: %(text)s", text=a) for a in block.get("alerts", [])]


def _step(step: dict[str, Any], w: Words) -> str:
    if not step:
        return w("not run")
    return w("%(processed)s processed, %(failed)s failed", processed=step.get("processed", 0),
             failed=step.get("failed", 0))


def _match_line(summary: dict[str, Any], w: Words) -> str:
    if not summary["matching"]:
        return w("not run (--no-match)")
    return w("%(auto)s auto-matched, %(suggested)s suggestion(s) waiting for a person",
             auto=summary["auto_matched"], suggested=summary["suggested"])
