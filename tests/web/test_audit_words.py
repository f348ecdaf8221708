"""Every audit action the code records and every kind of object it names reads as words on the
audit page, in English and Chinese (no ``gateway_txn.update`` or ``bank_account`` left)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import recon.models  # noqa: F401  (every table registered)
from recon.db.types import Base
from scripts.zh_triage import ZH
from web.audit_words import ACTIONS, FAMILIES, OBJECTS, object_link, says

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r'action=(f?)"([a-z_]+)\.([a-z_{}.]+)"')
TYPES = re.compile(r'object_type="([a-z_]+)"')


def _sources() -> str:
    return "\n".join(p.read_text("utf-8") for d in ("recon", "web")
                     for p in (ROOT / d).rglob("*.py"))


def test_every_recorded_action_has_words() -> None:
    missing = set()
    for fmt, family, rest in LITERAL.findall(_sources()):
        if fmt:  # alias.{polarity}: both polarities have their own words
            spelled = family == "alias" and {"alias.positive", "alias.negative"} <= set(ACTIONS)
            if family not in FAMILIES and not spelled:
                missing.add(f"{family}.{{…}}")
        elif f"{family}.{rest}" not in ACTIONS:
            missing.add(f"{family}.{rest}")
    assert not missing, sorted(missing)


def test_every_object_type_has_a_name() -> None:
    audited = set(TYPES.findall(_sources())) | set(Base.metadata.tables)
    internal = {"audit_event", "allocation", "statement", "reminder_item", "inbox_file",
                "fetched_file"}  # never the object of an audit event on their own
    assert not (audited - internal - set(OBJECTS)), sorted(audited - internal - set(OBJECTS))


def test_words_have_chinese() -> None:
    words = {str(w._args[0]) if hasattr(w, "_args") else str(w) for w in ACTIONS.values()}
    words |= {w._args[0] for w in FAMILIES.values()} | {n._args[0] for n, _ in OBJECTS.values()}
    assert not (words - set(ZH)), sorted(words - set(ZH))


def test_the_audit_page_in_chinese(app) -> None:
    event = SimpleNamespace(action="run.attention", object_type="gateway_report", object_id="7")
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert says(event) == "每日运行结束：需要处理"
        assert object_link(event) == ("结算报告 7", None)
        assert says(SimpleNamespace(action="gateway_txn.update")) == "更新了网关收款"


def test_every_field_of_the_demos_audit_trail_has_words(tmp_path, app) -> None:
    """The demo records most kinds of audit event; each field of their before/after reads as
    words (English and Chinese) in the "changes" column, not as a snake_case key."""
    import json
    import sqlite3

    from click.testing import CliRunner

    from recon.cli import main
    from web.audit_fields import FIELDS
    from web.audit_words import changes

    args = ["demo", "--folder", str(tmp_path / "demo"), "--no-serve"]
    assert CliRunner().invoke(main, args).exit_code == 0
    with sqlite3.connect(tmp_path / "demo" / "recon-demo.db") as db:
        rows = db.execute("SELECT before, after FROM audit_event").fetchall()
    keys = {k for row in rows for doc in row if doc
            for k in (json.loads(doc) if doc.startswith("{") else {})}
    assert len(keys) > 40 and not keys - set(FIELDS), sorted(keys - set(FIELDS))
    assert all(str(FIELDS[k]) in ZH for k in keys)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        from flask_babel import force_locale

        with force_locale("zh_Hans"):
            event = SimpleNamespace(before={"due_date": "2026-01-01"},
                                    after={"due_date": "2026-02-01"})
            assert changes(event) == ["到期日: 2026-01-01 → 2026-02-01"]
