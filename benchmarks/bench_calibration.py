"""Benchmark: the explain methods' calibration study (false alarm and power by method, n and φ),
and the cost of calibrated inference against the Newey–West OLS test it replaced, same process.

    python benchmarks/bench_calibration.py              # 200 replications a cell (about 12 minutes)
    python benchmarks/bench_calibration.py --reps 50    # quicker, noisier

The baseline is statsmodels' OLS with Newey–West errors (lag ⌊4(n/100)^(2/9)⌋), the test the
period comparison, trend and regression used before: its false alarm on the same simulated series
reproduces the table that motivated the change, and its time per test is the ratio's denominator.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm

from bilateral.explain.bootstrap import ar1_draws
from bilateral.explain.calibration import calibrate
from bilateral.explain.methods import period_comparison


def newey_west_p(y: np.ndarray, d: np.ndarray) -> float:
    """The replaced test: OLS of y on a group dummy, Newey–West errors."""
    lags = max(1, int(4 * (len(y) / 100) ** (2 / 9)))
    fit = sm.OLS(y, sm.add_constant(d)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return float(fit.pvalues[1])


def baseline(reps: int, n: int = 60) -> tuple[pd.DataFrame, float, float]:
    """False alarm of the Newey–West period comparison at n, and seconds per test of both tests."""
    rng = np.random.default_rng(0)
    block = np.zeros(n)
    block[n // 3:n // 3 + int(0.3 * n)] = 1.0
    index = pd.period_range("1900", periods=n, freq="Y")
    rows, old_time, new_time = [], 0.0, 0.0
    for phi in (0.0, 0.5, 0.9):
        series = ar1_draws(n, phi, float(np.sqrt(1 - phi * phi)), reps, rng)
        start = time.perf_counter()
        alarms = [newey_west_p(y, block) < 0.05 for y in series]
        old_time += time.perf_counter() - start
        start = time.perf_counter()
        for y in series:
            period_comparison(pd.Series(y, index=index), pd.Series(block.astype(bool), index=index), rng=rng)
        new_time += time.perf_counter() - start
        rows.append({"method": "period_comparison (Newey–West, replaced)", "n": n, "phi": phi,
                     "false_alarm": float(np.mean(alarms))})
    return pd.DataFrame(rows), old_time / (3 * reps), new_time / (3 * reps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    args = parser.parse_args()
    old, old_each, new_each = baseline(args.reps)
    print(old.to_string(index=False))
    print(f"per test: Newey–West {old_each * 1e3:.2f} ms, calibrated {new_each * 1e3:.2f} ms "
          f"(ratio {new_each / old_each:.1f}×)")
    start = time.perf_counter()
    study = calibrate(args.reps, progress=lambda line: print(line, flush=True))
    print(study.to_string(index=False))
    print(f"{int(study['in_band'].sum())} of {len(study)} cells in [0.03, 0.07]; "
          f"study took {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
