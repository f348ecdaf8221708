"""``recon forecast show`` and ``recon forecast backtest --as-of DAY``: the cash-collection
forecast for the next 13 weeks, and how the same forecast made on a past day did against what
arrived, beside two naive baselines."""

from __future__ import annotations

import datetime as dt

import click

from recon.cli.context import CliContext, pass_ctx
from recon.credit.config import CreditSettings
from recon.forecast.calibrate import Calibration
from recon.forecast.service import forecast, run_backtest
from recon.money import from_minor

__all__ = ["forecast_group"]


def _amount(value: float, currency: str) -> str:
    return f"{from_minor(round(float(value)), currency):,}"


@click.group("forecast")
def forecast_group() -> None:
    """Cash-collection forecast."""


@forecast_group.command("show")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Day (default today).")
@pass_ctx
def show_cmd(obj: CliContext, as_of: dt.datetime | None) -> None:
    """Expected receipts per week in the base currency, with the 80 % band."""
    cfg = CreditSettings.from_env()
    with obj.session_factory() as session:
        fc = forecast(session, as_of=as_of.date() if as_of else dt.date.today(), settings=cfg)
    c, cur = fc.base_curve, fc.base
    click.echo(f"{fc.open_invoices} open invoice(s); amounts in {cur}")
    for w, start in enumerate(fc.weeks):
        click.echo(f"{start}  {_amount(c.weekly[w], cur):>16}  "
                   f"[{_amount(c.low[w], cur)} - {_amount(c.high[w], cur)}]")
    click.echo(f"later or never: {_amount(c.later, cur)}")
    click.echo(_band_note(fc.calibration))


def _band_note(cal: Calibration) -> str:
    if not cal.calibrated:
        return "80 % band: simulated only (too little history to calibrate it)"
    return (f"80 % band: simulated, widened x{cal.factor:.2f} from {len(cal.origins)} earlier "
            f"month-end(s) {cal.origins[0]}..{cal.origins[-1]} (raw band covered "
            f"{cal.raw_coverage:.0%} of their weeks)")


@forecast_group.command("backtest")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="The past day to forecast from.")
@click.option("--weeks", type=click.IntRange(1, 26), default=13, show_default=True)
@pass_ctx
def backtest_cmd(obj: CliContext, as_of: dt.datetime, weeks: int) -> None:
    """Forecast from the data known on --as-of vs what arrived, and two naive baselines."""
    cfg = CreditSettings.from_env()
    with obj.session_factory() as session:
        r = run_backtest(session, as_of=as_of.date(), settings=cfg, weeks=weeks)
    cur = r.base
    click.echo(f"{'week':<11} {'actual':>14} {'forecast':>14} {'80% band':>29} "
               f"{'due date':>14} {'avg delay':>14}")
    for w, start in enumerate(r.weeks):
        click.echo(f"{start:<11} {_amount(r.actual[w], cur):>14} "
                   f"{_amount(r.forecast[w], cur):>14} "
                   f"{_amount(r.low[w], cur):>14}-{_amount(r.high[w], cur):<14} "
                   f"{_amount(r.due_date[w], cur):>14} {_amount(r.avg_delay[w], cur):>14}")
    click.echo(f"\n{'method':<10} {'MAE/week':>14} {'MAPE':>8} {'in 80% band':>12}")
    for name, s in r.scores.items():
        mape = f"{s.mape:.1%}" if s.mape is not None else "-"
        cover = f"{s.coverage:.0%}" if s.coverage is not None else "-"
        click.echo(f"{name:<10} {_amount(s.mae, cur):>14} {mape:>8} {cover:>12}")
    raw = f"{r.raw_coverage:.0%}" if r.raw_coverage is not None else "-"
    click.echo(f"{_band_note(r.calibration)}; before calibration {raw} of these weeks")
