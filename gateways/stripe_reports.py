"""Stripe payout reconciliation / balance report CSV -> `GatewayTxn` records (leaf layer).

Reads the itemised reports (``payout_reconciliation.itemized.*``, ``balance.*``,
``ending_balance_reconciliation.itemized.*``) from the Dashboard or the Reporting API.  Amounts in
these reports are **major units** as decimal strings (unlike the API's minor units).  Each row is
one balance transaction; its reporting category gives the kind, and its id is chosen to meet the
webhook records: a charge row is keyed by its charge id, a refund by ``re_``, a dispute by
``dp_``, a payout by ``po_``.  Raises `UnknownReport` when the header is not found, `BadReport`
listing every bad row otherwise.  `payout_composition` checks Σ net == payout amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from gateways.errors import ReportError
from gateways.model import GatewayTxn, Kind
from gateways.money import parse_major
from gateways.tabular import Collector, SettlementReport, cell, decode, find_header, read_rows

GATEWAY = "stripe"
REQUIRED = ("balance_transaction_id", "currency", "gross", "fee", "net", "reporting_category")
KIND_BY_CATEGORY: Mapping[str, Kind] = {
    "charge": "charge", "refund": "refund", "refund_failure": "refund",
    "dispute": "dispute", "dispute_reversal": "dispute", "fee": "fee", "tax": "fee",
    "payout": "payout", "payout_reversal": "payout",
}
ORDER_COLUMNS = (
    "payment_metadata[invoice_no]", "payment_metadata[order_id]", "invoice_number",
)


def _err(message: str, field: str, value: object = None) -> ReportError:
    return ReportError(message, file="", field=field, value=value)


def _amount(row: Sequence[str], cols: dict[str, int], name: str, currency: str) -> Decimal:
    raw = cell(row, cols.get(name))
    try:
        return parse_major(raw, currency)
    except ValueError as exc:
        raise _err(str(exc), name, raw) from None


def _created(row: Sequence[str], cols: dict[str, int]) -> datetime | None:
    for name in ("created_utc", "created"):
        raw = cell(row, cols.get(name))
        if raw:
            try:
                return datetime.strptime(raw, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
            except ValueError:
                raise _err("expected YYYY-MM-DD HH:MM:SS", name, raw) from None
    return None


def identity(category: str, source: str, txn: str, charge: str = "") -> tuple[str, str]:
    """(gateway_id, status) for a balance transaction; falls back to its ``txn_`` id.

    Shared by the report parser and the API fetch so both meet the webhook records.
    """
    if category == "charge":
        return charge or source or txn, "succeeded"
    if category in ("refund", "dispute", "payout") and source:
        return source, "paid" if category == "payout" else "succeeded"
    if category == "payout_reversal" and source:
        return source, "failed"
    if category == "dispute_reversal" and source:
        return f"{source}:reversal", "won"
    return txn, "succeeded"


def parse_row(row: Sequence[str], cols: dict[str, int]) -> GatewayTxn:
    """One report row as a record; raises `ReportError` naming the bad field."""
    currency = cell(row, cols["currency"]).upper()
    if len(currency) != 3:
        raise _err("not an ISO currency", "currency", currency)
    category = cell(row, cols["reporting_category"])
    gross, fee, net = (_amount(row, cols, n, currency) for n in ("gross", "fee", "net"))
    if gross - fee != net:
        raise _err(f"gross {gross} - fee {fee} != net {net}", "net", str(net))
    gateway_id, status = identity(
        category, cell(row, cols.get("source_id")), cell(row, cols["balance_transaction_id"]),
        cell(row, cols.get("charge_id")),
    )
    if category == "payout_reversal":
        gross, fee, net = -gross, -fee, -net  # the failed payout itself, as payout.failed has it
    order = next((cell(row, cols.get(c)) for c in ORDER_COLUMNS if cell(row, cols.get(c))), None)
    kind = KIND_BY_CATEGORY.get(category, "adjustment")
    payout_id = cell(row, cols.get("automatic_payout_id")) or (
        gateway_id if kind == "payout" else None
    )
    payer = {k: cell(row, cols.get(f"customer_{k}")) for k in ("name", "email", "id")}
    return GatewayTxn(
        gateway=GATEWAY, gateway_id=gateway_id, kind=kind, gross=gross, fee=fee, net=net,
        currency=currency, occurred_at=_created(row, cols), status=status, order_ref=order,
        payout_id=payout_id,
        # what the row belongs to: a refund's or dispute's charge, else the payment intent
        related_id=(cell(row, cols.get("charge_id")) if kind in ("refund", "dispute") else "")
        or cell(row, cols.get("payment_intent_id")) or None,
        payer={k: v for k, v in payer.items() if v},
        raw={"balance_transaction_id": cell(row, cols["balance_transaction_id"]),
             "reporting_category": category},
    )


def parse(name: str, data: bytes) -> SettlementReport:
    """Parse a Stripe itemised report CSV."""
    text, encoding = decode(data)
    rows = read_rows(text)
    start, cols = find_header(rows, REQUIRED, file=name)
    collector, txns = Collector(name), []
    for index, row in enumerate(rows[start + 1:], start=start + 2):
        if not any(c.strip() for c in row):
            continue
        txn = collector.run(index, lambda row=row: parse_row(row, cols))
        if txn is not None:
            txns.append(txn)
    collector.raise_if_any()
    return SettlementReport(name, "stripe_report", encoding, tuple(txns))


@dataclass(frozen=True)
class PayoutComposition:
    """What one payout settled: its amount and the net of the transactions inside it."""

    payout_id: str
    currency: str
    amount: Decimal | None  # the payout's own amount (positive), when the payout row is present
    items_net: Decimal
    items: tuple[GatewayTxn, ...]

    @property
    def balanced(self) -> bool:
        """Σ net of the items equals the amount that reached (or should reach) the bank."""
        return self.amount is not None and self.items_net == self.amount


def payout_composition(txns: Iterable[GatewayTxn]) -> dict[str, PayoutComposition]:
    """Group records by payout id; the payout's own row gives the amount to compare with."""
    groups: dict[str, list[GatewayTxn]] = defaultdict(list)
    for txn in txns:
        if txn.payout_id:
            groups[txn.payout_id].append(txn)
    result = {}
    for payout_id, members in groups.items():
        own = [t for t in members if t.kind == "payout" and t.gateway_id == payout_id]
        items = tuple(t for t in members if all(t is not o for o in own))
        currency = (own or items)[0].currency
        net = sum((t.net if t.net is not None else t.gross for t in items), Decimal(0))
        result[payout_id] = PayoutComposition(
            payout_id, currency, -own[0].gross if own else None, net, items,
        )
    return result
