"""``recon credit ...``: recompute profiles, show one, override a tier, set a limit, export the
limits for the ERP, import FX rates, print the receivables KPIs.

Each changing command is one transaction (all or nothing) and audited by the service it calls;
expected failures end with a one-line error and exit code 1.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.cli.context import CliContext, pass_ctx
from recon.cli.output import output_file
from recon.credit import overrides
from recon.credit.config import CreditSettings
from recon.credit.export import LIMIT_COLUMNS, limit_rows, write_table
from recon.credit.fx import Converter, RateImportError, import_rates_csv, rates_on
from recon.credit.kpis import portfolio_kpis
from recon.credit.ledger import load_ledger
from recon.credit.profiles import recompute
from recon.credit.views import customer_credit
from recon.errors import ServiceError
from recon.models import Customer
from recon.money import from_minor

__all__ = ["credit", "resolve_customer"]

DAY = click.DateTime(["%Y-%m-%d"])


def resolve_customer(session: Session, ref: str) -> int:
    """A customer by its ERP id (``external_id``), else by its numeric id."""
    found = session.scalar(select(Customer.id).where(Customer.external_id == ref))
    if found is None and ref.isdigit() and session.get(Customer, int(ref)) is not None:
        found = int(ref)
    if found is None:
        raise click.ClickException(f"no customer {ref!r}")
    return found


def _day(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


@click.group()
def credit() -> None:
    """Payment behaviour, credit tiers, limits and holds, receivables KPIs."""


@credit.command("recompute")
@click.option("--as-of", type=DAY, help="Day the measures are taken on (default today).")
@pass_ctx
def recompute_cmd(obj: CliContext, as_of: dt.datetime | None) -> None:
    """Recompute every customer's measures, tier, suggested limit and hold."""
    with obj.session_factory.begin() as session:
        result = recompute(session, as_of=_day(as_of), actor=obj.actor,
                           settings=CreditSettings.from_env())
    click.echo(json.dumps(result.to_dict(), indent=1, default=str))


@credit.command("show")
@click.argument("customer")
@pass_ctx
def show_cmd(obj: CliContext, customer: str) -> None:
    """One customer's credit as JSON (the API's answer)."""
    cfg = CreditSettings.from_env()
    with obj.session_factory() as session:
        data = customer_credit(session, resolve_customer(session, customer),
                               today=dt.date.today(), base=cfg.base_currency)
    click.echo(json.dumps(data, indent=1, ensure_ascii=False))


@credit.command("override")
@click.argument("customer")
@click.option("--tier", type=click.Choice(["A", "B", "C", "D"]), help="Tier to put it in.")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@click.option("--until", type=DAY, help="Last day the override counts (default: no expiry).")
@click.option("--clear", is_flag=True, help="Remove the override instead.")
@pass_ctx
def override_cmd(obj: CliContext, customer: str, tier: str | None, reason: str,
                 until: dt.datetime | None, clear: bool) -> None:
    """Override a customer's tier (or --clear the override)."""
    cfg = CreditSettings.from_env()
    try:
        with obj.session_factory.begin() as session:
            cid = resolve_customer(session, customer)
            common = {"actor": obj.actor, "base": cfg.base_currency, "today": dt.date.today()}
            if clear:
                p = overrides.clear_override(session, cid, reason=reason, **common)
            elif tier is None:
                raise click.ClickException("give --tier or --clear")
            else:
                p = overrides.set_override(session, cid, tier=tier, reason=reason,
                                           until=until.date() if until else None, **common)
            click.echo(f"{customer}: tier {p.tier_on(dt.date.today()) or '-'}, "
                       f"hold {'yes' if p.hold else 'no'}")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc


@credit.command("limit")
@click.argument("customer")
@click.argument("amount", required=False)
@click.option("--reason", default="", help="Why (kept in the audit log).")
@click.option("--clear", is_flag=True, help="Back to the suggested limit.")
@pass_ctx
def limit_cmd(obj: CliContext, customer: str, amount: str | None, reason: str,
              clear: bool) -> None:
    """Set a manual credit limit in the base currency (or --clear it)."""
    cfg = CreditSettings.from_env()
    try:
        value = None if clear else Decimal(amount or "")
    except InvalidOperation as exc:
        raise click.ClickException(f"amount: not a number: {amount!r}") from exc
    try:
        with obj.session_factory.begin() as session:
            p = overrides.set_limit(session, resolve_customer(session, customer), amount=value,
                                    reason=reason, actor=obj.actor, base=cfg.base_currency,
                                    today=dt.date.today())
            limit = p.limit_in_force_minor
            click.echo(f"{customer}: limit {from_minor(limit, p.base_currency) if limit is not None else '-'} "  # noqa: E501
                       f"{p.base_currency}, hold {'yes' if p.hold else 'no'}")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc


@credit.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File (default stdout, CSV only).")
@pass_ctx
def export_cmd(obj: CliContext, fmt: str, output: Path | None) -> None:
    """Limits, exposure and holds per customer, for order entry in the ERP."""
    with obj.session_factory() as session:
        data = write_table(LIMIT_COLUMNS, limit_rows(session, today=dt.date.today()), fmt)
    if output is None:
        if fmt == "xlsx":
            raise click.ClickException("an XLSX export needs -o FILE")
        sys.stdout.write(data.decode("utf-8"))
        return
    with output_file(output, "wb") as out:
        out.write(data)


@credit.command("rates")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def rates_cmd(obj: CliContext, file: Path) -> None:
    """Import daily FX rates from a CSV: date,currency,rate[,base] (1 currency = rate base)."""
    cfg = CreditSettings.from_env()
    try:
        with obj.session_factory.begin() as session:
            count = import_rates_csv(session, file.name, file.read_bytes(),
                                     base=cfg.base_currency, actor=obj.actor)
    except RateImportError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{len(exc.problems)} bad line(s); nothing imported") from exc
    click.echo(f"imported {count} rate(s)")


@credit.command("kpis")
@click.option("--as-of", type=DAY, help="Day (default today).")
@pass_ctx
def kpis_cmd(obj: CliContext, as_of: dt.datetime | None) -> None:
    """DSO, countback DSO, CEI, average days delinquent, aging, 回款率 by month (JSON)."""
    cfg, day = CreditSettings.from_env(), _day(as_of)
    with obj.session_factory() as session:
        led = load_ledger(session)
        conv = Converter(led.currencies, rates_on(session, day, cfg.base_currency),
                         cfg.base_currency)
        k = portfolio_kpis(led, day, conv)
    click.echo(json.dumps(k.__dict__, indent=1, default=str, ensure_ascii=False))
