"""``recon demo``: the whole product on a fresh SQLite database in ./demo, in well under a minute.

Steps: a fresh database (migrated) -> the ERP's open invoices (customers in English and
Chinese) -> a few months of payment history for the credit tiers -> Stripe and Alipay
webhooks signed with throw-away demo keys and posted through the
real webhook endpoints -> a camt.053 (EUR) and an OFX (USD) statement and a Stripe payout
report dropped into the inbox -> the daily run (``recon run``: import, match, reports) -> a
demo user -> the web UI on localhost with its URL and login printed (``--no-serve`` stops
before serving, for tests and scripts).
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import socket
import time
from pathlib import Path
from typing import Any

import click

from recon.cli.context import CliContext
from recon.config import AppSettings
from recon.db.migrate import upgrade
from recon.invoices.imports import import_invoices
from recon.run.daily import RunResult, daily_run
from recon.run.settings import RunSettings
from recon.samples.demo_data import scenario
from recon.samples.demo_gateways import deliveries, demo_keys, gateway_env, post_all

__all__ = ["demo"]

DEMO_USER = "demo"


@click.command()
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo"),
    show_default=True,
    help="Where the demo database, inbox and reports go.",
)
@click.option(
    "--port",
    type=int,
    default=8000,
    show_default=True,
    help="Port of the web UI (the next free one if taken).",
)
@click.option("--no-serve", is_flag=True, help="Build the demo and stop (do not start the UI).")
def demo(folder: Path, port: int, no_serve: bool) -> None:
    """Build a complete demo (data, webhooks, daily run, reports, user) and open the UI."""
    started = time.monotonic()
    keys = demo_keys()
    settings = _fresh(folder, gateway_env(keys))
    obj = CliContext(settings=settings, actor_name="demo")
    try:
        upgrade(obj.engine)
        files = scenario(dt.date.today())
        _step("invoices", _import_invoices(obj, files.files.pop("invoices-erp.csv")))
        _step("credit", _credit_history(obj))
        _step("pay link", _pay_link(obj))
        app = _app(settings)
        for label, status in post_all(app.test_client(), deliveries(keys, dt.date.today())):
            _step("webhook", f"{label}: HTTP {status}")
        _drop(settings.inbox_dir, files.files)
        result = _run(obj, settings)
        password = _user(obj)
    finally:
        obj.close()
    click.echo(result.text)
    click.echo(
        f"\ndemo built in {time.monotonic() - started:.1f} s: database "
        f"{folder / 'recon-demo.db'}, reports {result.summary.get('report_dir')}"
    )
    try:
        _serve(app, port, password, no_serve)
    finally:
        # the UI's pooled connections would otherwise outlive the demo database file, which
        # the next `recon demo` in this process deletes (SQLite: "disk I/O error")
        app.extensions["recon.engine"].dispose()


def _fresh(folder: Path, extra: dict[str, str]) -> AppSettings:
    """Settings for a fresh demo folder (the previous demo's files are removed)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("inbox", "reports"):
        shutil.rmtree(folder / name, ignore_errors=True)
    for name in ("recon-demo.db", "recon-demo.db-journal", "recon-demo.db.runlock"):
        (folder / name).unlink(missing_ok=True)
    base = AppSettings.from_env(database_url=f"sqlite:///{(folder / 'recon-demo.db').resolve()}")
    return base.with_(
        environment="demo",
        inbox_dir=(folder / "inbox").resolve(),
        reports_dir=(folder / "reports").resolve(),
        extra=extra,
        smtp_url=None,
        report_email=None,
    )


def _step(what: str, text: str) -> None:
    click.echo(f"[{what}] {text}")


def _import_invoices(obj: CliContext, data: bytes) -> str:
    with obj.session_factory.begin() as session:
        report = import_invoices(session, "invoices-erp.csv", data, actor="erp-export")
    return report.summary()


def _credit_history(obj: CliContext) -> str:
    from recon.samples.demo_credit import seed_history

    with obj.session_factory.begin() as session:
        count = seed_history(session, dt.date.today())
    return f"{count} paid invoices of payment history, one manual credit limit"


def _pay_link(obj: CliContext) -> str:
    from sqlalchemy import select

    from recon.models import Invoice
    from recon.paylinks.create import register_link
    from recon.samples.demo_collections import PAYMENT_LINK

    number, external_id, url = PAYMENT_LINK
    with obj.session_factory.begin() as session:
        invoice = session.scalars(select(Invoice).filter_by(invoice_no=number)).one()
        register_link(session, invoice.id, "stripe", external_id, url, actor="demo")
    return f"{number}: {url}"


def _app(settings: AppSettings) -> Any:
    from web import create_app

    return create_app({"RECON_SETTINGS": settings})


def _drop(inbox: Path, files: dict[str, bytes]) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (inbox / name).write_bytes(data)
        _step("inbox", f"{name} ({len(data)} bytes)")


def _run(obj: CliContext, settings: AppSettings) -> RunResult:
    options = RunSettings.from_env(settings, run_date=dt.date.today())
    click.echo("[run] recon run: import inbox, retry gateway events, match, report ...")
    return daily_run(
        obj.session_factory, obj.engine, options, actor="cron", max_bytes=settings.max_upload_bytes
    )


def _user(obj: CliContext) -> str:
    from recon.access.users import create_user

    password = secrets.token_urlsafe(12)
    with obj.session_factory.begin() as session:
        create_user(session, DEMO_USER, password, role="admin", actor="demo")
    return password


def _free_port(port: int) -> int:
    for candidate in [port, *range(port + 1, port + 50)]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return candidate
    return 0


def _serve(app: Any, port: int, password: str, no_serve: bool) -> None:
    chosen = _free_port(port)
    url = f"http://127.0.0.1:{chosen}/"
    click.echo(f"\nweb UI: {url}\nlogin:  {DEMO_USER} / {password}")
    if no_serve:
        click.echo("(--no-serve: not starting the web UI)")
        return
    click.echo("press Ctrl+C to stop")
    app.run(host="127.0.0.1", port=chosen, debug=False, use_reloader=False)
