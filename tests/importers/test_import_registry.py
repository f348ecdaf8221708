"""Registry: one importer per file, explicit formats, shipped profiles."""

from __future__ import annotations

import pytest

from importers import (
    AmbiguousFormat,
    Source,
    UnknownFormat,
    by_name,
    default_importers,
    identify,
    parse_source,
    shipped,
)
from importers.base import Importer
from tests.conftest import FIXTURES


def test_every_fixture_is_claimed_by_at_most_one_importer() -> None:
    for path in sorted(FIXTURES.glob("*/*")):
        source = Source.from_path(path)
        claims = [i.name for i in default_importers() if i.identify(source)]
        assert len(claims) <= 1, (path.name, claims)


def test_profiles_cover_the_required_banks() -> None:
    names = {p.name for p in shipped()}
    assert {"generic", "icbc_debit", "cmb_debit", "de_bank", "alipay", "wechat"} <= names
    assert all(p.title for p in shipped())


def test_two_claims_are_ambiguous() -> None:
    class Greedy(Importer):
        name = "greedy"

        def identify(self, source):
            return True

        def parse(self, source):  # pragma: no cover - never reached
            raise AssertionError

    with pytest.raises(AmbiguousFormat) as caught:
        identify([Greedy(), *default_importers()], Source("x.ofx", b"OFXHEADER:100\n<OFX>"))
    assert caught.value.claims == ("greedy", "ofx")


def test_explicit_format_skips_identification() -> None:
    text = b"Date,Label,Amount\n2024-01-02,x,1.00\n"
    assert parse_source(Source("x.txt", text), fmt="csv:generic").format == "csv:generic"
    with pytest.raises(UnknownFormat) as caught:
        by_name("csv:nope")
    assert "csv:generic" in caught.value.tried


def test_xlsx_export_goes_through_the_same_profile(tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["微信支付账单明细"])
    sheet.append(["交易时间", "交易类型", "交易对方", "商品", "收/支", "金额(元)", "支付方式",
                  "当前状态", "交易单号", "商户单号", "备注"])
    sheet.append(["2025-07-01 10:00:00", "商户消费", "Shop", "/", "支出", "12.50", "零钱",
                  "支付成功", "T1", "M1", "/"])
    path = tmp_path / "wechat.xlsx"
    book.save(path)
    parsed = parse_source(Source.from_path(path))
    assert parsed.format == "xlsx:wechat" and parsed.kind == "gateway_bill"
    assert str(parsed.statements[0].lines[0].amount) == "-12.50"
