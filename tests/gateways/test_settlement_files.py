"""Settlement files: Stripe report CSV, Alipay bill zips, WeChat trade bill, personal exports."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from gateways import BadReport, UnknownReport, UnsafeArchive, parse_report
from gateways.archive import Limits, read_zip
from gateways.stripe_reports import payout_composition
from tests.gateways.gw_signing import BANK_FIXTURES

STRIPE_REPORT = """automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,\
created_utc,currency,gross,fee,net,reporting_category,source_id,description,charge_id,\
payment_intent_id,customer_email,payment_metadata[invoice_no]
po_1,2024-07-10 00:00:00,txn_c1,2024-07-08 10:00:00,usd,120.50,3.80,116.70,charge,ch_1,,ch_1,\
pi_1,ap@acme.example,INV-1001
po_1,2024-07-10 00:00:00,txn_c2,2024-07-08 11:00:00,usd,10.00,0.59,9.41,charge,ch_2,,ch_2,pi_2,,
po_1,2024-07-10 00:00:00,txn_r1,2024-07-09 09:00:00,usd,-5.00,0.00,-5.00,refund,re_1,,ch_2,,,
po_1,2024-07-10 00:00:00,txn_d1,2024-07-09 12:00:00,usd,-120.50,15.00,-135.50,dispute,dp_1,,\
ch_1,,,
po_1,2024-07-10 00:00:00,txn_po,2024-07-10 00:00:00,usd,14.61,0.00,14.61,other_adjustment,\
adj_1,,,,,
po_1,2024-07-10 00:00:00,txn_p,2024-07-10 00:00:00,usd,-0.00,0.00,-0.00,payout,po_1,,,,,
"""


def test_stripe_report_rows_and_ids_meet_webhook_records():
    report = parse_report("payouts.csv", STRIPE_REPORT.encode())
    by_id = {t.gateway_id: t for t in report.txns}
    charge = by_id["ch_1"]
    assert (charge.kind, charge.gross, charge.fee, charge.net, charge.payout_id) == (
        "charge", Decimal("120.50"), Decimal("3.80"), Decimal("116.70"), "po_1")
    assert charge.order_ref == "INV-1001" and charge.related_id == "pi_1"
    assert by_id["re_1"].kind == "refund" and by_id["dp_1"].net == Decimal("-135.50")
    assert by_id["txn_po"].kind == "adjustment"


def test_payout_composition_sums_net():
    report = parse_report("payouts.csv", STRIPE_REPORT.encode())
    comp = payout_composition(report.txns)["po_1"]
    assert comp.items_net == Decimal("116.70") + Decimal("9.41") - 5 - Decimal("135.50") + Decimal(
        "14.61")
    assert len(comp.items) == 5


def test_stripe_report_zero_decimal_major_units():
    text = ("balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,"
            "source_id\ntxn_1,2024-07-08 10:00:00,jpy,1000,36,964,charge,ch_j\n")
    (txn,) = parse_report("jpy.csv", text.encode()).txns
    assert (txn.gross, txn.fee, txn.currency) == (Decimal("1000"), Decimal("36"), "JPY")


def test_stripe_report_lists_every_bad_row():
    bad = STRIPE_REPORT.replace("120.50,3.80", "12O.50,3.80").replace("10.00,0.59,9.41",
                                                                    "10.00,0.59,9.40")
    with pytest.raises(BadReport) as err:
        parse_report("bad.csv", bad.encode())
    problems = err.value.problems
    assert [(p.line, p.field) for p in problems] == [(2, "gross"), (3, "net")]
    assert str(problems[0]).startswith("bad.csv:2: gross:")


GBK_TRADE_BILL = """#支付宝业务明细查询
#账号：[20880211096256330156]
#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]
#-----------------------------------------业务明细列表----------------------------------------
支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,\
订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,\
券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注
2019091622001458860515315453\t,INV-3001\t,交易\t,货款,2019-09-16 10:55:16,2019-09-16 10:55:23,,,,,\
张三(zha***@example.com),100.00,100.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.60,0.00,
2019091622001458860515315453\t,INV-3001\t,退款\t,货款,2019-09-16 11:00:00,2019-09-16 11:00:05,,,,,\
张三(zha***@example.com),-30.00,-30.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,re_1568602607356\t,0.18,0.00,
#-----------------------------------------业务明细列表结束------------------------------------
#交易合计：1笔，商家实收共100.00元，商家优惠共0.00元
#退款合计：1笔，商家实收退款共-30.00元，商家优惠退款共0.00元
#导出时间：[2019年09月17日 05:46:49]
"""


def make_zip(entries: dict[str, bytes]) -> bytes:
    """A deflated zip; names written as given (ASCII names stay ASCII)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def gbk_zip(entries: dict[str, bytes]) -> bytes:
    """A zip whose entry names are GBK bytes without the UTF-8 flag, as Alipay ships them.

    zipfile can only write ASCII or flagged UTF-8 names, so each entry is written under an ASCII
    placeholder of the same byte length, then the placeholder bytes are swapped for GBK.
    """
    placeholders, renamed = {}, {}
    for index, (name, content) in enumerate(entries.items()):
        gbk = name.encode("gbk")
        placeholder = f"~{index}~".ljust(len(gbk), "_")
        placeholders[placeholder.encode()] = gbk
        renamed[placeholder] = content
    data = make_zip(renamed)
    for placeholder, gbk in placeholders.items():
        data = data.replace(placeholder, gbk)
    return data


def alipay_zip() -> bytes:
    base = "20880211096256330156_20190916"
    return gbk_zip({f"{base}_业务明细(汇总).csv": "#summary\n".encode("gbk"),
                    f"{base}_业务明细.csv": GBK_TRADE_BILL.encode("gbk")})


def test_alipay_trade_bill_zip_with_gbk_names():
    raw = alipay_zip()
    assert "业务明细".encode("gbk") in raw  # names really are GBK bytes
    report = parse_report("bill.zip", raw)
    assert report.format == "alipay_trade_bill" and report.encoding == "gb18030"
    charge, refund = report.txns
    assert (charge.gateway_id, charge.kind, charge.gross, charge.fee, charge.net) == (
        "2019091622001458860515315453", "charge", Decimal("100.00"), Decimal("0.60"),
        Decimal("99.40"))
    assert charge.order_ref == "INV-3001"  # tab suffix stripped
    assert (refund.gateway_id, refund.kind, refund.gross, refund.related_id) == (
        "2019091622001458860515315453:re_1568602607356", "refund", Decimal("-30.00"),
        charge.gateway_id)


def test_alipay_account_bill_with_running_balance():
    text = """#支付宝账务明细查询
#账号：[20880211096256330156]
账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注
54632446537371\t,2012122923922029\t,INV-9\t,机票\t,2012-12-29 21:02:06,x@126.com\t,2274.00,0.00,2274.00,支付宝,在线支付,
54632446537372\t,2012122923922029\t,INV-9\t,机票\t,2012-12-29 21:02:07,\t,0.00,13.64,2260.36,支付宝,收费,
54632446537373\t,\t,\t,\t,2012-12-30 09:00:00,\t,0.00,2000.00,200.36,支付宝,提现,
#支出合计：2笔，共2013.64元
"""
    report = parse_report("acct.csv", text.encode("gbk"))
    kinds = [(t.kind, t.gross) for t in report.txns]
    assert kinds == [("charge", Decimal("2274.00")), ("fee", Decimal("-13.64")),
                     ("payout", Decimal("-2000.00"))]
    assert report.txns[0].gateway_id == "2012122923922029"
    assert report.warnings == ("running balance breaks at ledger 54632446537373",)


def test_zip_bomb_is_refused():
    bomb = make_zip({"a.csv": b"0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(UnsafeArchive, match="zip bomb"):
        read_zip("bomb.zip", bomb, Limits(min_ratio_floor=1024))
    with pytest.raises(UnsafeArchive):
        read_zip("bomb.zip", bomb, Limits(max_entry_bytes=1024 * 1024))


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs.csv", "a\\..\\b.csv", "C:x.csv"])
def test_path_traversal_is_refused(name):
    data = make_zip({name: b"x"})
    with pytest.raises(UnsafeArchive, match="escapes"):
        parse_report("evil.zip", data)


def test_too_many_entries_and_not_a_zip():
    many = make_zip({f"{i}.csv": b"x" for i in range(20)})
    with pytest.raises(UnsafeArchive, match="entries"):
        read_zip("many.zip", many)
    with pytest.raises(UnsafeArchive):
        parse_report("trunc.zip", many[:100])


WECHAT_BILL = """交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,\
付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,\
商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注
`2024-07-09 10:06:33,`wxe169,`1579507281,`0,`,`4200002360202407091234567890,`INV-2001,`oVgf1,\
`JSAPI,`SUCCESS,`OTHERS,`CNY,`60.00,`0.00,`0,`0,`0.00,`0.00,`,`,`货款,`,`0.32000,`0.54%,`60.00,`0.00,`
`2024-07-10 09:00:00,`wxe169,`1579507281,`0,`,`4200002360202407091234567890,`INV-2001,`oVgf1,\
`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300000012024071000001,`RF-2001,`15.00,`0.00,\
`ORIGINAL,`SUCCESS,`货款,`,`-0.08000,`0.54%,`0.00,`15.00,`
总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额
`2,`60.00,`15.00,`0.00,`0.24000,`60.00,`15.00
"""


def test_wechat_trade_bill_with_backticks_and_summary():
    report = parse_report("wx.csv", ("\ufeff" + WECHAT_BILL).encode("utf-8"))
    charge, refund = report.txns
    assert (charge.gateway_id, charge.gross, charge.fee, charge.net, charge.order_ref) == (
        "4200002360202407091234567890", Decimal("60.00"), Decimal("0.32"), Decimal("59.68"),
        "INV-2001")
    assert (refund.gateway_id, refund.gross, refund.fee, refund.net) == (
        "50300000012024071000001", Decimal("-15.00"), Decimal("-0.08"), Decimal("-14.92"))
    assert report.warnings == ()


def test_wechat_summary_mismatch_is_a_warning():
    report = parse_report("wx.csv", WECHAT_BILL.replace("`2,`60.00", "`3,`61.00").encode())
    assert len(report.warnings) == 2 and "总交易单数" in report.warnings[0]


def test_real_alipay_personal_export_gbk():
    report = parse_report("alipay.csv", (BANK_FIXTURES / "csv/deg_example-alipay-records.csv")
                          .read_bytes())
    assert report.format == "alipay_personal" and report.encoding == "gb18030"
    moving = [t for t in report.txns if t.status != "neutral"]
    assert len(moving) == 7  # closed and neutral rows are not money movements (deg: 7)
    first = report.txns[0]
    assert (first.gross, first.kind, first.occurred_at.isoformat()) == (
        Decimal("-49.74"), "adjustment", "2023-02-12T21:32:14+08:00")
    assert first.gateway_id == "202302xxxxxx0011000103xxxxxx"  # TAB stripped
    refund = next(t for t in report.txns if t.gateway_id == "2023xxxxx88_2023xx57")
    assert (refund.kind, refund.gross, refund.related_id) == ("refund", Decimal("50.00"),
                                                              "2023xxxxx88")
    assert len({t.gateway_id for t in report.txns}) == len(report.txns)


def test_real_wechat_personal_export():
    report = parse_report("wechat.csv", (BANK_FIXTURES / "csv/deg_example-wechat-records.csv")
                          .read_bytes())
    assert report.format == "wechatpay_personal" and len(report.txns) == 27
    first = report.txns[0]
    assert (first.gross, first.occurred_at.isoformat()) == (Decimal("-28.16"),
                                                            "2019-09-26T12:45:27+08:00")
    payout = next(t for t in report.txns if t.gateway_id == "207210711100077147832088993175")
    assert (payout.kind, payout.gross, payout.fee, payout.net) == (
        "payout", Decimal("-1000.10"), Decimal("1.00"), Decimal("-1001.10"))
    assert len({t.gateway_id for t in report.txns}) == 27


def test_unknown_file():
    with pytest.raises(UnknownReport):
        parse_report("x.csv", b"date,amount\n2024-01-01,1.00\n")
