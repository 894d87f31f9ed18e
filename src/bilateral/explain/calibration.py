"""The calibration study: each explain method on simulated AR(1) series like the case's.

For every method, length n and AR(1) coefficient φ the study draws ``reps`` null series (no
effect) and ``reps`` series with a planted effect, runs the method as the engine does, and counts
how often the verdict would be a false alarm (the null rejected at α = 0.05) and how often the
planted effect is found (power). Series are stationary AR(1) with unit marginal variance, so a
planted effect of 0.5 is half a standard deviation. The designs mirror the case's tests:

- ``period_comparison``: a block of 30 % of the periods (a leader's tenure) shifted by 0.5 SD;
- ``trend``: a rise of 1 SD over the span;
- ``regression``: y = u + 0.5·x with x an independent AR(1) of the same φ;
- ``event_study``: one event mid-series, window 12, a lasting 0.5 SD shift after it;
- ``change_points``: no dates named, "any break" (CUSUM), a 1 SD shift at mid-series;
- ``change_points_dated``: the shift tested at the named date, 0.5 SD shift there;
- ``granger``: y_t = u_t + 0.3·x_{t−1}, x an independent AR(1) of the same φ;
- ``decoupling``: levels p = u + 0.5·e, e an independent AR(1) of the same φ;
- ``ranking``: five equal tenures; null: the target tied with the best rival, the other three
  20 SD lower (the least favourable case for "best": rivals out of contention, whose own
  differences can never fail the intersection–union test; at φ = 0.9 rivals 4 SD lower still
  failed it often and made the test look conservative, 0.025 instead of 0.040 at n = 60);
  planted: the target 1 SD above the best rival.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from bilateral.errors import BilateralError
from bilateral.explain.bootstrap import ALPHA, ar1_draws
from bilateral.explain.methods import (
    change_points,
    decoupling,
    event_study,
    granger,
    period_comparison,
    ranking,
    regression,
    trend,
)
from bilateral.explain.result import TestResult

PHIS = (0.0, 0.5, 0.9)
BAND = (0.03, 0.07)
YEARLY = (20, 60)
MONTHLY = (120, 240)
LENGTHS: dict[str, tuple[int, ...]] = {
    "period_comparison": YEARLY, "trend": (8, 20, 60), "regression": YEARLY, "decoupling": YEARLY,
    "ranking": YEARLY, "event_study": MONTHLY, "change_points": MONTHLY, "change_points_dated": MONTHLY,
    "granger": MONTHLY,
}
PLANTED = {"period_comparison": "0.5 SD in a 30 % block", "trend": "1 SD over the span",
           "regression": "slope 0.5", "event_study": "0.5 SD after the event",
           "change_points": "1 SD shift mid-series", "change_points_dated": "0.5 SD shift at the date",
           "granger": "0.3 × lagged cause", "decoupling": "p = u + 0.5·e", "ranking": "target 1 SD ahead"}


def _noise(n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    return ar1_draws(n, phi, float(np.sqrt(1 - phi * phi)), 1, rng)[0]


def _index(n: int) -> pd.PeriodIndex:
    return pd.period_range("1900-01", periods=n, freq="M")


def _one(method: str, n: int, phi: float, planted: bool, rng: np.random.Generator) -> TestResult:
    """One simulated series (null or planted) through ``method``."""
    index = _index(n)
    u = pd.Series(_noise(n, phi, rng), index=index)
    if method == "period_comparison":
        block = np.zeros(n, bool)
        block[n // 3:n // 3 + max(2, int(0.3 * n))] = True
        inside = pd.Series(block, index=index)
        return period_comparison(u + 0.5 * planted * block, inside, rng=rng)
    if method == "trend":
        return trend(u + planted * np.linspace(0, 1, n), rng=rng)
    if method in ("regression", "granger", "decoupling"):
        x = pd.Series(_noise(n, phi, rng), index=index)
        if method == "regression":
            return regression(u + 0.5 * planted * x, x.rename("x").to_frame(), rng=rng)
        if method == "granger":
            return granger(u + 0.3 * planted * x.shift(1).fillna(0.0), x, rng=rng)
        return decoupling(u + 0.5 * planted * x, x, rng=rng)
    if method == "event_study":
        return event_study(u + 0.5 * planted * (np.arange(n) >= n // 2), [index[n // 2]], 12, rng=rng)
    if method == "change_points":
        return change_points(u + planted * (np.arange(n) >= n // 2), rng=rng)
    if method == "change_points_dated":
        return change_points(u + 0.5 * planted * (np.arange(n) >= n // 2), [index[n // 2]], rng=rng)
    if method == "ranking":
        edges = np.linspace(0, n, 6).astype(int)
        groups = {f"g{k}": pd.Series((np.arange(n) >= edges[k]) & (np.arange(n) < edges[k + 1]), index=index)
                  for k in range(5)}
        level = np.where(groups["g2"] | groups["g4"] | groups["g0"], -20.0, 0.0)
        if planted:
            level = np.where(groups["g1"], 1.0, level)
        return ranking(u + level, groups, "g1", rng=rng)
    raise BilateralError(f"unknown calibration design {method!r}: use one of {', '.join(LENGTHS)}")


def _rejected(method: str, result: TestResult) -> bool:
    """Would the verdict leave "inconclusive" at α (unadjusted)? For ranking: "best" supported."""
    if method == "ranking":
        return result.p < ALPHA and result.effect > 0
    return result.p < ALPHA


def calibrate(reps: int = 200, *, seed: int = 0, methods: Sequence[str] | None = None,
              lengths: dict[str, tuple[int, ...]] | None = None, phis: Sequence[float] = PHIS,
              power: bool = True, progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """False alarm and power of each method by φ and n on ``reps`` simulated series per cell.

    Returns one row per method, n and φ: ``false_alarm`` (share of null series rejected at
    α = 0.05), ``power`` (share of planted series rejected), ``planted`` (what was planted),
    ``mde`` (median minimum detectable effect the test reports on the null series, in SD),
    ``in_band`` (false alarm within ``BAND``) and ``reps``. Cells are seeded from ``seed``, method,
    n and φ, so any subset gives the same numbers as the full study. ``power=False`` skips the
    planted series (power is then NaN).
    """
    if reps < 1:
        raise BilateralError(f"reps={reps}: give at least 1 replication per cell")
    chosen = list(methods or LENGTHS)
    unknown = sorted(set(chosen) - set(LENGTHS))
    if unknown:
        raise BilateralError(f"unknown calibration method(s) {', '.join(unknown)}: use any of {', '.join(LENGTHS)}")
    grid = {**LENGTHS, **(lengths or {})}
    rows = []
    for method in chosen:
        for n in grid[method]:
            for phi in phis:
                rng = np.random.default_rng([seed, list(LENGTHS).index(method), n, round(phi * 100)])
                nulls = [_one(method, n, phi, False, rng) for _ in range(reps)]
                hits = [_one(method, n, phi, True, rng) for _ in range(reps)] if power else []
                alarm = float(np.mean([_rejected(method, r) for r in nulls]))
                rows.append({"method": method, "n": n, "phi": phi, "false_alarm": alarm,
                             "power": float(np.mean([_rejected(method, r) for r in hits])) if power else np.nan,
                             "planted": PLANTED[method], "mde": float(np.median([r.mde for r in nulls])),
                             "in_band": BAND[0] <= alarm <= BAND[1], "reps": reps})
                if progress is not None:
                    progress(f"{method} n={n} φ={phi}: false alarm {alarm:.3f}")
    return pd.DataFrame(rows)
