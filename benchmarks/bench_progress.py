"""Benchmark: what the progress display costs a long run (DESIGN.md §7: measured here, never asserted).

One 1,000-run Monte Carlo of the built-in case drawn on a terminal-like console, every call into
rich's progress (the refresh thread's redraws included) timed, as a share of the run; the same
run with ``progress=False`` in the same process is the baseline.

    python benchmarks/bench_progress.py [RUNS] [REPEAT]
"""

from __future__ import annotations

import io
import statistics
import sys
import time

import rich.live
import rich.progress
from rich.console import Console

from bilateral.simulate.montecarlo import monte_carlo

spent: list[float] = []


def _timed(cls: type, name: str) -> None:
    original = getattr(cls, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)
    setattr(cls, name, wrapper)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    for name in ("start", "stop", "add_task", "update", "advance", "remove_task"):
        _timed(rich.progress.Progress, name)
    _timed(rich.live.Live, "refresh")
    monte_carlo("russia-japan", runs=50, rng=2, progress=False)  # compiled before timing
    quiet, shown, shares = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        monte_carlo("russia-japan", runs=runs, rng=2, progress=False)
        quiet.append(time.perf_counter() - start)
        spent.clear()
        console = Console(file=io.StringIO(), force_terminal=True, width=100)
        start = time.perf_counter()
        monte_carlo("russia-japan", runs=runs, rng=2, progress=console)
        shown.append(time.perf_counter() - start)
        shares.append(sum(spent) / shown[-1])
    print(f"{runs} runs, {repeat} alternating repeats: progress=False {statistics.median(quiet):.2f} s, "
          f"shown {statistics.median(shown):.2f} s (ratio {statistics.median(shown) / statistics.median(quiet):.3f}); "
          f"time inside rich {statistics.median(shares):.2%} of the run (median)")


if __name__ == "__main__":
    main()
