"""The webhook benchmark's figures: CPU of the processes measured, one run's report, the summary.

Why CPU beside wall time: the machine is shared, so acknowledgements per second follow the
other users' load; CPU per acknowledged request of the web processes and of their PostgreSQL
backends is what decides the rate on a machine of one's own.
"""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks.webhook_client import client_name
from benchmarks.webhook_db import count_rows, processing_counts
from benchmarks.webhook_plan import warm_unique

__all__ = ["cpu_seconds", "machine_busy_seconds", "own_cpu", "report_of", "summary"]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc; 0 for a vanished one)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / os.sysconf("SC_CLK_TCK")



def own_cpu() -> float:
    """User + system CPU so far of this process (the Python client's threads) and of its
    children waited for (wrk; nothing else is waited for during the load)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system



def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy so far (Linux /proc/stat: everything but idle, iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")



def report_of(args, url, unique, plan, warmup, results, wall, first, last, end_of_load,
            workers, celery, fault) -> dict:
    statuses = dict(warmup["statuses"])
    for status, count in results["statuses"].items():
        statuses[status] = statuses.get(status, 0) + count
    rows = count_rows(url)
    twice = processing_counts(url)
    processed_in_load = end_of_load["processed"]
    drain_s = max(last - first - wall, 1e-9)
    report = {
        "load_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "config": {"gunicorn_workers": args.workers, "threads": args.threads,
                   "celery_workers": workers if celery else 0,
                   "processing": "celery" if celery else "inline (in the request)",
                   "concurrency": args.concurrency, "fault_run": fault,
                   "workers_paused_during_load": bool(celery and args.pause_workers
                                                      and not fault),
                   "client": client_name(args)},
        "requests": results["requests"], "warmup_requests": warmup["requests"],
        "unique_events": unique, "duplicates_sent": len(plan) - unique,
        "load_s": round(wall, 2), "acks_per_s": round(results["requests"] / wall, 1),
        **{k: round(results[k], 1) for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms")},
        "statuses": statuses,
        **{k: results[k] for k in ("wrk_requests_per_s", "socket_errors") if k in results},
        "processed_at_end_of_load": processed_in_load,
        "drain_s_after_load": round(drain_s, 2),
        "drain_events_per_s": round((rows["processed"] - processed_in_load) / drain_s, 1)
        if celery else None,
        "first_request_to_last_processed_s": round(last - first, 2),
        # the like-for-like figure: the events measured (after the warm-up) over the time
        # from the first measured request to the last event processed
        "unique_processed_per_s_end_to_end": round(
            (unique - warm_unique(plan, args.warmup)) / (last - first), 1),
        "rows": rows,
        "lost": unique - rows["distinct_event_ids"],
        "duplicated_rows": rows["events"] - rows["distinct_event_ids"],
        **twice,
    }
    report["ok"] = (report["lost"] == 0 and report["duplicated_rows"] == 0
                    and twice["processed_more_than_once"] == 0
                    and twice["never_processed"] == 0 and statuses == {200: len(plan)}
                    and rows["pending_or_failed"] == 0)
    return report



def summary(runs: dict[str, dict]) -> dict[str, dict]:
    keys = ("acks_per_s", "p50_ms", "p99_ms", "drain_events_per_s",
            "unique_processed_per_s_end_to_end", "lost", "duplicated_rows",
            "processed_more_than_once", "cpu_ms_per_request_web",
            "cpu_ms_per_request_web_db_backends", "load_1_5_15")
    return {name: {k: r.get(k) for k in keys} for name, r in runs.items()}
