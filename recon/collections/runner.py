"""The reminder run: review promises, plan, record each reminder, deliver it, retry failures.

``run_dunning(factory, day, settings, actor=...)`` frames its own transactions: one to review
promises, one per reminder to record it (the unique (invoice, level) of ``reminder_item``
makes a concurrent run's duplicate fail there, and that reminder is skipped, not sent twice),
then each delivery outside any transaction followed by one to record its outcome. A failed
delivery is retried by later runs with back-off (5 min, 30 min, 2 h, 12 h) and given up
(``dead``) after ``max_attempts``; a bounce or opt-out suppresses the address so nothing more
goes to it. ``dry_run`` only plans (it may write the shipped
policies once). Returns a ``DunningResult`` for the run summary.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from recon import audit
from recon.collections.channels import Email, SendFailure, send_email, send_sms
from recon.collections.delivery import attachments_for
from recon.collections.messages import compose
from recon.collections.plan import Plan, PlannedReminder, build_plan
from recon.collections.policies import ensure_policies
from recon.collections.promises import review_promises, suppress
from recon.collections.settings import DunningSettings
from recon.collections.templates import TemplateProblem
from recon.customers.masking import address_hash
from recon.db.types import as_utc, utcnow
from recon.models import Customer, Reminder, ReminderItem, Suppression

__all__ = ["BACKOFF_MINUTES", "DunningResult", "deliver", "record", "retry_due", "run_dunning"]

log = logging.getLogger(__name__)
BACKOFF_MINUTES = (5, 30, 120, 720)


@dataclass
class DunningResult:
    plan: Plan
    recorded: list[int] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {"planned": len(self.plan.to_send),
                "held_reminders": len(self.plan.reminders) - len(self.plan.to_send),
                "held_invoices": len(self.plan.held), "recorded": len(self.recorded),
                **self.outcomes}


def run_dunning(factory: sessionmaker[Session], day: dt.date, settings: DunningSettings, *,
                actor: str, dry_run: bool = False,
                customer_ids: list[int] | None = None) -> DunningResult:
    """Plan the reminders of ``day`` and (unless ``dry_run``) send them; then retry failures."""
    with factory.begin() as session:
        ensure_policies(session, actor=actor)  # the shipped policies, once per database
        if not dry_run:
            review_promises(session, day, actor=actor)
    with factory() as session:
        plan = build_plan(session, day, customer_ids=customer_ids)
    result = DunningResult(plan)
    if dry_run:
        return result
    for planned in plan.to_send:
        if not settings.channel_ready(planned.channel):
            _count(result, "channel_not_configured")
            continue
        try:
            reminder_id = record(factory, planned, day, settings, actor=actor)
        except TemplateProblem as exc:
            log.warning("reminder for customer %s not recorded: %s", planned.customer_id, exc)
            _count(result, "template_error")
            continue
        if reminder_id is None:
            _count(result, "already_recorded")
            continue
        result.recorded.append(reminder_id)
        _count(result, deliver(factory, reminder_id, settings, actor=actor))
    for status in retry_due(factory, settings, actor=actor, exclude=set(result.recorded),
                            customer_ids=customer_ids):
        _count(result, f"retry_{status}")
    return result


def _count(result: DunningResult, key: str) -> None:
    result.outcomes[key] = result.outcomes.get(key, 0) + 1


def record(factory: sessionmaker[Session], planned: PlannedReminder, day: dt.date,
           settings: DunningSettings, *, actor: str) -> int | None:
    """Write the reminder and its items in one transaction; None when already recorded.

    Raises ``TemplateProblem`` when the template in force cannot render it (nothing written).
    """
    try:
        with factory.begin() as session:
            customer = session.get_one(Customer, planned.customer_id)
            link = settings.statement_link(customer.id, day.strftime("%Y-%m"))
            rendered = compose(session, customer, planned, statement_link=link)
            reminder = Reminder(
                customer_id=customer.id, level=planned.level, level_name=planned.level_name,
                channel=planned.channel, address=planned.address, language=planned.language,
                subject=rendered.subject,
                body_text=rendered.sms if planned.channel == "sms" else rendered.text,
                body_html=rendered.html if planned.channel == "email" else None,
                attach_statement=planned.attach_statement and planned.channel == "email",
                run_date=day, created_by=actor)
            session.add(reminder)
            session.flush()
            session.add_all(ReminderItem(reminder_id=reminder.id, invoice_id=i.invoice_id,
                                         level=planned.level, open_minor=i.open_minor,
                                         currency=i.currency) for i in planned.invoices)
            session.flush()
            audit.record(session, actor=actor, action="reminder.create", obj=reminder,
                         after={"customer": customer.external_id, "level": planned.level_name,
                                "channel": planned.channel, "invoices": [
                                    i.invoice_no for i in planned.invoices]})
            return reminder.id
    except IntegrityError:
        log.info("reminder for customer %s level %s already recorded", planned.customer_id,
                 planned.level)
        return None


def deliver(factory: sessionmaker[Session], reminder_id: int, settings: DunningSettings, *,
            actor: str) -> str:
    """Send one recorded reminder and record the outcome: sent, failed, dead or suppressed."""
    with factory() as session:
        reminder = session.get_one(Reminder, reminder_id)
        blocked = reminder.address and session.scalar(select(Suppression.id).where(
            Suppression.address.in_([reminder.address.strip().lower(),
                                     address_hash(reminder.address)])))
        files = attachments_for(session, reminder) if (
            reminder.attach_statement and not blocked) else ()
        session.expunge(reminder)
    try:
        if blocked:
            raise SendFailure("address suppressed (opt-out or bounce)", permanent=True)
        message_id = _send(reminder, files, settings)
    except SendFailure as exc:
        return _failed(factory, reminder_id, exc, settings, actor=actor)
    with factory.begin() as session:
        row = session.get_one(Reminder, reminder_id)
        row.status, row.message_id, row.sent_at = "sent", message_id, utcnow()
        row.attempts += 1
        row.error = row.next_attempt_at = None
        audit.record(session, actor=actor, action="reminder.sent", obj=row,
                     after={"message_id": message_id, "attempts": row.attempts})
    return "sent"


def _send(reminder: Reminder, files: tuple, settings: DunningSettings) -> str:
    if not reminder.address:
        raise SendFailure("no address", permanent=False)
    if reminder.channel == "sms":
        return send_sms(settings.twilio_api_base, settings.twilio_account_sid or "",
                        settings.twilio_auth_token or "", settings.sms_from or "",
                        reminder.address, reminder.body_text)
    return send_email(settings.smtp_url or "", Email(
        sender=settings.sender, to=reminder.address, subject=reminder.subject,
        text=reminder.body_text, html=reminder.body_html, attachments=tuple(files)))


def _failed(factory: sessionmaker[Session], reminder_id: int, exc: SendFailure,
            settings: DunningSettings, *, actor: str) -> str:
    with factory.begin() as session:
        row = session.get_one(Reminder, reminder_id)
        row.attempts += 1
        row.error = str(exc)[:1000]
        if exc.permanent and row.address:
            suppress(session, row.address, "opt_out" if row.channel == "sms" else "bounce",
                     detail=str(exc), actor=actor)
        if exc.permanent or row.attempts >= settings.max_attempts:
            row.status, row.next_attempt_at = "dead", None
        else:
            row.status = "failed"
            wait = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]
            row.next_attempt_at = utcnow() + dt.timedelta(minutes=wait)
        audit.record(session, actor=actor, action=f"reminder.{row.status}", obj=row,
                     after={"attempts": row.attempts, "error": row.error})
        return "suppressed" if exc.permanent else row.status


def retry_due(factory: sessionmaker[Session], settings: DunningSettings, *, actor: str,
              now: dt.datetime | None = None, exclude: set[int] | None = None,
              customer_ids: list[int] | None = None) -> list[str]:
    """Deliver again the failed reminders whose back-off has passed (of some customers)."""
    now = now or utcnow()
    stmt = select(Reminder).where(Reminder.status == "failed").order_by(Reminder.id)
    if customer_ids is not None:
        stmt = stmt.where(Reminder.customer_id.in_(customer_ids))
    with factory() as session:
        due = [r.id for r in session.scalars(stmt)
            if r.next_attempt_at is None or as_utc(r.next_attempt_at) <= now]
    return [deliver(factory, rid, settings, actor=actor) for rid in due
            if rid not in (exclude or set())]
