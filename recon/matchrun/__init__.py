"""Running the matcher against the database (the pure engine is the leaf package ``matching``).

- ``load``: open invoices, available receipts and charges as the engine's frozen inputs.
- ``service``: ``run_matching`` -- load, run the engine, apply.
- ``apply``: autos through ``recon.allocation``, suggestions stored in bulk.
"""
