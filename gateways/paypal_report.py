"""PayPal Transaction Detail (TRR) and Settlement (STL) reports (leaf layer).

Both are CSV whose first cell is a record type: ``RH``/``FH``/``SH`` headers, ``CH`` the column
names, ``SB`` one transaction, ``SF``/``SC``/``RF``/``RC``/``FF`` footers.  Amounts are
**unsigned integers in minor units** (``10000`` is 100.00 USD and 10000 JPY) with a separate
``CR``/``DR`` column, so each record is signed here.  Records are classified by the T-code
(``Transaction Event Code``):

- ``T00xx`` credit: a payment (charge), keyed by the transaction id, which is the capture id of
  the webhooks, so the report merges into the webhook record and adds the fee;
- ``T1107`` refund, ``T1106`` reversal, ``T1201`` chargeback: money back, naming the original in
  ``PayPal Reference ID`` (the capture);
- ``T04xx`` debit: a withdrawal to the bank -- a payout, paired with the bank deposit like a
  Stripe payout;
- ``T01xx``: fees; anything else that moves money: an adjustment.  Holds and releases
  (``T15xx``, ``T11 10/11``) move nothing available and are skipped with a warning.

The order reference is ``Invoice ID``, else ``Custom Field``.  Raises `ReportError` subclasses
naming file, line and field.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from gateways.errors import ReportError
from gateways.model import GatewayTxn, Kind
from gateways.money import from_minor
from gateways.tabular import Collector, SettlementReport, decode, read_rows

GATEWAY = "paypal"
FORMAT = "paypal_trr"
REFUND_CODES = ("T1107", "T1106", "T1201", "T1202")
HOLD_PREFIXES = ("T15", "T1110", "T1111")
STATUS = {"S": "succeeded", "P": "pending", "V": "succeeded", "D": "failed", "F": "failed"}


def _norm(name: str) -> str:
    return " ".join(name.split()).lower()


class _Row:
    def __init__(self, cells: Sequence[str], columns: dict[str, int]) -> None:
        self.cells, self.columns = cells, columns

    def get(self, name: str) -> str:
        pos = self.columns.get(_norm(name))
        return self.cells[pos].strip() if pos is not None and pos < len(self.cells) else ""

    def need(self, name: str) -> str:
        value = self.get(name)
        if not value:
            raise ReportError("missing", file="", field=name)
        return value

    def amount(self, amount_col: str, sign_col: str, currency: str) -> Decimal:
        text = self.get(amount_col) or "0"
        if not text.isdigit():
            raise ReportError("not an unsigned minor-unit amount", file="", field=amount_col,
                              value=text)
        value = from_minor(int(text), currency)
        sign = self.get(sign_col).upper()
        if sign not in ("CR", "DR", "") or (sign == "" and value):
            raise ReportError("must be CR or DR", file="", field=sign_col, value=sign)
        return -value if sign == "DR" else value


def _when(text: str) -> datetime:
    for layout in ("%Y/%m/%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S %z", "%Y/%m/%d %H:%M:%S"):
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    raise ReportError("not a PayPal date", file="", field="Transaction Initiation Date",
                      value=text)


def _record(row: _Row) -> GatewayTxn | None:
    code = row.need("Transaction Event Code").upper()
    if code.startswith(HOLD_PREFIXES):
        return None
    currency = row.need("Gross Transaction Currency").upper()
    gross = row.amount("Gross Transaction Amount", "Transaction Debit or Credit", currency)
    fee_currency = row.get("Fee Currency").upper() or currency
    fee = -row.amount("Fee Amount", "Fee Debit or Credit", fee_currency)  # DR = charged
    txn_id = row.need("Transaction ID")
    related = row.get("PayPal Reference ID") or None
    kind: Kind = "adjustment"
    if code.startswith("T00") and gross > 0:
        kind = "charge"
    elif code in REFUND_CODES:
        kind = "refund"
    elif code.startswith("T04") and gross < 0:
        kind = "payout"
    elif code.startswith("T01"):
        kind = "fee"
    return GatewayTxn(
        gateway=GATEWAY, gateway_id=txn_id, kind=kind, gross=gross, currency=currency,
        occurred_at=_when(row.get("Transaction Completion Date")
                          or row.need("Transaction Initiation Date")),
        status=STATUS.get(row.get("Transactional Status").upper(), "succeeded"),
        fee=fee if fee_currency == currency else None,
        order_ref=row.get("Invoice ID") or row.get("Custom Field") or None,
        payout_id=txn_id if kind == "payout" else None,
        related_id=related if kind in ("refund", "fee", "adjustment") else None,
        raw={"t_code": code, "report": FORMAT},
    )


def parse(name: str, data: bytes) -> SettlementReport:
    """Every ``SB`` record of a TRR/STL file; one `BadReport` lists all bad lines."""
    text, encoding = decode(data)
    rows = read_rows(text)
    columns: dict[str, int] | None = None
    collector, txns, warnings = Collector(name), [], []
    for number, cells in enumerate(rows, start=1):
        kind = cells[0].strip().upper() if cells else ""
        if kind == "CH":
            columns = {_norm(c): i for i, c in enumerate(cells) if c.strip()}
        elif kind == "SB":
            if columns is None:
                raise ReportError("SB record before the CH column header", file=name,
                                  line=number)
            row = _Row(cells, columns)
            txn = collector.run(number, lambda row=row: _record(row))
            if txn is not None:
                txns.append(txn)
            elif row.get("Transaction Event Code").upper().startswith(HOLD_PREFIXES):
                warnings.append(f"line {number}: hold/release "
                                f"{row.get('Transaction Event Code')} skipped")
    collector.raise_if_any()
    if columns is None:
        raise ReportError("no CH column header", file=name)
    return SettlementReport(file=name, format=FORMAT, encoding=encoding, txns=tuple(txns),
                            warnings=tuple(warnings))
