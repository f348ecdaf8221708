"""The daily run (``recon run``): inbox files -> import -> events -> matching -> reports.

Unlike the other areas, the run is an edge: it frames and commits its own transactions, one per
step or file, so a failure in one file does not undo the others.

- ``daily``: ``daily_run`` and its result; ``steps``, ``files``, ``importers``, ``idle``,
  ``summary``: its parts; ``settings``: the run's options; ``inbox``: the folder (file system
  only); ``lock``: one run at a time across processes.
"""
