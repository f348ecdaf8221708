"""Who may do what, and the settings staff change at run time.

- ``users``: people and API tokens, password checks and lock-out (``authenticate``,
  ``create_user``, ``create_token``, ``user_for_token``).
- ``settings_store``: the settings table staff edit in the UI (``effective``, ``save``): the one
  source every path reads thresholds and limits from; the environment gives only defaults.
- ``runtime``: ``RuntimeSettings``, the typed settings in force (``load`` returns it): the
  matcher's settings and the write-off limit per currency.
"""
