"""What people decided about the matcher's proposals, handed to the engine to learn from.

A suggestion a person accepted (status ``manual``, origin ``suggestion``) is a labelled match;
a proposal a person rejected, or an automatic or accepted match a person undid, is a labelled
non-match. Their stored reasons name each feature's level, so the counts of (feature, level)
per label are all the engine needs (`matching.Feedback`, used by `matching.learn` beside the
unlabelled candidate pairs). Hand matches carry no reasons and teach nothing here. Read-only.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import matching as m
from recon.models import Match

REFUSED_STATUSES = ("rejected", "undone")  # a person said no: before or after it was applied
MACHINE_ORIGINS = ("auto", "suggestion")  # proposals of the matcher, with its reasons


def _levels(reasons: Any) -> list[tuple[str, str]]:
    out = []
    for r in reasons or ():
        if isinstance(r, dict) and isinstance(r.get("feature"), str) and isinstance(
            r.get("level"), str
        ):
            out.append((r["feature"], r["level"]))
    return out


def load_feedback(session: Session) -> m.Feedback:
    """Counts of the levels of confirmed and refused receipt-invoice proposals."""
    stmt = select(Match.status, Match.reasons).where(
        Match.kind != "payout_deposit",
        Match.origin.in_(MACHINE_ORIGINS),
        Match.status.in_(("manual", *REFUSED_STATUSES)),
    )
    confirmed: Counter[tuple[str, str]] = Counter()
    refused: Counter[tuple[str, str]] = Counter()
    for status, reasons in session.execute(stmt):
        (refused if status in REFUSED_STATUSES else confirmed).update(_levels(reasons))
    return m.Feedback(
        confirmed=tuple((f, lv, n) for (f, lv), n in sorted(confirmed.items())),
        refused=tuple((f, lv, n) for (f, lv), n in sorted(refused.items())),
    )
