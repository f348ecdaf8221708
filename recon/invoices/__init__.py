"""Open invoices and customers from the ERP: ``imports.import_invoices`` (CSV/JSON), row parsing
in ``rows``. Never commits."""
