"""Personal-account exports of Alipay (GBK) and WeChat Pay (UTF-8) -> records (leaf layer).

These are not merchant bills but what an account holder downloads (支付宝交易明细, 微信支付账单
明细); see BANK-FORMATS.md §5.  Amounts are always positive with the direction in ``收/支``:
``收入`` becomes a charge (money in), ``支出`` an adjustment (money out), ``不计收支``/``/`` is
neutral -- kept as ``status="neutral"`` except refunds (money back) and WeChat withdrawals to a
bank card, which are payouts with the ``服务费`` from the remark as their fee.  Closed trades
(``交易关闭``) are dropped.  Ids repeated within one file (masked exports repeat ``xxxx``) get an
occurrence suffix ``~2``, ``~3`` so that distinct rows stay distinct and re-imports stay stable.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from gateways.alipay import BEIJING
from gateways.errors import ReportError
from gateways.model import GatewayTxn, Kind
from gateways.money import parse_major
from gateways.tabular import (
    Collector,
    SettlementReport,
    cell,
    column,
    decode,
    find_header,
    read_rows,
)

ALIPAY_HEADER = ("交易时间", "收/支", "交易订单号", "交易状态")
WECHAT_HEADER = ("交易时间", "收/支", "交易单号", "当前状态")
FEE_IN_REMARK = re.compile(r"服务费\s*[¥￥]?\s*([0-9.]+)")
PLACEHOLDERS = {"", "/", "-", "--"}


def _err(message: str, field: str, value: object = None) -> ReportError:
    return ReportError(message, file="", field=field, value=value)


def _when(text: str) -> datetime:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=BEIJING)
        except ValueError:
            continue
    raise _err("not a date-time", "交易时间", text)


def _amount(text: str, field: str) -> Decimal:
    try:
        return parse_major(text, "CNY")
    except ValueError as exc:
        raise _err(str(exc), field, text) from None


def _classify(direction: str, kind_text: str, status: str) -> tuple[Kind, int, str] | None:
    """(kind, sign, status) for a row, or None for a row that moved no money."""
    if "关闭" in status:
        return None
    state = "pending" if "等待" in status else "succeeded"
    if direction == "收入":
        return "charge", 1, state
    if direction == "支出":
        return "adjustment", -1, state
    if "退款" in kind_text or "退款" in status:
        return "refund", 1, state
    if "提现" in kind_text:
        return "payout", -1, state
    return "adjustment", 1, "neutral"


def row_txn(gateway: str, row: Sequence[str], c: dict[str, int | None]) -> GatewayTxn | None:
    """One export row as a record, or None for closed / empty rows."""
    gateway_id = cell(row, c["id"])
    if gateway_id in PLACEHOLDERS:
        raise _err("empty transaction id", "交易单号")
    kind_text, remark = cell(row, c["kind"]), cell(row, c["remark"])
    cls = _classify(cell(row, c["direction"]), kind_text, cell(row, c["status"]))
    if cls is None:
        return None
    kind, sign, status = cls
    amount = _amount(cell(row, c["amount"]), "金额")
    fee_match = FEE_IN_REMARK.search(remark) if kind == "payout" else None
    fee = _amount(fee_match.group(1), "备注") if fee_match else None
    gross = sign * (amount - fee if fee is not None else amount)
    order = cell(row, c["order"])
    counterparty = cell(row, c["party"])
    return GatewayTxn(
        gateway=gateway, gateway_id=gateway_id, kind=kind, gross=gross, currency="CNY",
        fee=fee, occurred_at=_when(cell(row, c["when"])), status=status,
        order_ref=None if order in PLACEHOLDERS else order,
        related_id=gateway_id.split("_")[0] if kind == "refund" and "_" in gateway_id else None,
        payer={"name": counterparty} if counterparty not in PLACEHOLDERS else {},
        raw={"type": kind_text, "export": "personal"},
    )


def _columns(cols: dict[str, int]) -> dict[str, int | None]:
    return {
        "when": column(cols, "交易时间"), "kind": column(cols, "交易分类", "交易类型"),
        "party": column(cols, "交易对方"), "direction": column(cols, "收/支"),
        "amount": column(cols, "金额", "金额(元)"), "status": column(cols, "交易状态", "当前状态"),
        "id": column(cols, "交易订单号", "交易单号"),
        "order": column(cols, "商家订单号", "商户单号"),
        "remark": column(cols, "备注"),
    }


def disambiguate(txns: Sequence[GatewayTxn]) -> tuple[list[GatewayTxn], list[str]]:
    """Suffix ids repeated within one file with their occurrence number (``~2``...)."""
    totals, seen, out, warnings = Counter(t.gateway_id for t in txns), Counter(), [], []
    for txn in txns:
        seen[txn.gateway_id] += 1
        if totals[txn.gateway_id] > 1 and seen[txn.gateway_id] > 1:
            out.append(replace(txn, gateway_id=f"{txn.gateway_id}~{seen[txn.gateway_id]}"))
        else:
            out.append(txn)
    for gateway_id, count in totals.items():
        if count > 1:
            warnings.append(f"id {gateway_id} appears {count} times; later rows suffixed ~n")
    return out, warnings


def parse(name: str, data: bytes, gateway: str) -> SettlementReport:
    """A personal export of `gateway` (``alipay`` or ``wechatpay``)."""
    text, encoding = decode(data)
    rows = read_rows(text)
    header = ALIPAY_HEADER if gateway == "alipay" else WECHAT_HEADER
    start, cols = find_header(rows, header, file=name)
    columns, collector, txns = _columns(cols), Collector(name), []
    for index, row in enumerate(rows[start + 1:], start=start + 2):
        if any(c.strip() for c in row) and not row[0].lstrip().startswith("-"):
            txn = collector.run(index, lambda row=row: row_txn(gateway, row, columns))
            if txn is not None:
                txns.append(txn)
    collector.raise_if_any()
    unique, warnings = disambiguate(txns)
    return SettlementReport(name, f"{gateway}_personal", encoding, tuple(unique), tuple(warnings))
