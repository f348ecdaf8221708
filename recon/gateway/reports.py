"""Import a gateway settlement file (Stripe report, Alipay/WeChat bill or export) (service layer).

`import_report(session, name, data, actor=...)` parses with `gateways.parse_report` and upserts
every record through `gateway_txns.upsert`, so a row the webhooks already stored (same gateway,
kind and id) is merged -- the report adds the fee and the payout id -- rather than duplicated, and
importing the same file twice changes nothing.  Succeeded charges naming an open invoice of the
same amount settle it.  Raises `gateways.ReportError` (file, line, field) before writing anything.
`fetch_payout` does the same with the balance transactions the Stripe API lists for a payout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from gateways import GatewayTxn, SettlementReport, parse_report
from recon import audit
from recon.gateway import reversals as gateway_reversals
from recon.gateway import txns as gateway_txns

__all__ = ["ImportSummary", "fetch_payout", "import_report", "store_records"]


@dataclass
class ImportSummary:
    file: str
    format: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    settled: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.file} ({self.format}): {self.created} new, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.settled} invoice(s) settled"
                + (f"; {len(self.warnings)} warning(s)" if self.warnings else ""))


def store_records(
    session: Session, txns: Iterable[GatewayTxn], summary: ImportSummary, *, source: str,
    actor: str,
) -> ImportSummary:
    """Upsert records and settle the invoices they name; counts go into `summary`."""
    for txn in txns:
        result = gateway_txns.upsert(session, txn, source=source, actor=actor)
        if result.created:
            summary.created += 1
        elif result.changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
        allocated = result.row.allocated_minor
        if gateway_txns.settle(session, result.row, actor=actor) is None and (
            result.row.allocated_minor > allocated
        ):
            summary.settled += 1
        gateway_reversals.reconcile(session, result.row, actor=actor)
    return summary


def import_report(session: Session, name: str, data: bytes, *, actor: str) -> ImportSummary:
    """Parse and store one settlement file in the caller's transaction."""
    report: SettlementReport = parse_report(name, data)
    summary = ImportSummary(file=name, format=report.format, warnings=list(report.warnings))
    store_records(session, report.txns, summary, source="report", actor=actor)
    audit.record(session, actor=actor, action="gateway_report.import",
                 object_type="gateway_report", object_id=name[:64],
                 after={"format": report.format, "created": summary.created,
                        "updated": summary.updated, "warnings": summary.warnings[:20]})
    return summary


def fetch_payout(
    session: Session, txns: Iterable[GatewayTxn], payout_id: str, *, actor: str
) -> ImportSummary:
    """Store the balance transactions fetched from the Stripe API for one payout."""
    summary = ImportSummary(file=payout_id, format="stripe_api")
    return store_records(session, txns, summary, source="api", actor=actor)
