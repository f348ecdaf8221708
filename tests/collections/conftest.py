"""Fixtures of the collections tests: a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.collections.helpers import Inbox, start_smtp


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    controller, inbox, url = start_smtp()
    yield inbox, url
    controller.stop()
