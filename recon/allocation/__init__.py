"""The only code that moves money: allocations, adjustments and the payer aliases they teach.

- ``allocations``: ``create_match``, ``confirm_match``, ``reject_match``, ``undo_match``,
  ``supersede_suggestions`` -- every invariant (never over-allocate a receipt or an invoice) is
  checked here, every change audited.
- ``adjustments``: fees, FX differences, write-offs and classifications (``add_adjustment``,
  ``approve``, ``reject``) with the four-eyes rule.
- ``batch``: the bulk form of the same writes for the matcher's apply step.
- ``aliases`` / ``alias_admin``: payer-name aliases learned from confirmed matches and their
  administration.
"""
