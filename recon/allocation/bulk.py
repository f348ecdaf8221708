"""Create many matches at once: set-based inserts, the same rules and audit rows as one by one.

`create_matches_bulk(session, items, actor=...)` is `allocations.create_match` for a whole
matching run. It locks every invoice and receipt involved (``SELECT .. FOR UPDATE`` by id
chunks, in id order), reads only the columns the rules need, checks each item in order against
the running sums (`bulk_checks`: the rules of `recon.allocation.rules` that `create_match` uses,
so the same item is refused with the same words), then writes the accepted ones with ONE
executemany per table (`bulk_write`): matches, allocations, adjustments, invoice / line / charge
sums, audit events. The audit rows are those the one-by-one path writes (same actions, objects,
before/after, reasons, order).

An item that breaks a rule is left out and reported in `BulkResult.refused`; the rest go in.
A database error while writing rolls the whole batch back (one SAVEPOINT): nothing is half
written. ORM rows of the tables touched that the session holds are expired afterwards.
Never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from recon.allocation.allocations import AdjustmentSpec, AllocationSpec
from recon.allocation.batch import expire_written
from recon.allocation.bulk_checks import plan_item
from recon.allocation.bulk_write import lock_touched, write_plans
from recon.db.types import utcnow
from recon.errors import ServiceError

__all__ = ["BulkResult", "NewMatch", "create_matches_bulk"]


@dataclass(slots=True)
class NewMatch:
    """One match to create: `create_match`'s arguments, the receipt named by its id.

    Not frozen: a run makes one per proposal (100k), and a frozen dataclass sets each field
    through ``object.__setattr__``; nothing changes one after it is made.
    """

    allocations: Sequence[AllocationSpec]
    status: str
    line_id: int | None = None
    txn_id: int | None = None
    confidence: float = 1.0
    reasons: Sequence[Any] = ()
    alternatives: Sequence[Any] = ()
    adjustments: Sequence[AdjustmentSpec] = ()
    run_id: int | None = None
    kind: str | None = None
    cause: str | None = None
    origin: str | None = None
    # reasons and alternatives are JSON values already (str, int, float, bool, None in lists
    # and dicts), as the matcher's are: stored without walking them again
    json_ready: bool = False


@dataclass
class BulkResult:
    """Ids of the matches created (None for a refused item) and why each refused one was."""

    match_ids: list[int | None] = field(default_factory=list)
    refused: dict[int, ServiceError] = field(default_factory=dict)


def create_matches_bulk(session: Session, items: Sequence[NewMatch], *, actor: str) -> BulkResult:
    """Create `items` (see the module docstring); refused ones are in `.refused`."""
    session.flush()
    state, now = lock_touched(session, items), utcnow()
    result, plans = BulkResult(), []
    for n, item in enumerate(items):
        try:
            plan = plan_item(state, item, actor, now)
        except ServiceError as exc:
            result.refused[n] = exc
            result.match_ids.append(None)
            continue
        for (kind, row_id), row in plan.touched.items():
            state.table(kind)[row_id] = row
        plans.append((n, plan))
        result.match_ids.append(0)
    if plans:
        with session.begin_nested():
            ids = write_plans(session, [p for _, p in plans], state, actor)
        for (n, _), match_id in zip(plans, ids, strict=True):
            result.match_ids[n] = match_id
        expire_written(session)
    return result
