"""Bank statements into the ledger: ``imports.import_statement`` (dedupe, balance checks,
bulk insert); ``amounts``, ``checks``, ``keys``, ``rows``: its helpers. Never commits."""
