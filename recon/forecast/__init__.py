"""Cash-collection forecast: when the open receivables will be paid, and how well that is known.

Owns the delay model (``model``: each open invoice's pay-date distribution from its customer's
history, shrunk towards the tier and the portfolio), the expected-receipts curve with its 80 %
band (``curve``), the back-test against two naive baselines (``backtest``) and loading the
inputs from the database (``service``). Reads the ledger of the credit area; writes nothing.
"""

from recon.forecast.backtest import BacktestResult, backtest
from recon.forecast.curve import Curve, receipts_curve
from recon.forecast.model import DelayModel, fit, predict

__all__ = ["BacktestResult", "Curve", "DelayModel", "backtest", "fit", "predict",
           "receipts_curve"]
