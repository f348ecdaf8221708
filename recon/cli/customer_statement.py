"""``recon statements customer CUSTOMER --period YYYY-MM`` (CLI edge of customer statements).

Registered on the ``recon statements`` group; the renderers (Jinja2, openpyxl, WeasyPrint, the
QR library) are imported when the command runs, so ``recon statements import`` stays quick.
"""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from recon.cli.context import CliContext, pass_ctx
from recon.cli.output import output_file
from recon.errors import ServiceError
from recon.models import Customer

__all__ = ["customer_statement"]


@click.command("customer")
@click.argument("customer")
@click.option("--period", required=True, metavar="YYYY-MM", help="The month of the statement.")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "xlsx"]), default="html",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: statement-CUSTOMER-PERIOD.FORMAT).")
@pass_ctx
def customer_statement(obj: CliContext, customer: str, period: str, fmt: str,
                       output: Path | None) -> None:
    """Statement of account (对账单) of CUSTOMER (its external id) for a month."""
    from recon.collections.delivery import statement_html
    from recon.customer_statements import build_statement, parse_period
    from recon.customer_statements.render import to_pdf, to_xlsx

    try:
        start, end = parse_period(period)
    except ServiceError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from exc
    with obj.session_factory() as session:
        row = session.scalar(select(Customer).filter_by(external_id=customer))
        if row is None:
            raise click.ClickException(f"no customer {customer!r}")
        if fmt == "xlsx":
            data = to_xlsx(build_statement(session, row, start, end), language=row.language)
        else:
            html = statement_html(session, row, period)
            data = to_pdf(html) if fmt == "pdf" else html.encode()
    target = output or Path(f"statement-{customer}-{period}.{fmt}")
    with output_file(target, "wb") as out:
        out.write(data)
    click.echo(f"wrote {target}")
