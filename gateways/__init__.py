"""Payment gateways (leaf package): verified webhooks and settlement files in, plain records out.

Imports nothing of ours.  Webhook verifiers (`stripe`, `alipay`, `wechatpay`) turn a raw HTTP
delivery into a `VerifiedEvent` or raise `WebhookRejected`; `normalize` functions turn an event
into `GatewayTxn` records; `reports.parse_report` reads Stripe reports and Alipay/WeChat bills;
`stripe_api.payout_transactions` fetches a payout's balance transactions when a key is set.
"""

from gateways.errors import (
    BadReport,
    GatewayApiError,
    GatewayError,
    ReportError,
    UnknownReport,
    UnsafeArchive,
    WebhookRejected,
)
from gateways.model import KINDS, GatewayTxn, Kind, VerifiedEvent, merge
from gateways.reports import parse_report
from gateways.tabular import SettlementReport

__all__ = [
    "KINDS",
    "BadReport",
    "GatewayApiError",
    "GatewayError",
    "GatewayTxn",
    "Kind",
    "ReportError",
    "SettlementReport",
    "UnknownReport",
    "UnsafeArchive",
    "VerifiedEvent",
    "WebhookRejected",
    "merge",
    "parse_report",
]
