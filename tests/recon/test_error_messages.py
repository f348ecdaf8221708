"""Every service error ``recon/`` raises has a message id (a literal English text with named
placeholders), a machine code and Chinese, so no new one can reach a person in English only."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from recon.errors import Code, Codes, InvariantError, Message, NotFound, ServiceError
from recon.money import Money
from scripts.error_ids import FIELD_FIRST, PLACEHOLDER, error_classes, raises
from scripts.zh_errors import ZH

RAISES = raises()


def test_the_scan_finds_the_raises() -> None:
    assert len(RAISES) > 100  # the scan is not vacuous: it sees the service errors
    assert {"SettingError", "TemplateProblem", "InvariantError"} <= error_classes()


@pytest.mark.parametrize("r", RAISES, ids=lambda r: r.where)
def test_every_raise_has_an_id_a_code_and_its_parameters(r) -> None:
    assert r.msgid is not None, f"{r.where}: the message is not a literal id (f-string?)"
    assert r.code is not None or r.cls in FIELD_FIRST, f"{r.where}: no code="
    assert r.placeholders <= r.params, f"{r.where}: {r.placeholders - r.params} not given"
    extra = r.params - r.placeholders - ({"setting"} if r.cls in FIELD_FIRST else set())
    assert not extra, f"{r.where}: {extra} given but not in the message"


@pytest.mark.parametrize("msgid", sorted({r.msgid for r in RAISES if r.msgid}))
def test_every_id_has_chinese_with_the_same_placeholders(msgid: str) -> None:
    assert msgid in ZH, f"no Chinese for {msgid!r}: add it to scripts/zh_errors.py"
    assert sorted(PLACEHOLDER.findall(ZH[msgid])) == sorted(PLACEHOLDER.findall(msgid))
    assert not re.search(r"[a-z]{4,}", PLACEHOLDER.sub("", ZH[msgid]).replace("env:", "")
                         .replace("file:", "").replace("https://", "").replace("weixin://", "")
                         ), ZH[msgid]


def test_scan_catches_an_f_string(tmp_path, monkeypatch) -> None:
    import scripts.error_ids as ids

    (tmp_path / "recon").mkdir()
    (tmp_path / "recon" / "bad.py").write_text(
        "from recon.errors import InvariantError\n"
        "def f(x):\n    raise InvariantError(f'{x} is too much')\n")
    monkeypatch.setattr(ids, "ROOT", tmp_path)
    found = ids.raises()
    assert [(r.msgid, r.code) for r in found] == [(None, None)]


def test_english_without_a_renderer_for_logs_and_the_cli() -> None:
    err = InvariantError("%(kind)s of %(amount)s exceeds the line's unapplied %(left)s",
                         code="exceeds_unapplied", kind=Code("write_off"),
                         amount=Money(Decimal("50.00"), "EUR"),
                         left=Money(Decimal("23.00"), "EUR"))
    assert str(err) == "write off of 50.00 EUR exceeds the line's unapplied 23.00 EUR"
    assert err.code == "exceeds_unapplied" and isinstance(err.message_id, Message)
    assert NotFound("x").code == "not_found" and ServiceError("x").code == "invalid"
    assert str(Codes(("bank_fee", "write_off"))) == "bank fee, write off"
