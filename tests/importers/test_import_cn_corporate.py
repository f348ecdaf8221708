"""Chinese corporate exports (GBK, preamble, split credit/debit columns) pick their profile."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from importers import Source, parse_source

CN = (
    "账户明细查询\n"
    "账号：1234 5678 9012 3456\n"
    "交易日期,交易流水号,对方户名,对方账号,摘要,收入金额,支出金额,余额\n"
    "2026-11-02,SN0001,上海东方贸易股份有限公司,31001234567,货款 INV-2026-0107,\"7,350.00\",,17350.00\n"
    "2026-11-03,SN0002,国网上海电力,31009999999,电费,,1200.50,16149.50\n"
    "合计,,,,,7350.00,1200.50,\n"
)
ICBC = (
    "凭证号,本方账号,对方账号,交易时间,借/贷,借方发生额,贷方发生额,对方行号,摘要,用途,对方单位名称,余额\n"
    "V123,1001,6222000011112222,2026-11-04 10:22:31,贷,,15800.00,102100099996,汇入,付款 INV-2026-0103,北京星河科技有限公司,25800.00\n"
    "V124,1001,6222000033334444,2026-11-05 09:01:00,借,88.00,,102100099996,手续费,,中国工商银行,25712.00\n"
)
CMB = (
    "交易日期,交易时间,起息日,交易类型,借方金额,贷方金额,余额,摘要,流水号,用途,收/付方名称,收/付方帐号\n"
    "20261106,101500,20261106,汇入,,420.00,1420.00,转账,G0001,PO-7781,Blue Harbour Pty Ltd,755900001234\n"
)


@pytest.mark.parametrize(
    ("text", "profile", "first_amount", "first_ref", "payer", "lines"),
    [
        (CN, "csv:cn_corporate", "7350.00", "SN0001", "上海东方贸易股份有限公司", 2),
        (ICBC, "csv:icbc_corporate", "15800.00", "V123", "北京星河科技有限公司", 2),
        (CMB, "csv:cmb_corporate", "420.00", "G0001", "Blue Harbour Pty Ltd", 1),
    ],
)
def test_corporate_layouts_detected_and_parsed(text, profile, first_amount, first_ref, payer, lines) -> None:
    parsed = parse_source(Source("export.csv", text.encode("gbk")), "auto")
    assert parsed.format == profile
    (statement,) = parsed.statements
    assert statement.currency == "CNY" and len(statement.lines) == lines
    first = statement.lines[0]
    assert first.amount == Decimal(first_amount) and first.bank_ref == first_ref
    assert first.counterparty_name == payer and first.booking_date.year == 2026
    assert statement.lines[-1].amount < 0 or lines == 1


def test_cn_corporate_reads_account_from_preamble_and_stops_at_totals() -> None:
    parsed = parse_source(Source("export.csv", CN.encode("gbk")), "auto")
    (statement,) = parsed.statements
    assert statement.account_id.replace(" ", "") == "1234567890123456"
    assert statement.lines[1].amount == Decimal("-1200.50")
    assert statement.lines[0].booking_date == dt.date(2026, 11, 2)
