"""`recon.db.bulkwrite.insert_rows` converts an empty dict or list once per column and type:
rows mixing ``{}``, ``[]``, None and non-empty values must still each store their own JSON."""

from __future__ import annotations

from sqlalchemy import select

from recon.db.bulkwrite import insert_rows
from recon.models import AuditEvent


def test_empty_json_values_keep_their_type_and_others_their_content(session) -> None:
    afters = [{}, [], {"a": 1}, {}, [], None, [1], {}]
    rows = [{"actor": "t", "action": "x.test", "object_type": "x", "object_id": str(i),
             "before": None, "after": after, "reason": None} for i, after in enumerate(afters)]
    assert insert_rows(session, AuditEvent.__table__, rows) == len(afters)
    stored = session.execute(select(AuditEvent.object_id, AuditEvent.after)
                             .where(AuditEvent.action == "x.test")).all()
    assert [after for _, after in sorted(stored, key=lambda r: int(r[0]))] == afters
