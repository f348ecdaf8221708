"""Bank statements into the ledger: ``imports.import_statement`` (dedupe, balance checks,
bulk insert), ``store`` each statement of the file; ``amounts``, ``checks``, ``keys``,
``rows``: their helpers. Never commits."""
