"""Pick the parser for a settlement file and run it (leaf layer, entry for `recon gateways import`).

`parse_report(name, data)` identifies the file by content -- a zip is an Alipay bill; otherwise the
decoded text is matched against each layout's header columns -- and returns the
`SettlementReport`.  Raises `UnknownReport` for anything else, `ReportError` subclasses from the
parser, and refuses files larger than `MAX_REPORT_BYTES`.
"""

from __future__ import annotations

from collections.abc import Callable

from gateways import alipay_bill, paypal_report, personal, stripe_reports, wechat_bill
from gateways.errors import UnknownReport
from gateways.tabular import SettlementReport, decode

MAX_REPORT_BYTES = 64 * 1024 * 1024
Parser = Callable[[str, bytes], SettlementReport]

# (column names that must all appear in the first 8 KiB, parser); first match wins.
SIGNATURES: tuple[tuple[tuple[str, ...], Parser], ...] = (
    (("balance_transaction_id", "reporting_category"), stripe_reports.parse),
    (("Transaction Event Code", "Gross Transaction Amount"), paypal_report.parse),
    (("微信订单号", "商户订单号"), wechat_bill.parse),
    (("支付宝交易号", "业务类型"), alipay_bill.parse),
    (("账务流水号", "业务流水号"), alipay_bill.parse),
    (("交易订单号", "收/支"), lambda n, d: personal.parse(n, d, "alipay")),
    (("交易单号", "当前状态", "收/支"), lambda n, d: personal.parse(n, d, "wechatpay")),
)


def identify(name: str, data: bytes) -> Parser:
    """The parser for `data`; raises `UnknownReport` if no layout matches."""
    if data.startswith(b"PK\x03\x04"):
        return alipay_bill.parse
    head, _ = decode(data[:16384])
    for columns, parser in SIGNATURES:
        if all(column in head for column in columns):
            return parser
    raise UnknownReport("not a known gateway settlement file", file=name)


def parse_report(name: str, data: bytes) -> SettlementReport:
    """Identify and parse one settlement file."""
    if len(data) > MAX_REPORT_BYTES:
        raise UnknownReport(f"file larger than {MAX_REPORT_BYTES} bytes", file=name)
    return identify(name, data)(name, data)
