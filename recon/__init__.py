"""Core of the reconciliation service: models, services, migrations, the `recon` CLI."""
