"""Templates of the daily-run reports (``report.html``); the code is in ``recon.services``."""
