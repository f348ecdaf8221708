"""Alipay merchant bills (zip of GBK CSVs) -> `GatewayTxn` records (leaf layer).

`parse(name, data)` takes the downloaded zip (or one CSV taken out of it) and returns a
`SettlementReport`.  The zip is opened through `archive.read_zip` (GBK entry names, bomb and
traversal limits) and the detail entry is picked **by name** -- ``业务明细`` (trade bill) or
``账务明细`` (account bill), never the ``(汇总)`` summary.  Lines starting with ``#`` are the
preamble and footer; id cells end in a TAB; amounts are yuan with full-width ``（元）`` headers.

* trade bill: ``交易`` rows are charges keyed by the Alipay trade number (the same id the
  notification gives), ``退款`` rows refunds keyed ``<trade_no>:<退款批次号>``;
* account bill: signed income/expense rows; payments keyed by the trade number, fees, refunds
  and withdrawals (payouts) by the ledger id; the running balance is checked (warning).

Raises `UnsafeArchive`, `UnknownReport` or `BadReport`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from gateways.alipay import BEIJING
from gateways.archive import Limits, read_zip
from gateways.errors import ReportError, UnknownReport
from gateways.model import GatewayTxn, Kind
from gateways.money import parse_major
from gateways.tabular import Collector, SettlementReport, cell, column, decode, find_header

GATEWAY = "alipay"
TRADE_HEADER = ("支付宝交易号", "商户订单号", "业务类型")
ACCOUNT_HEADER = ("账务流水号", "业务流水号", "业务类型")
ACCOUNT_KINDS: dict[str, Kind] = {
    "在线支付": "charge", "交易付款": "charge", "交易退款": "refund", "退款": "refund",
    "收费": "fee", "服务费": "fee", "提现": "payout",
}


def _err(message: str, field: str, value: object = None) -> ReportError:
    return ReportError(message, file="", field=field, value=value)


def _money(row: Sequence[str], pos: int | None, field: str) -> Decimal:
    raw = cell(row, pos)
    try:
        return parse_major(raw or "0", "CNY")
    except ValueError as exc:
        raise _err(str(exc), field, raw) from None


def _time(row: Sequence[str], pos: int | None, field: str) -> datetime | None:
    raw = cell(row, pos)
    if not raw:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S"):
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=BEIJING)
        except ValueError:
            continue
    raise _err("not a date-time", field, raw)


def _body_rows(text: str) -> list[tuple[int, list[str]]]:
    """Numbered CSV rows with the ``#`` preamble/footer lines dropped."""
    import csv

    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if not line.startswith("#")]
    parsed = csv.reader(line for _, line in lines)
    return [(n, row) for (n, _), row in zip(lines, parsed, strict=True)]


def trade_row(row: Sequence[str], c: dict[str, int | None]) -> GatewayTxn | None:
    """A 业务明细 row: 交易 -> charge, 退款 -> refund."""
    trade_no, kind_text = cell(row, c["trade_no"]), cell(row, c["type"])
    if not trade_no:
        raise _err("empty trade number", "支付宝交易号")
    gross = _money(row, c["gross"], "订单金额（元）")
    received = _money(row, c["received"], "商家实收（元）")
    fee = abs(_money(row, c["fee"], "服务费（元）"))
    refund = kind_text == "退款"
    if kind_text not in ("交易", "退款"):
        return None
    batch = cell(row, c["batch"])
    return GatewayTxn(
        gateway=GATEWAY, gateway_id=f"{trade_no}:{batch or 'refund'}" if refund else trade_no,
        kind="refund" if refund else "charge", gross=gross, currency="CNY",
        fee=-fee if refund else fee, net=received + fee if refund else received - fee,
        occurred_at=_time(row, c["done"], "完成时间") or _time(row, c["created"], "创建时间"),
        order_ref=cell(row, c["order"]) or None, related_id=trade_no if refund else None,
        payer={"account": cell(row, c["payer"])} if cell(row, c["payer"]) else {},
        raw={"bill": "trade", "type": kind_text},
    )


def _trade_columns(cols: dict[str, int]) -> dict[str, int | None]:
    return {
        "trade_no": column(cols, "支付宝交易号"), "order": column(cols, "商户订单号"),
        "type": column(cols, "业务类型"), "created": column(cols, "创建时间"),
        "done": column(cols, "完成时间"), "payer": column(cols, "对方账户"),
        "gross": column(cols, "订单金额"), "received": column(cols, "商家实收"),
        "fee": column(cols, "服务费"), "batch": column(cols, "退款批次号"),
    }


def account_row(row: Sequence[str], c: dict[str, int | None]) -> GatewayTxn:
    """A 账务明细 row: signed income minus expense, kind from 业务类型."""
    ledger, biz = cell(row, c["ledger"]), cell(row, c["biz"])
    if not ledger:
        raise _err("empty ledger id", "账务流水号")
    amount = _money(row, c["income"], "收入金额") - abs(_money(row, c["expense"], "支出金额"))
    kind = ACCOUNT_KINDS.get(cell(row, c["type"]), "adjustment")
    gateway_id = biz if kind == "charge" and biz else ledger
    return GatewayTxn(
        gateway=GATEWAY, gateway_id=gateway_id, kind=kind, gross=amount, currency="CNY",
        fee=-amount if kind == "fee" else None,
        occurred_at=_time(row, c["when"], "发生时间"), order_ref=cell(row, c["order"]) or None,
        related_id=biz if gateway_id != biz else None,
        raw={"bill": "account", "ledger": ledger, "balance": cell(row, c["balance"])},
    )


def _account_columns(cols: dict[str, int]) -> dict[str, int | None]:
    return {
        "ledger": column(cols, "账务流水号"), "biz": column(cols, "业务流水号"),
        "order": column(cols, "商户订单号"), "when": column(cols, "发生时间"),
        "income": column(cols, "收入金额"), "expense": column(cols, "支出金额"),
        "balance": column(cols, "账户余额"), "type": column(cols, "业务类型"),
    }


def _balance_warnings(txns: Sequence[GatewayTxn]) -> list[str]:
    warnings, previous = [], None
    for txn in txns:
        balance = Decimal(str(txn.raw["balance"])) if txn.raw.get("balance") else None
        if previous is not None and balance is not None and previous + txn.gross != balance:
            warnings.append(f"running balance breaks at ledger {txn.raw['ledger']}")
        previous = balance
    return warnings


def parse_csv(name: str, data: bytes) -> SettlementReport:
    """One bill CSV (trade or account layout, chosen by its header)."""
    text, encoding = decode(data)
    rows = _body_rows(text)
    plain = [row for _, row in rows]
    try:
        start, cols = find_header(plain, TRADE_HEADER, file=name)
        layout, columns, parse_row = "alipay_trade_bill", _trade_columns(cols), trade_row
    except UnknownReport:
        start, cols = find_header(plain, ACCOUNT_HEADER, file=name)
        layout, columns, parse_row = "alipay_account_bill", _account_columns(cols), account_row
    collector, txns = Collector(name), []
    for line, row in rows[start + 1:]:
        if any(c.strip() for c in row):
            txn = collector.run(line, lambda row=row: parse_row(row, columns))
            if txn is not None:
                txns.append(txn)
    collector.raise_if_any()
    warnings = _balance_warnings(txns) if layout == "alipay_account_bill" else []
    return SettlementReport(name, layout, encoding, tuple(txns), tuple(warnings))


def pick_entry(entries: dict[str, bytes], name: str) -> tuple[str, bytes]:
    """The detail CSV of a bill zip, chosen by name (the summary may come first)."""
    details = [n for n in entries if n.endswith(".csv") and "汇总" not in n
               and ("业务明细" in n or "账务明细" in n)]
    if len(details) != 1:
        raise UnknownReport(
            f"expected one 业务明细/账务明细 entry, found {len(details)}", file=name
        )
    return details[0], entries[details[0]]


def parse(name: str, data: bytes, limits: Limits | None = None) -> SettlementReport:
    """An Alipay bill, zipped (as downloaded) or as a single CSV."""
    if not data.startswith(b"PK\x03\x04"):
        return parse_csv(name, data)
    entry, content = pick_entry(read_zip(name, data, limits), name)
    return parse_csv(f"{name}!{entry}", content)
