"""The webhook benchmark's load generators: Python http.client threads, or wrk (`wrk_load`).

Why two: the Python client (``--client python``) reports each answer as it comes back, which
the fault run times its faults on; wrk (``--client wrk``) costs the shared cores a fraction of
its CPU and keeps its own scheduling delays out of the latencies. Both send each request of the
plan once, over ``concurrency`` keep-alive connections, and report the same figures.
"""

from __future__ import annotations

import argparse
import http.client
import queue
import statistics
import threading
import time

from benchmarks.wrk_load import run_wrk

__all__ = ["client_name", "load", "percentile", "python_figures", "run_load"]


def client(port: int, work: queue.Queue, out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while True:
        item = work.get()
        if item is None:
            conn.close()
            return
        body, headers = item
        start = time.perf_counter()
        try:
            conn.request("POST", "/webhooks/stripe", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            conn.close()
            status = 0
        out.append((status, time.perf_counter() - start))



def run_load(port: int, plan: list, concurrency: int, at=None) -> tuple[list, float]:
    """Post the plan; ``at(sent)`` (the fault run) is called as requests complete."""
    work: queue.Queue = queue.Queue()
    for item in plan:
        work.put(item)
    for _ in range(concurrency):
        work.put(None)
    results: list[tuple[int, float]] = []
    threads = [threading.Thread(target=client, args=(port, work, results))
               for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    while at is not None and any(t.is_alive() for t in threads):
        at(len(results))
        time.sleep(0.01)
    for t in threads:
        t.join()
    return results, time.perf_counter() - start



def python_figures(results: list) -> dict:
    """The Python client's (status, seconds) pairs -> the figures wrk reports."""
    latencies = [lat * 1000 for _, lat in results]
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {"requests": len(results), "p50_ms": percentile(latencies, 50),
            "p90_ms": percentile(latencies, 90), "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies), "mean_ms": statistics.mean(latencies),
            "statuses": statuses}



def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]



def load(args: argparse.Namespace, port: int, plan: list, concurrency: int,
         at=None) -> tuple[dict, float]:
    """Post the plan with ``--client`` (each request once); (figures, wall seconds)."""
    if not plan:
        return {"requests": 0, "statuses": {}}, 0.0
    if args.client == "wrk":
        return run_wrk(port, plan, concurrency, args.wrk_threads, args.drain_timeout)
    results, wall = run_load(port, plan, concurrency, at)
    return python_figures(results), wall



def client_name(args: argparse.Namespace) -> str:
    if args.client == "wrk":
        return f"wrk -t{args.wrk_threads} -c{args.concurrency} (benchmarks/wrk_load.py)"
    return f"python ({args.concurrency} http.client threads)"
