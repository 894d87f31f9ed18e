"""The dashboard under load on loopback: 1,000 concurrent requests mixing pages and live simulations.

Starts ``bilateral serve``'s app with uvicorn in its own process on a free 127.0.0.1 port (nothing
leaves the machine; the client does not share the server's interpreter), warms it (case loaded,
numba kernels compiled, the overview's parts computed — ``/overview`` is asked until it is no
longer pending), then

1. *baseline*: the same mix of requests, one at a time (``--baseline`` of them);
2. *load*: ``--requests`` requests sent at once (at most 1,000 and bounded by ``--deadline`` s):
   pages (overview, case tables, data, relations, the negotiation page) and live simulations with
   distinct seeds and inputs (so no answer comes from the cache).

It prints the status counts (only 200 and 429 are acceptable: 429 is the bounded pool refusing
work), p50/p95 latency per kind, and the ratio of the loaded p50 to the baseline p50. Exit status 1
if any request failed otherwise.

``--startup N`` first times N start-ups of each way to launch the dashboard, process start → first
connection answered (``/health``) → first HTTP 200 on ``/overview`` → the overview complete:
``bilateral serve`` (the command package, sub-commands loaded lazily), the same command after
importing every sub-command module first (what ``bilateral`` did before its imports were lazy: the
baseline), and the app alone under uvicorn. Usage::

    BILATERAL_DATA=../shared/data python benchmarks/bench_web.py [--requests 1000] [--runs 500] [--startup 3]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

MAX_REQUESTS = 1000
WORKERS, QUEUE = 2, 8
PAGES = ("/overview", "/case", "/case?table=factors&sort=name&desc=1", "/case?table=actors&q=China", "/data",
         "/relations", "/negotiation?runs=200&model=compromise")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: How each start-up variant launches the dashboard on ``port`` with an empty ``store``.
LAUNCH = {
    "bilateral serve": "import sys; from bilateral.cli import main; sys.argv = {argv!r}; main()",
    "bilateral serve, every sub-command imported first (before)":
        "import importlib, sys; from bilateral.cli import COMMANDS, main; "
        "[importlib.import_module(m) for m, _ in COMMANDS.values()]; sys.argv = {argv!r}; main()",
    "the app alone (uvicorn.run(create_app()))":
        "import uvicorn; from bilateral.web import create_app; "
        "uvicorn.run(create_app('russia-japan', store={store!r}), host='127.0.0.1', port={port}, log_level='error')",
}


def startup(variant: str, timeout: float = 300.0) -> dict[str, float]:
    """Seconds from process start to the first answered connection, the first 200 on ``/overview``
    and the overview without a pending answer, for one launch of ``variant``."""
    store, port = str(Path(tempfile.mkdtemp()) / "store.duckdb"), free_port()
    argv = ["bilateral", "serve", "--port", str(port), "--store", store]
    code = LAUNCH[variant].format(argv=argv, store=store, port=port)
    t0 = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
    out: dict[str, float] = {}
    base = f"http://127.0.0.1:{port}"
    try:
        while time.perf_counter() - t0 < timeout:
            if server.poll() is not None:
                raise RuntimeError(f"{variant}: the server exited with status {server.returncode}")
            try:
                if "listening" not in out:
                    httpx.get(f"{base}/health", timeout=5).raise_for_status()
                    out["listening"] = time.perf_counter() - t0
                response = httpx.get(f"{base}/overview", timeout=timeout)
            except httpx.HTTPError:
                time.sleep(0.05)
                continue
            if response.status_code == 200:
                out.setdefault("first_overview", time.perf_counter() - t0)
                if "Still computing" not in response.text:
                    out["complete_overview"] = time.perf_counter() - t0
                    return out
            time.sleep(0.2)
        raise RuntimeError(f"{variant}: no complete overview within {timeout:g} s")
    finally:
        server.terminate()
        server.wait(timeout=30)


def startups(repeats: int) -> None:
    """Median start-up figures of each variant over ``repeats`` launches (interleaved)."""
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in LAUNCH}
    for _ in range(repeats):
        for variant in LAUNCH:
            runs[variant].append(startup(variant))
    print(f"\nstart-up, median of {repeats} launches (seconds from process start)")
    print(f"{'variant':<62}{'listening':>10}{'1st 200':>10}{'complete':>10}")
    medians = {}
    for variant, found in runs.items():
        medians[variant] = {k: statistics.median(r[k] for r in found) for k in found[0]}
        m = medians[variant]
        print(f"{variant:<62}{m['listening']:>10.2f}{m['first_overview']:>10.2f}{m['complete_overview']:>10.2f}")
    lazy, eager = (medians[v]["first_overview"] for v in list(LAUNCH)[:2])
    print(f"first 200 on /overview: bilateral serve {lazy:.2f} s vs {eager:.2f} s before ({eager / lazy:.1f}× faster)")


def mix(n: int, runs: int, share: float, rng: random.Random) -> list[tuple[str, str]]:
    """``n`` (kind, path) pairs: pages, and simulations with distinct seeds and a moved stakeholder."""
    out = []
    for i in range(n):
        if rng.random() < share:
            moved = f"p{i % 20}={rng.randint(0, 100)}"
            out.append(("simulation", f"/api/negotiation?runs={runs}&seed={10_000 + i}&{moved}"))
        else:
            out.append(("page", rng.choice(PAGES)))
    return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def one(client: httpx.AsyncClient, kind: str, path: str) -> tuple[str, int | str, float]:
    start = time.perf_counter()
    try:
        response = await client.get(path)
        status: int | str = response.status_code
    except httpx.HTTPError as err:
        status = type(err).__name__
    return kind, status, time.perf_counter() - start


async def send(base: str, requests: list[tuple[str, str]], concurrent: bool, deadline: float
               ) -> list[tuple[str, int | str, float]]:
    limits = httpx.Limits(max_connections=len(requests) if concurrent else 1, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=deadline) as client:
        if not concurrent:
            return [await one(client, k, p) for k, p in requests]
        tasks = [asyncio.create_task(one(client, k, p)) for k, p in requests]
        done, late = await asyncio.wait(tasks, timeout=deadline)
        for task in late:
            task.cancel()
        return [t.result() for t in tasks if t in done] + [(k, "deadline", deadline) for (k, _), t
                                                           in zip(requests, tasks, strict=True) if t in late]


def report(title: str, results: list[tuple[str, int | str, float]]) -> dict[str, float]:
    print(f"\n{title}: {len(results)} requests, statuses {dict(Counter(str(s) for _, s, _ in results))}")
    print(f"{'kind':<12}{'n':>6}{'ok':>6}{'429':>6}{'p50 ms':>10}{'p95 ms':>10}")
    out = {}
    for kind in ("page", "simulation", "all"):
        rows = [r for r in results if kind in ("all", r[0])]
        ok = [t for _, s, t in rows if s == 200]
        out[kind] = percentile(ok, 0.5)
        print(f"{kind:<12}{len(rows):>6}{len(ok):>6}{sum(s == 429 for _, s, _ in rows):>6}"
              f"{1000 * percentile(ok, 0.5):>10.0f}{1000 * percentile(ok, 0.95):>10.0f}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=MAX_REQUESTS, help="concurrent requests (≤ 1,000)")
    parser.add_argument("--baseline", type=int, default=40, help="requests of the one-at-a-time baseline")
    parser.add_argument("--runs", type=int, default=500, help="Monte Carlo runs per live simulation")
    parser.add_argument("--share", type=float, default=0.3, help="share of simulations in the mix")
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds allowed for the whole load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--startup", type=int, default=0, help="start-ups timed per variant (default none)")
    parser.add_argument("--no-load", action="store_true", help="time the start-ups only")
    args = parser.parse_args()
    if args.startup:
        startups(args.startup)
    if args.no_load:
        return 0
    n = min(args.requests, MAX_REQUESTS)
    rng = random.Random(args.seed)

    store = Path(tempfile.mkdtemp()) / "store.duckdb"
    port = free_port()
    code = ("import uvicorn; from bilateral.web import create_app; "
            f"uvicorn.run(create_app('russia-japan', store={str(store)!r}, workers={WORKERS}, queue={QUEUE}), "
            f"host='127.0.0.1', port={port}, log_level='error', backlog=2048)")
    server = subprocess.Popen([sys.executable, "-c", code])
    base = f"http://127.0.0.1:{port}"
    try:
        t0 = time.perf_counter()
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        print(f"listening after {time.perf_counter() - t0:.1f} s")
        while "Still computing" in httpx.get(f"{base}/overview", timeout=600).text:
            time.sleep(2)
        warm = asyncio.run(send(base, [("simulation", f"/api/negotiation?runs={args.runs}")]
                                + [("page", p) for p in PAGES], False, 600))
        print(f"warm-up (case, kernels, overview parts): {time.perf_counter() - t0:.1f} s; "
              f"statuses {[s for _, s, _ in warm]}")
        baseline = asyncio.run(send(base, mix(args.baseline, args.runs, args.share, rng), False, args.deadline))
        before = report("baseline, one request at a time", baseline)
        t1 = time.perf_counter()
        loaded = asyncio.run(send(base, mix(n, args.runs, args.share, rng), True, args.deadline))
        wall = time.perf_counter() - t1
        after = report(f"load, {n} at once (pool: {WORKERS} workers + {QUEUE} waiting)", loaded)
        print(f"\nwall time of the load {wall:.1f} s; p50 under load / p50 alone: pages "
              f"{after['page'] / before['page']:.1f}×, simulations {after['simulation'] / before['simulation']:.1f}×")
        errors = [r for r in loaded + baseline if r[1] not in (200, 429)]
        print(f"errors other than 429: {len(errors)}")
        return 1 if errors else 0
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
