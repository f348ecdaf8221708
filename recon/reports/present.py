"""The daily report's summary for people, in one language: the words of every figure.

The HTML page, the XLSX workbook and the e-mail all take their labels from here, so the three
say the same thing in the same language. Pure functions over the run's JSON summary (as
``recon.run.summary.summarize`` and ``recon.run.credit_step`` build it) and a ``Words``;
missing entries read as zero or are left out. Raises nothing.

- ``overview(summary, w)``: (label, value, numeric) of the run's counts and amounts;
- ``attention_words(item, w)``: one reason a human is needed, from its structured form;
- ``alert_words(alert, base, w)``: a credit alert (over limit, tier dropped) with its reasons;
- ``credit_block(credit, w)``: the KPIs (DSO, CEI, 回款率 …), aging in the base currency, top
  overdue customers, alerts and the forecast with its band, formatted for the language.
"""

from __future__ import annotations

from typing import Any

from recon.credit.tiers import REASON_TEXT, reason_text
from recon.reports.i18n import N_, Words
from recon.reports.tables import LABELS

__all__ = ["STATUSES", "alert_words", "amounts", "attention_words", "credit_block", "overview"]

STATUSES = (N_("clean"), N_("attention"), N_("failed"))


def amounts(values: dict[str, Any], w: Words) -> str:
    """``{"EUR": "12.50"}`` -> "€12.50" in the language; "0" when empty."""
    return ", ".join(w.money(v, cur) for cur, v in sorted(values.items())) or w.decimal(0)


def overview(summary: dict[str, Any], w: Words) -> list[tuple[str, str, bool]]:
    files = summary.get("files") or {}
    pay = summary.get("payout_differences") or {}
    n = lambda v: w.decimal(int(v or 0))  # noqa: E731
    return [
        (w("files imported"), n(files.get("imported")), True),
        (w("quarantined"), n(files.get("quarantined")), True),
        (w("duplicates"), n(files.get("duplicate")), True),
        (w("lines imported"), n(summary.get("lines_imported")), True),
        (w("auto-matched"), n(summary.get("auto_matched")), True),
        (w("open suggestions"), n(summary.get("suggested")), True),
        (w("unmatched"), n(summary.get("unmatched")), True),
        (w("unapplied cash"), amounts(summary.get("unapplied_cash") or {}, w), False),
        (w("payout differences"), n(pay.get("count")), True),
    ]


def attention_words(item: dict[str, Any], w: Words) -> str:
    """One structured reason (``recon.run.summary.attention_items``) in words."""
    count, code = int(item.get("count", 0)), item.get("code")
    if code == "quarantined":
        bugs = int(item.get("bugs", 0))
        return w("%(n)s file(s) quarantined", n=count) + (
            w(", %(b)s of them by a bug", b=bugs) if bugs else "")
    if code == "payout_differences":
        return w("%(n)s payout difference(s)", n=count)
    days = int(item.get("days", 0))
    if days:
        return w("%(n)s unmatched item(s) at least %(d)s day(s) old", n=count, d=days)
    return w("%(n)s unmatched item(s)", n=count)


def alert_words(alert: dict[str, Any], base: str, w: Words) -> str:
    """A credit alert of the run summary in words."""
    who = f"{alert.get('external_id', alert['customer_id'])} {alert.get('name', '')}".strip()
    if alert["kind"] == "over_limit":
        return w("%(who)s is over its credit limit: exposure %(exposure)s > limit %(limit)s",
                 who=who, exposure=w.money_minor(alert["exposure_minor"], base),
                 limit=w.money_minor(alert["limit_minor"], base))
    reasons = w(", ").join(
        reason_text(r, w.gettext(REASON_TEXT[str(r["measure"])]))
        for r in alert.get("reasons", []) if str(r.get("measure")) in REASON_TEXT)
    return w("%(who)s dropped from tier %(old)s to %(new)s: %(reasons)s", who=who,
             old=alert.get("from") or "–", new=alert["to"], reasons=reasons)


def _kpis(k: dict[str, Any], credit: dict[str, Any], w: Words) -> list[tuple[str, str]]:
    base = k.get("base", "")
    days = lambda v: w("%(n)s days", n=w.number(v)) if v is not None else "–"  # noqa: E731
    return [
        (w("receivables"), w.money(k.get("receivables") or 0, base) if base else "–"),
        (w("DSO"), days(k.get("dso"))),
        (w("countback DSO"), days(k.get("dso_countback"))),
        (w("CEI"), w.percent(None if k.get("cei") is None else k["cei"] / 100)),
        (w("average days delinquent"), days(k.get("avg_days_delinquent"))),
        (w("customers on hold"), w.decimal(int(credit.get("on_hold", 0)))),
    ]


def _tier(code: Any, w: Words) -> str:
    """``A``..``D``, or none yet (the run counts those under "-")."""
    return w("tier %(tier)s", tier=code) if code not in ("-", "None", "", None) else w(
        "no tier yet")


def _minor_text(minor: Any, cur: str, w: Words) -> str:
    return w.money_minor(int(minor), cur) if cur else w.decimal(int(minor))


def credit_block(credit: dict[str, Any] | None, w: Words) -> dict[str, Any] | None:
    """What the report shows of the run's credit entry (None when there is none)."""
    if not credit:
        return None
    k = credit.get("kpis") or {}
    base = k.get("base", "")
    if credit.get("error"):
        return {"error": credit["error"], "base": base}
    return {
        "base": base, "error": None, "kpis": _kpis(k, credit, w),
        "tiers": [(_tier(t, w), w.decimal(int(n))) for t, n in
                  sorted((credit.get("tiers") or {}).items(), key=lambda kv: str(kv[0]))],
        "alerts": [alert_words(a, base, w) for a in credit.get("alerts", [])],
        "collection": [{"month": m["month"], "due": _minor_text(m["due_minor"], base, w),
                        "collected": _minor_text(m["collected_minor"], base, w),
                        "rate": w.percent(m.get("rate"))}
                       for m in k.get("collection_by_month", [])],
        "aging": [{"bucket": w(LABELS.get(a["bucket"], a["bucket"])),
                   "base": _minor_text(a["base_minor"], base, w),
                   "own": ", ".join(w.money_minor(v, c) for c, v in
                                    sorted(a.get("by_currency", {}).items()))}
                  for a in k.get("aging", [])],
        "rates": ", ".join(f"{c} {w.date(d)}" for c, d in sorted(
            (k.get("rate_days") or {}).items()) if d),
        "missing": ", ".join(k.get("missing_rates") or []),
        "top": [{"who": f"{t.get('external_id', '')} {t.get('name', '')}".strip(),
                 "overdue": _minor_text(t["overdue_minor"], base, w),
                 "days": w.decimal(int(t["oldest_days"]))} for t in k.get("top_overdue", [])],
        "forecast": _forecast(credit.get("forecast"), base, w),
    }


def _forecast(fc: dict[str, Any] | None, base: str, w: Words) -> dict[str, Any] | None:
    if not fc:
        return None
    if fc.get("error"):
        return {"error": fc["error"], "rows": []}
    rows = [{"week": w.date(day), "expected": _minor_text(e, base, w),
             "low": _minor_text(lo, base, w), "high": _minor_text(hi, base, w)}
            for day, e, lo, hi in zip(fc["weeks"], fc["expected"], fc["low"], fc["high"],
                                      strict=True)]
    if fc.get("band_origins"):
        band = w("The 80 %% band is calibrated on the forecast's errors at %(n)s earlier "
                 "month-ends (factor %(f)s).", n=fc["band_origins"],
                 f=w.number(fc["band_factor"], 2))
    else:
        band = w("The 80 %% band is simulated only: too little history to calibrate it.")
    return {"error": None, "rows": rows, "later": _minor_text(fc.get("later", 0), base, w),
            "band": band, "open": int(fc.get("open_invoices", 0))}
