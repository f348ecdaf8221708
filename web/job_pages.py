"""Web layer: the publish-and-poll pattern of a job a person starts from a page ("Run matching
now", "Write the report now").

The view publishes a Celery task under a fresh job id and redirects to the job's page, which
polls itself with htmx until the job's audit event holds its outcome (so any web worker can
answer). What only this process knows is kept here: when the job was started (for the seconds
shown) and why it could not be published (the broker away, or in-process the job itself
failed); both are bounded, the oldest forgotten first.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from flask import render_template, request

__all__ = ["JobPages"]

KEEP = 1000  # jobs remembered per process


class JobPages:
    """Start jobs of one kind and render their page (``page``) or its htmx fragment."""

    def __init__(self, page: str, fragment: str) -> None:
        self.page, self.fragment = page, fragment
        self._started: OrderedDict[str, float] = OrderedDict()
        self._failed: OrderedDict[str, str] = OrderedDict()

    def start(self, publish: Callable[[str], None]) -> str:
        """A new job id, after ``publish(job)``; a failure is shown on the job's page."""
        job = uuid.uuid4().hex[:16]
        _remember(self._started, job, time.monotonic())
        try:
            publish(job)
        except Exception as exc:  # broker away, or (in-process) the job itself failed
            _remember(self._failed, job, str(exc)[:300])
        return job

    def render(self, job: str, outcome: Mapping[str, Any] | None) -> str:
        """The page of ``job`` with its recorded ``outcome`` (None while it runs)."""
        if outcome is None and job in self._failed:
            outcome = {"state": "failed", "error": self._failed[job]}
        started = self._started.get(job)
        elapsed = int(time.monotonic() - started) if started else None
        template = self.fragment if request.headers.get("HX-Request") else self.page
        return render_template(template, job=job, outcome=outcome, elapsed=elapsed)


def _remember(store: OrderedDict[str, Any], job: str, value: Any) -> None:
    store[job] = value
    while len(store) > KEEP:
        store.popitem(last=False)
