"""The queue items of money that went back (service): raised where it happens, closed by a person.

A refund, chargeback or bank return that reopens an invoice the receipt already paid raises (or
reopens) the receipt's ``refunded_after_payment`` item, with the amount the invoices reopened by;
a bank return whose credit is not found raises an ``unidentified_return`` item on the return
line. One item per receipt and cause (``MoneyBackItem.receipt_key``), so repeated events move
its amount and never add a second item. The caller holds the receipt's row lock (the reversal
services take it), which serialises the item's insert. A person closes an item (re-invoiced,
written off, dismissed) with a note; the money coming back closes it by itself. Never commits;
every change is audited. Raises ``NotFound`` / ``InvariantError`` for a bad close.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon import audit
from recon.db.types import utcnow
from recon.errors import Code, Codes, InvariantError, NotFound
from recon.models import GatewayTransaction, MoneyBackItem, StatementLine

__all__ = ["PERSON_RESOLUTIONS", "close", "items_of", "raise_item", "receipt_key", "reduce"]

PERSON_RESOLUTIONS = ("reinvoiced", "written_off", "dismissed")
"""What a person may say they did about an item (``MONEY_BACK_RESOLUTIONS`` also holds the
automatic ``restored`` and ``linked``)."""
_Receipt = GatewayTransaction | StatementLine


def receipt_key(receipt: _Receipt) -> str:
    """``line-<id>`` or ``charge-<id>``: the queue's own item key."""
    return f"{'line' if isinstance(receipt, StatementLine) else 'charge'}-{receipt.id}"


def _item(session: Session, receipt: _Receipt, cause: str) -> MoneyBackItem | None:
    return session.scalars(select(MoneyBackItem).filter_by(
        receipt_key=receipt_key(receipt), cause=cause).with_for_update()).first()


def raise_item(session: Session, receipt: _Receipt, cause: str, amount_minor: int, *,
               detail: str, actor: str) -> MoneyBackItem:
    """Add ``amount_minor`` to the receipt's item of ``cause`` and (re)open it."""
    item = _item(session, receipt, cause)
    before = None
    if item is None:
        fk = ({"statement_line_id": receipt.id} if isinstance(receipt, StatementLine)
              else {"gateway_txn_id": receipt.id})
        item = MoneyBackItem(receipt_key=receipt_key(receipt), cause=cause, status="open",
                             amount_minor=0, currency=receipt.currency, **fk)
        session.add(item)
    else:
        before = {"status": item.status, "amount_minor": item.amount_minor}
    item.amount_minor += max(amount_minor, 0)
    item.status, item.detail = "open", detail[:2000] or None
    item.closed_at = item.closed_by = item.resolution = None
    session.flush()
    audit.record(session, actor=actor, action="money_back.raised", obj=item, before=before,
                 after={"cause": cause, "amount_minor": item.amount_minor, "detail": detail})
    return item


def reduce(session: Session, receipt: _Receipt, cause: str, amount_minor: int, *,
           actor: str, resolution: str = "restored") -> None:
    """The money came back (or the return found its credit): lower the item, closing it at 0."""
    item = _item(session, receipt, cause)
    if item is None or amount_minor <= 0:
        return
    before = {"status": item.status, "amount_minor": item.amount_minor}
    item.amount_minor = max(0, item.amount_minor - amount_minor)
    if item.amount_minor == 0 and item.status == "open":
        item.status, item.resolution = "closed", resolution
        item.closed_at, item.closed_by = utcnow(), actor
    audit.record(session, actor=actor, action="money_back.reduced", obj=item, before=before,
                 after={"status": item.status, "amount_minor": item.amount_minor})


def close(session: Session, item_id: int, *, resolution: str, note: str, actor: str
          ) -> MoneyBackItem:
    """A person cleared the item: what they did (``PERSON_RESOLUTIONS``) and why, in words."""
    if resolution not in PERSON_RESOLUTIONS:
        raise InvariantError("resolution must be one of %(choices)s", code="bad_resolution",
                             choices=Codes.of(PERSON_RESOLUTIONS))
    if not note.strip():
        raise InvariantError("say in a note what was done (e.g. the new invoice number)",
                             code="note_required")
    item = session.get(MoneyBackItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound("money-back item %(id)s does not exist", code="not_found", id=item_id)
    if item.status != "open":
        raise InvariantError("the item was already closed (%(resolution)s)",
                             code="already_closed", resolution=Code(item.resolution or ""))
    item.status, item.resolution, item.note = "closed", resolution, note.strip()[:2000]
    item.closed_at, item.closed_by = utcnow(), actor
    audit.record(session, actor=actor, action="money_back.closed", obj=item,
                 before={"status": "open"}, after={"resolution": resolution, "note": item.note})
    return item


def items_of(session: Session, kind: str, receipt_id: int) -> list[MoneyBackItem]:
    """The items of one queue receipt (``line``/``charge``), open ones first."""
    rows = session.scalars(select(MoneyBackItem).filter_by(
        receipt_key=f"{kind}-{receipt_id}").order_by(MoneyBackItem.id)).all()
    return sorted(rows, key=lambda i: i.status != "open")
