"""Benchmark: the relations dynamics pipeline — fit, then 1,000 paths × 20 years × every bargaining
model with ratification — against one static Monte Carlo of every model (1,000 draws, ratified),
in the same process.

    BILATERAL_DATA=../shared/data python benchmarks/bench_dynamics.py [--paths 1000] [--scenario thaw]

The index is RUS–JPN UN vote agreement (read once, timed apart). The baseline solves every model
once on 1,000 draws and projects onto the agreement set; the pipeline fits the dynamic model to the
index and sweeps one scenario (default ``thaw``, the one with the most open agreement sets, so the
most solving) and then all seven. Numba compilation is warmed up before timing.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import bilateral
from bilateral.case.dynamics import load_dynamics
from bilateral.simulate import get_models, load_stakeholders
from bilateral.simulate.breakthrough import breakthrough_scenarios, shocks_of
from bilateral.simulate.dynamics import fit_relations
from bilateral.simulate.montecarlo import draw
from bilateral.simulate.ratification import agreement_bounds, ratify


def static_monte_carlo(paths: int, seed: int) -> float:
    """Seconds for every model on ``paths`` draws, ratified (the baseline unit)."""
    sh = load_stakeholders("russia-japan")
    batch = draw(sh, paths, np.random.default_rng(seed))
    start = time.perf_counter()
    low, high = agreement_bounds(sh, batch.position)
    for model in get_models("all"):
        ratify(model.solve_batch(batch).position, low, high)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--scenario", default="thaw")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    case = bilateral.load_case("russia-japan")
    dyn = load_dynamics(case)
    t0 = time.perf_counter()
    series = bilateral.panel(*case.dyad).add_unga()["unga.agreement"]
    read = time.perf_counter() - t0
    static_monte_carlo(50, args.seed)                     # compile the numba rounds
    baseline = static_monte_carlo(args.paths, args.seed)

    t0 = time.perf_counter()
    fit = fit_relations(series, shocks_of(dyn, series.index.freqstr))
    fitted = time.perf_counter() - t0
    t0 = time.perf_counter()
    one = breakthrough_scenarios(fit, case, dyn, scenarios=[args.scenario], paths=args.paths, rng=args.seed)
    swept = time.perf_counter() - t0
    t0 = time.perf_counter()
    every = breakthrough_scenarios(fit, case, dyn, paths=args.paths, rng=args.seed)
    swept_all = time.perf_counter() - t0

    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"read the index (UN votes): {read:.2f} s")
    print(f"baseline, static Monte Carlo of {len(one.models)} models × {args.paths} draws, ratified: {baseline:.2f} s")
    print(f"fit: {fitted:.2f} s")
    print(f"scenario {args.scenario}: {args.paths} paths × {dyn.horizon} years × every model: {swept:.2f} s "
          f"= {swept / baseline:.1f}× the baseline")
    print(f"fit + one scenario: {fitted + swept:.2f} s (target ≤ 60 s)")
    print(f"all {len(every.outcomes)} scenarios: {swept_all:.2f} s = {swept_all / baseline:.1f}× the baseline")
    p = one.table().set_index("model")["p"]
    print("P(breakthrough by", dyn.by_year, "):", ", ".join(f"{m} {v:.3f}" for m, v in p.items()))


if __name__ == "__main__":
    main()
