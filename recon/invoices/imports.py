"""Invoice import, layer 2: upsert validated rows by ``invoice_no`` in the caller's transaction.

Importing again updates open invoices and never duplicates; an invoice missing from a later
export stays; an invoice that is already (partly) settled never silently changes its amount or
currency: such a row is reported as a conflict, like any other bad row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.base import paused_gc
from recon import audit
from recon.customers.master import apply_import_contact
from recon.db.bulkwrite import insert_ids, insert_rows
from recon.errors import ServiceError
from recon.invoices.rows import InvoiceRow, RowError, parse_invoice_file
from recon.models import Customer, Invoice
from recon.money import from_minor

__all__ = ["InvoiceImportError", "InvoiceImportReport", "import_invoices"]

_CHUNK = 500


class InvoiceImportError(ServiceError):
    """The file has bad rows and ``skip_bad`` was not given: nothing was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        shown = "\n".join(f"  {e}" for e in self.errors[:20])
        more = f"\n  ... and {len(self.errors) - 20} more" if len(self.errors) > 20 else ""
        super().__init__(f"{len(self.errors)} problem(s), nothing imported:\n{shown}{more}")


@dataclass
class InvoiceImportReport:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    customers_created: int = 0
    rejected: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.file}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected"
        )


def import_invoices(
    session: Session, name: str, data: bytes, *, actor: str, skip_bad: bool = False
) -> InvoiceImportReport:
    """Validate the whole file, then upsert; raises ``InvoiceImportError`` on bad rows."""
    with paused_gc():  # a few objects a row, none cyclic: see ``importers.base.paused_gc``
        return _import(session, name, data, actor=actor, skip_bad=skip_bad)


def _import(session: Session, name: str, data: bytes, *, actor: str, skip_bad: bool
            ) -> InvoiceImportReport:
    rows, errors = parse_invoice_file(name, data)
    if any(e.row is None for e in errors):
        raise InvoiceImportError(errors)
    existing = _load_existing(session, [r.invoice_no for r in rows])
    conflicts = [c for r in rows if (c := _conflict(name, r, existing.get(r.invoice_no)))]
    errors += conflicts
    if errors and not skip_bad:
        raise InvoiceImportError(sorted(errors, key=lambda e: e.row or 0))
    bad_rows = {e.row for e in errors}
    report = InvoiceImportReport(file=name, rejected=sorted(errors, key=lambda e: e.row or 0))
    customers = _customers(session, [r for r in rows if r.row not in bad_rows], actor, report)
    new: list[dict[str, object]] = []
    for row in rows:
        if row.row not in bad_rows:
            _upsert(
                session,
                row,
                existing.get(row.invoice_no),
                customers[row.customer_id],
                actor,
                report,
                new,
            )
    _insert(session, new, actor)
    audit.record(
        session,
        actor=actor,
        action="invoices.import",
        object_type="file",
        object_id=name[:64],
        after=report.__dict__ | {"rejected": len(report.rejected)},
    )
    session.flush()
    return report


def _load_existing(session: Session, numbers: list[str]) -> dict[str, Invoice]:
    found: dict[str, Invoice] = {}
    if session.scalar(select(Invoice.id).limit(1)) is None:
        return found  # the first import: no query per 500 numbers (a second of CPU at 100k)
    for start in range(0, len(numbers), _CHUNK):
        chunk = numbers[start : start + _CHUNK]
        for inv in session.scalars(select(Invoice).where(Invoice.invoice_no.in_(chunk))):
            found[inv.invoice_no] = inv
    return found


def _conflict(name: str, row: InvoiceRow, invoice: Invoice | None) -> RowError | None:
    if invoice is None:
        return None
    settled = invoice.paid_minor + invoice.adjusted_minor
    if row.currency != invoice.currency and settled:
        return RowError(
            name,
            row.row,
            "currency",
            f"invoice {row.invoice_no} is {invoice.status}; "
            f"its currency cannot change from {invoice.currency} to {row.currency}",
            row.raw,
        )
    if row.amount_minor != invoice.amount_minor and settled:
        old = from_minor(invoice.amount_minor, invoice.currency)
        new = from_minor(row.amount_minor, row.currency)
        if invoice.status == "paid" or row.amount_minor < settled:
            return RowError(
                name,
                row.row,
                "amount",
                f"invoice {row.invoice_no} is "
                f"{invoice.status}; amount change {old} → {new} refused",
                row.raw,
            )
    return None


def _customers(
    session: Session, rows: Iterable[InvoiceRow], actor: str, report: InvoiceImportReport
) -> dict[str, int]:
    """Customer ids by external id: existing ones renamed (audited), new ones inserted in bulk."""
    rows = list(rows)
    wanted = {r.customer_id: r.customer_name for r in rows}
    found: dict[str, Customer] = {}
    ids = list(wanted)
    for start in range(0, len(ids), _CHUNK):
        stmt = select(Customer).where(Customer.external_id.in_(ids[start : start + _CHUNK]))
        found.update({c.external_id: c for c in session.scalars(stmt)})
    new = []
    for external_id, name in wanted.items():
        customer = found.get(external_id)
        if customer is None:
            new.append({"external_id": external_id, "name": name})
        elif customer.name != name:
            audit.record(
                session,
                actor=actor,
                action="customer.rename",
                obj=customer,
                before={"name": customer.name},
                after={"name": name},
            )
            customer.name = name
    session.flush()
    report.customers_created += len(new)
    by_id = {c.external_id: c.id for c in found.values()}
    by_id.update(zip((c["external_id"] for c in new),
                     insert_ids(session, Customer.__table__, new), strict=True))  # fmt: skip
    for row in rows:
        if row.contact:
            customer = found.get(row.customer_id) or session.get(Customer, by_id[row.customer_id])
            apply_import_contact(session, customer, row.contact, actor=actor)
    return by_id


def _upsert(
    session: Session,
    row: InvoiceRow,
    invoice: Invoice | None,
    customer_id: int,
    actor: str,
    report: InvoiceImportReport,
    new: list[dict[str, object]],
) -> None:
    """Update `invoice` in place, or add the row to `new` (inserted by `_insert`)."""
    values = {
        "customer_id": customer_id,
        "amount_minor": row.amount_minor,
        "currency": row.currency,
        "issue_date": row.issue_date,
        "due_date": row.due_date,
        "meta": row.meta,
    }
    if invoice is None:
        new.append({"invoice_no": row.invoice_no, **values})
        report.created += 1
        return
    before = {k: getattr(invoice, k) for k in values}
    if before == values:
        report.unchanged += 1
        return
    for key, value in values.items():
        setattr(invoice, key, value)
    invoice.refresh_status()
    report.updated += 1
    audit.record(
        session,
        actor=actor,
        action="invoice.update",
        object_type="invoice",
        object_id=row.invoice_no,
        before=before,
        after=values,
    )


def _insert(session: Session, new: list[dict[str, object]], actor: str) -> None:
    """New invoices with one executemany (no ORM row each) and their ``invoice.create`` rows."""
    if not new:
        return
    insert_rows(session, Invoice.__table__, new)
    audit.record_many(session, _create_events(new, actor), plain=True)


def _create_events(new: list[dict[str, object]], actor: str) -> list[dict[str, object]]:
    """The ``invoice.create`` events of `new`, already JSON values (what ``audit.jsonable``
    makes of them: dates as ISO text, one text per distinct day), so `record_many` stores them
    as given instead of walking every value of 100,000 rows."""
    days: dict[object, str | None] = {None: None}

    def iso(day: object) -> str | None:
        found = days.get(day, days)
        if found is days:
            found = days[day] = day.isoformat()  # type: ignore[attr-defined]
        return found  # type: ignore[return-value]

    return [{"actor": actor, "action": "invoice.create", "object_type": "invoice",
             "object_id": v["invoice_no"],
             "after": {"customer_id": v["customer_id"], "amount_minor": v["amount_minor"],
                       "currency": v["currency"], "issue_date": iso(v["issue_date"]),
                       "due_date": iso(v["due_date"]), "meta": v["meta"]}}
            for v in new]  # fmt: skip
