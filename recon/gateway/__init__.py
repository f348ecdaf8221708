"""Payment-gateway money inside the ledger: the webhook inbox, charges, refunds, reports.

- ``events``: the inbox's public face: store a verified webhook (``store``), process a stored
  one (``process_stored``), retry pending ones (``retry_pending``).
- ``event_store``: storing a verified delivery exactly once; ``event_processing``: processing
  one stored event in its own transaction (normalise, upsert, settle; failures counted).
- ``group_commit``: the web edge's store on PostgreSQL, one statement and one commit for the
  deliveries of the moment (``EventWriter``).
- ``txns``: upsert gateway transactions and settle the invoice a charge names (``settle``).
- ``refunds``: refunds and their charges counted once in any order of arrival.
- ``reports``: settlement/payout report import (``import_report``).
- ``upsert``: dialect-specific insert-or-ignore with its audit row.
"""
