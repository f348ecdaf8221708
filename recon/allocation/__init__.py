"""The only code that moves money: allocations, adjustments and the payer aliases they teach.

- ``allocations``: ``create_match`` and ``apply_match`` -- every invariant (never over-allocate a
  receipt or an invoice) is checked here, every change audited.
- ``decisions``: what becomes of a stored match -- ``confirm_match``, ``reject_match``,
  ``undo_match``, ``supersede_suggestions``; accepting applies through ``allocations``.
- ``adjustments``: fees, FX differences, write-offs and classifications (``add_adjustment``,
  ``approve``, ``reject``, ``withdraw``) with the four-eyes rule on the total written off per
  receipt or invoice; a pending write-off reserves its amount.
- ``targets``: the invoice, bank line or charge an adjustment changes, locked, and ``move``.
- ``batch``: the bulk form of the same writes for the matcher's apply step.
- ``aliases`` / ``alias_admin``: payer-name aliases learned from confirmed matches and their
  administration; ``alias_policy``: which payer names may be learned, and the "Remember
  <payer> = <customer>?" offers after a hand match.
"""
