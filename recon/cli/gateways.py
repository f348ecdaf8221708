"""``recon gateways ...``: settlement imports, the webhook inbox, stored transactions, retries.

Commands: ``import FILE`` (Stripe report CSV, Alipay bill zip/CSV, WeChat Pay bill or personal
export; one transaction), ``events [--status S] [--json]``, ``transactions [--json]``,
``retry [--all]`` (pending events, each in its own transaction; exit 1 if any still fails;
``--all`` also the dead-lettered ``failed`` ones), ``fetch-payout PAYOUT_ID`` (Stripe API,
needs ``STRIPE_API_KEY``) and ``accounts add|list`` (merchant accounts side by side,
`recon.gateway.accounts`). Events are processed by Celery workers (``recon worker``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gateways import GatewayError, ReportError
from recon.cli.context import CliContext, pass_ctx
from recon.errors import ServiceError
from recon.gateway import accounts as gateway_accounts
from recon.gateway import events as gateway_events
from recon.gateway import reports as gateway_reports
from recon.models import GatewayAccount, GatewayEvent, GatewayTransaction

__all__ = ["gateways"]


@click.group()
def gateways() -> None:
    """Payment gateways: settlement files, webhook events and transactions."""


@gateways.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_cmd(obj: CliContext, file: Path) -> None:
    """Import a settlement file; rows already known (same gateway id) are merged, not doubled."""
    if file.stat().st_size > obj.settings.max_upload_bytes:
        raise click.ClickException(f"{file}: larger than {obj.settings.max_upload_bytes} bytes")
    try:
        with obj.session_factory.begin() as session:
            summary = gateway_reports.import_report(
                session, file.name, file.read_bytes(), actor=obj.actor
            )
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(summary.summary())
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)


def _event_json(row: GatewayEvent) -> dict[str, Any]:
    return {
        "id": row.id, "gateway": row.gateway, "event_id": row.event_id, "type": row.event_type,
        "status": row.status, "attempts": row.attempts, "exception": row.exception,
        "last_error": row.last_error, "received_at": row.received_at.isoformat(),
        "processed_at": row.processed_at.isoformat() if row.processed_at else None,
    }


@gateways.command("events")
@click.option("--status", type=click.Choice(["pending", "processed", "failed"]))
@click.option("--gateway", type=click.Choice(sorted(gateway_events.NORMALIZERS)))
@click.option("--limit", type=int, default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
@pass_ctx
def events_cmd(obj: CliContext, status: str | None, gateway: str | None, limit: int,
               as_json: bool) -> None:
    """List stored webhook events, newest first."""
    with obj.session_factory() as session:
        rows = gateway_events.list_events(session, status=status, gateway=gateway, limit=limit)
        data = [_event_json(r) for r in rows]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for e in data:
        flag = f" !{e['exception']}" if e["exception"] else ""
        click.echo(f"{e['id']:>6} {e['gateway']:<9} {e['status']:<9} {e['type']:<28} "
                   f"{e['event_id']}{flag}")


def _txn_json(row: GatewayTransaction) -> dict[str, Any]:
    return {
        "id": row.id, "gateway": row.gateway, "gateway_id": row.gateway_id, "kind": row.kind,
        "status": row.status, "gross": str(row.gross), "fee": str(row.fee),
        "fee_known": bool((row.raw or {}).get("fee_known")), "net": str(row.net),
        "currency": row.currency, "occurred_at": row.occurred_at.isoformat(),
        "order_ref": row.order_ref, "payout_id": row.payout_id, "source": row.source,
        "allocated": str(row.allocated),
    }


@gateways.command("transactions")
@click.option("--gateway", type=click.Choice(sorted(gateway_events.NORMALIZERS)))
@click.option("--kind", type=click.Choice(["charge", "refund", "fee", "dispute", "payout",
                                           "adjustment"]))
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
@pass_ctx
def transactions_cmd(obj: CliContext, gateway: str | None, kind: str | None,
                     as_json: bool) -> None:
    """List normalised gateway transactions, oldest first."""
    query = select(GatewayTransaction).order_by(GatewayTransaction.occurred_at,
                                                GatewayTransaction.id)
    if gateway:
        query = query.where(GatewayTransaction.gateway == gateway)
    if kind:
        query = query.where(GatewayTransaction.kind == kind)
    with obj.session_factory() as session:
        data = [_txn_json(r) for r in session.scalars(query)]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for t in data:
        click.echo(f"{t['gateway']:<9} {t['kind']:<10} {t['status']:<10} {t['gross']:>14} "
                   f"{t['currency']} {t['gateway_id']} {t['order_ref'] or ''}")


@gateways.command("retry")
@click.option("--all", "include_failed", is_flag=True, help="Also retry events marked failed.")
@pass_ctx
def retry_cmd(obj: CliContext, include_failed: bool) -> None:
    """Process pending webhook events again (each in its own transaction)."""
    report = gateway_events.retry_pending(obj.session_factory, actor=obj.actor,
                                          include_failed=include_failed)
    click.echo(f"{report.processed} processed, {report.failed} still failing")
    for line in report.errors:
        click.echo(line, err=True)
    if report.failed:
        raise SystemExit(1)


@gateways.command("fetch-payout")
@click.argument("payout_id")
@pass_ctx
def fetch_payout_cmd(obj: CliContext, payout_id: str) -> None:
    """Fetch a Stripe payout's balance transactions (fees, composition) through the API."""
    from gateways.stripe_api import make_client, payout_transactions

    key = obj.settings.gateways.stripe_api_key
    if not key:
        raise click.ClickException("STRIPE_API_KEY is not set")
    try:
        txns = payout_transactions(make_client(key), payout_id)
    except GatewayError as exc:
        raise click.ClickException(str(exc)) from exc
    with obj.session_factory.begin() as session:
        summary = gateway_reports.fetch_payout(session, txns, payout_id, actor=obj.actor)
    click.echo(summary.summary())


@gateways.group("accounts")
def accounts_group() -> None:
    """Merchant accounts side by side (several Stripe accounts, Alipay apps, WeChat merchants)."""


@accounts_group.command("add")
@click.argument("gateway", type=click.Choice(sorted(gateway_accounts.FIELDS)))
@click.argument("account_id")
@click.option("--set", "values", multiple=True, metavar="FIELD=VALUE",
              help="a credential; secrets only as env:NAME or file:/path")
@click.option("--label")
@click.option("--currency", help="default currency (ISO 4217)")
@click.option("--payout-account", type=int, help="bank_account id the payouts arrive on")
@pass_ctx
def accounts_add_cmd(obj: CliContext, gateway: str, account_id: str, values: tuple[str, ...],
                     label: str | None, currency: str | None,
                     payout_account: int | None) -> None:
    """Add an account; it is verified side by side with the others from the next start."""
    creds = dict(v.split("=", 1) for v in values if "=" in v)
    if len(creds) != len(values):
        raise click.ClickException("--set takes FIELD=VALUE")
    try:
        with obj.session_factory.begin() as session:
            row = gateway_accounts.add_account(
                session, gateway=gateway, account_id=account_id, credentials=creds,
                actor=obj.actor, label=label, default_currency=currency,
                payout_bank_account_id=payout_account)
            click.echo(f"added {gateway} account {row.account_id} (id {row.id})")
    except (ServiceError, IntegrityError) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None


@accounts_group.command("list")
@pass_ctx
def accounts_list_cmd(obj: CliContext) -> None:
    """Configured accounts (credential field names only, never values)."""
    with obj.session_factory() as session:
        for row in session.scalars(select(GatewayAccount).order_by(GatewayAccount.id)):
            click.echo(f"{row.gateway:<10} {row.account_id:<24} "
                       f"{'active' if row.active else 'inactive':<8} "
                       f"{row.default_currency or '-':<4} {','.join(sorted(row.credentials))}")
