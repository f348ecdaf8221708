"""Reports of the daily run and exports (read-only; templates beside the code: ``report.html``).

- ``data`` / ``rows`` / ``tables`` / ``payouts``: the report's figures.
- ``html`` / ``files`` / ``mail``: rendering to HTML, CSV/XLSX/JSON files and the e-mail.
- ``export``: the cash-application export (one row per allocation, formula-safe).
"""
