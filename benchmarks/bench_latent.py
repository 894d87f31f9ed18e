"""Benchmark and validation of the latent relation index (``bilateral.measure.latent``).

    BILATERAL_DATA=../shared/data python benchmarks/bench_latent.py            # everything
    BILATERAL_DATA=../shared/data python benchmarks/bench_latent.py --reps 50  # more replications

1. Speed: the RUS–JPN yearly and monthly fits (L-BFGS-B on the exact score), against the
   baseline of the same L-BFGS-B, bounds and start values on finite-difference gradients (what
   one gets without the score), on the yearly model, in the same process.
2. Calibration: coverage of the 90 % bands of the latent path on data simulated from the model
   (the tests' design, ``tests/test_latent.py::simulate``), over ``--reps`` replications.
3. Leave-one-series-out on RUS–JPN, yearly (5-year blocks) and monthly (60-month blocks).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import statsmodels
from scipy.optimize import minimize

from bilateral.measure import latent
from bilateral.measure.panel import panel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_latent import simulate  # the simulation design lives with the tests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, statsmodels {statsmodels.__version__}, scipy {scipy.__version__}, "
          f"{platform.processor() or platform.machine()}")

    steps = latent.panel_steps("RUS", "JPN")
    start = time.perf_counter()
    y = panel("RUS", "JPN", freq="Y", start=1946).add(*steps)
    m = panel("RUS", "JPN", freq="M", start=1946).add(*steps)
    print(f"panels built in {time.perf_counter() - start:.1f} s")

    print("\n## Speed")
    fits = {}
    for freq in ("Y", "M"):
        start = time.perf_counter()
        fits[freq] = latent.relation_index("RUS", "JPN", freq=freq, panel_y=y, panel_m=m, events={})
        took = time.perf_counter() - start
        info = fits[freq].fit.mle_retvals
        print(f"{freq}: {took:.2f} s, {len(fits[freq].mean)} periods, {len(fits[freq].loadings)} series, "
              f"{info['evaluations']} evaluations, log-likelihood {fits[freq].fit.llf:.2f}")
        if freq == "Y":
            ours, llf_ours = took, fits[freq].fit.llf
    model = fits["Y"].fit.model
    start = time.perf_counter()
    baseline = minimize(lambda theta: -model.loglike(theta) / model.nobs, model.start(), method="L-BFGS-B",
                        bounds=model.bounds(), options={"maxiter": latent.MAXITER, "ftol": latent.TOL, "gtol": 1e-6})
    took = time.perf_counter() - start
    print(f"baseline (finite-difference gradient), Y: {took:.2f} s, {baseline.nfev} evaluations, "
          f"log-likelihood {-baseline.fun * model.nobs:.2f}; ratio {took / ours:.1f}× (ours {llf_ours:.2f})")

    print("\n## Calibration on simulated data")
    rng = np.random.default_rng(args.seed)
    inside, errors, ratio = [], [], []
    for _ in range(args.reps):
        frame, weights, x = simulate(rng)
        fit = latent.fit_series(frame, "M", annual=["c"], weights=weights)
        z = (x - x.mean()) / x.std()
        inside.append((fit.low.to_numpy() <= z) & (z <= fit.high.to_numpy()))
        errors.append(fit.mean.to_numpy() - z)
        truth = pd.Series({"a": 0.2, "b": -8.0, "c": 0.6, "d": -3.0}) * x.std()
        ratio.append(fit.loadings.set_index("series")["loading"] / truth)
    per_rep = [i.mean() for i in inside]
    print(f"{args.reps} replications × 240 months: coverage {np.concatenate(inside).mean():.3f} "
          f"(replications 5–95 %: {np.quantile(per_rep, 0.05):.3f}–{np.quantile(per_rep, 0.95):.3f}), "
          f"RMSE {np.sqrt(np.mean(np.concatenate(errors) ** 2)):.3f}, "
          f"estimated/true loading {pd.concat(ratio, axis=1).mean(axis=1).round(3).to_dict()}")

    print("\n## Leave one series out")
    for freq in ("Y", "M"):
        table = latent.leave_one_out("RUS", "JPN", freq=freq, panel_y=y, panel_m=m)
        print(f"\n{freq}:\n{table.round(4).to_string(index=False)}")

    print("\n## Best periods (yearly, 2,000 draws)")
    best = fits["Y"].best_periods(draws=2000, rng=1)
    print(best[best["kind"] == "period"].round(3).to_string(index=False))


if __name__ == "__main__":
    main()
