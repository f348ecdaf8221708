"""Reports of the daily run and exports (read-only; templates beside the code: ``report.html``).

- ``data`` / ``rows`` / ``tables`` / ``payouts``: the report's figures.
- ``html`` / ``files`` / ``mail``: rendering to HTML, CSV/XLSX/JSON files and the e-mail.
- ``i18n`` / ``present``: the report's language (English or Simplified Chinese: gettext catalog
  ``translations/``, babel formatting) and the words of its summary, shared by the HTML, the
  XLSX and the e-mail text.
- ``export``: the cash-application export (one row per allocation, formula-safe).
"""
