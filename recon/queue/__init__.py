"""The exception queue: what needs a human, why, and the actions that clear it.

- ``sql``: the one query of queue items and their cause (shared with the dashboard and reports);
  ``cause_sql``: that cause as a rank the database computes from columns.
- ``listing``: ``queue_page``, ``queue_counts``, ``queue_item`` (keyset pagination).
- ``detail``: one receipt's page data and its invoice search.
- ``pending_writeoffs``: write-offs waiting for a second person (approvals, navigation count).
- ``actions``: manual match, classify, write-off, bulk accept, undo -- thin wrappers over
  ``recon.allocation``.
- ``overview``: dashboard figures from the same SQL as the queue.
- ``cache``: short-lived counts cache.
"""
