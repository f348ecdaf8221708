"""The exception queue: what needs a human, why, and the actions that clear it.

- ``sql``: the one query of queue items and their cause (shared with the dashboard and reports);
  ``cause_sql``: that cause as a rank the database computes from columns.
- ``listing``: ``queue_page``, ``queue_counts``, ``queue_item`` (keyset pagination).
- ``detail``: one receipt's page data, invoice search, pending write-offs.
- ``actions``: manual match, classify, write-off, bulk accept, undo -- thin wrappers over
  ``recon.allocation``.
- ``overview``: dashboard figures from the same SQL as the queue.
- ``cache``: short-lived counts cache.
"""
