"""WeChat Pay merchant trade bill (交易账单) -> `GatewayTxn` records (leaf layer).

Layout (GATEWAYS.md 3.5): a header row, detail rows with every field prefixed by a backtick, then
a summary header (``总交易单数,...``) and one summary row.  ALL, SUCCESS and REFUND bills differ in
columns, so columns are found by name.  ``SUCCESS`` rows are charges keyed by 微信订单号 with
手续费 as fee; ``REFUND`` rows are refunds keyed by 微信退款单号 with a negative fee (returned).
The summary row is cross-checked (count, settled total, refund total, fee total) and a mismatch
becomes a warning.  Fees have five decimals; a fee that is not a whole fen is rounded half-up
with a warning.  Raises `UnknownReport` or `BadReport`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from gateways.alipay import BEIJING
from gateways.errors import ReportError
from gateways.model import GatewayTxn
from gateways.money import parse_major
from gateways.tabular import (
    Collector,
    SettlementReport,
    cell,
    clean,
    column,
    decode,
    find_header,
    read_rows,
)

GATEWAY = "wechatpay"
HEADER = ("交易时间", "微信订单号", "商户订单号", "交易状态")
SUMMARY = "总交易单数"


def _err(message: str, field: str, value: object = None) -> ReportError:
    return ReportError(message, file="", field=field, value=value)


def _yuan(row: Sequence[str], pos: int | None, field: str) -> Decimal:
    raw = cell(row, pos)
    try:
        return parse_major(raw or "0", "CNY")
    except ValueError as exc:
        raise _err(str(exc), field, raw) from None


def _fee(row: Sequence[str], pos: int | None, warnings: list[str]) -> Decimal:
    raw = cell(row, pos) or "0"
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _err("not an amount", "手续费", raw) from None
    fen = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if fen != value:
        warnings.append(f"fee {raw} rounded to {fen}")
    return fen


def _when(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    except ValueError:
        raise _err("expected YYYY-MM-DD HH:MM:SS", "交易时间", text) from None


def detail_row(row: Sequence[str], c: dict[str, int | None], warnings: list[str]) -> (
    GatewayTxn | None
):
    """A SUCCESS row -> charge, a REFUND row -> refund; other states are skipped."""
    state, txn_id = cell(row, c["state"]), cell(row, c["txn_id"])
    when = _when(cell(row, c["when"]))
    fee, order = _fee(row, c["fee"], warnings), cell(row, c["order"]) or None
    common = {"gateway": GATEWAY, "currency": (cell(row, c["currency"]) or "CNY").upper(),
              "occurred_at": when, "order_ref": order, "raw": {"bill": "trade", "state": state}}
    if state == "SUCCESS":
        return GatewayTxn(gateway_id=txn_id, kind="charge", fee=fee,
                          gross=_yuan(row, c["settled"], "应结订单金额"),
                          payer={"openid": cell(row, c["payer"])} if cell(row, c["payer"]) else {},
                          **common)
    if state == "REFUND":
        refund_id = cell(row, c["refund_id"])
        if refund_id in ("", "0"):
            raise _err("refund row without 微信退款单号", "微信退款单号")
        return GatewayTxn(gateway_id=refund_id, kind="refund", fee=-abs(fee),
                          gross=-abs(_yuan(row, c["refund"], "退款金额")), related_id=txn_id,
                          **common)
    return None


def _columns(cols: dict[str, int]) -> dict[str, int | None]:
    return {
        "when": column(cols, "交易时间"), "txn_id": column(cols, "微信订单号"),
        "order": column(cols, "商户订单号"), "payer": column(cols, "用户标识"),
        "state": column(cols, "交易状态"), "currency": column(cols, "货币种类"),
        "settled": column(cols, "应结订单金额"), "refund_id": column(cols, "微信退款单号"),
        "refund": column(cols, "退款金额"), "fee": column(cols, "手续费"),
    }


def _summary_warnings(rows: Sequence[Sequence[str]], txns: Sequence[GatewayTxn]) -> list[str]:
    """Cross-check the summary row against the detail records."""
    if len(rows) < 2:
        return ["summary rows missing"]
    names, values = [clean(c) for c in rows[0]], [clean(c) for c in rows[1]]
    summary = dict(zip(names, values, strict=False))
    charges = [t for t in txns if t.kind == "charge"]
    refunds = [t for t in txns if t.kind == "refund"]
    expected = {
        "总交易单数": Decimal(len(txns)),
        "应结订单总金额": sum((t.gross for t in charges), Decimal(0)),
        "退款总金额": -sum((t.gross for t in refunds), Decimal(0)),
        "手续费总金额": sum((t.fee or Decimal(0) for t in txns), Decimal(0)),
    }
    warnings = []
    for name, value in expected.items():
        try:
            stated = Decimal(summary[name]) if summary.get(name) else None
        except InvalidOperation:
            stated = None
        if stated is not None and stated != value:
            warnings.append(f"summary {name} {stated} != detail {value}")
    return warnings


def parse(name: str, data: bytes) -> SettlementReport:
    """Parse a WeChat Pay trade bill (ALL, SUCCESS or REFUND)."""
    text, encoding = decode(data)
    rows = read_rows(text)
    start, cols = find_header(rows, HEADER, file=name)
    columns, collector = _columns(cols), Collector(name)
    txns: list[GatewayTxn] = []
    warnings: list[str] = []
    end = next((i for i in range(start + 1, len(rows)) if rows[i] and clean(rows[i][0]) == SUMMARY),
               len(rows))
    for index in range(start + 1, end):
        row = rows[index]
        if any(c.strip() for c in row):
            txn = collector.run(index + 1, lambda row=row: detail_row(row, columns, warnings))
            if txn is not None:
                txns.append(txn)
    collector.raise_if_any()
    warnings += _summary_warnings(rows[end:], txns)
    return SettlementReport(name, "wechatpay_trade_bill", encoding, tuple(txns), tuple(warnings))
