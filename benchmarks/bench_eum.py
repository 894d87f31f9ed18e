"""Benchmark: Monte Carlo of the expected utility model on the Russia–Japan stakeholders,
``ExpectedUtility.solve_batch`` (compiled rounds, all draws in one call) against the plain
per-actor loop oracle, in the same process.

    python benchmarks/bench_eum.py                   # 10,000 runs; the loop on 300 of them
    python benchmarks/bench_eum.py --loop-runs 10000 # the loop on all of them (about 1.5 hours)

Both implementations solve the same draws (seeded). The batch is timed on one thread (the ratio
is per core) and then on every core; compilation is timed apart (numba caches it on disk after
the first run). The loop is timed on the first --loop-runs draws and its per-run time compared
with the batch's; the forecasts are checked to agree on those draws.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numba
import numpy as np

from bilateral.simulate import ExpectedUtility, load_stakeholders
from bilateral.simulate.montecarlo import draw

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from eum_reference import run_reference  # the loop oracle lives with the tests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--loop-runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    sh = load_stakeholders("russia-japan")
    batch = draw(sh, args.runs, np.random.default_rng(args.seed))
    model = ExpectedUtility()

    start = time.perf_counter()
    model.solve_batch(batch.take(slice(0, 1)))
    compile_time = time.perf_counter() - start
    cores = numba.get_num_threads()
    numba.set_num_threads(1)
    start = time.perf_counter()
    result = model.solve_batch(batch)
    vectorised = time.perf_counter() - start
    numba.set_num_threads(cores)
    start = time.perf_counter()
    model.solve_batch(batch)
    threaded = time.perf_counter() - start

    loop_runs = min(args.loop_runs, args.runs)
    start = time.perf_counter()
    reference = [run_reference(batch.position[k], batch.salience[k], batch.capability[k], sh.scale)
                 for k in range(loop_runs)]
    loop = time.perf_counter() - start

    diff = max(abs(ref.median - result.position[k]) for k, ref in enumerate(reference))
    per_vec, per_loop = vectorised / args.runs, loop / loop_runs
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"numpy {np.__version__}, numba {numba.__version__}")
    print(f"stakeholders: {sh.n}; runs: {args.runs:,}; mean rounds {result.rounds.mean():.1f}; "
          f"converged {result.converged.mean():.1%}")
    print(f"compile (or load from cache): {compile_time:.2f} s")
    print(f"batch, 1 thread: {vectorised:.2f} s for {args.runs:,} runs = {1e3 * per_vec:.2f} ms/run "
          f"= {1e6 * vectorised / result.rounds.sum():.1f} µs per run and round")
    print(f"batch, {cores} threads: {threaded:.2f} s")
    print(f"loop oracle: {loop:.2f} s for {loop_runs:,} runs = {1e3 * per_loop:.2f} ms/run "
          f"(10,000 runs ≈ {per_loop * 10_000 / 60:.0f} min)")
    print(f"largest forecast difference on the shared draws: {diff:.2e}")
    print(f"speed-up (loop / batch on one thread, per run): {per_loop / per_vec:.0f}x")


if __name__ == "__main__":
    main()
