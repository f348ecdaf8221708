"""The job pages' process-local memory: a publish failure is kept for the job's page, and no
more than ``KEEP`` jobs are remembered (a long-running web worker must not grow without end)."""

from __future__ import annotations

from web import job_pages
from web.job_pages import JobPages


def test_failures_are_kept_and_the_oldest_forgotten(monkeypatch) -> None:
    monkeypatch.setattr(job_pages, "KEEP", 3)
    pages = JobPages("page.html", "_page.html")

    def broker_away(job: str) -> None:
        raise RuntimeError(f"broker away ({job})")

    ids = [pages.start(broker_away) for _ in range(5)]
    assert len(set(ids)) == 5
    assert list(pages._failed) == ids[2:] and list(pages._started) == ids[2:]
    assert pages._failed[ids[-1]] == f"broker away ({ids[-1]})"
    published: list[str] = []
    ok = pages.start(published.append)
    assert published == [ok] and ok not in pages._failed
