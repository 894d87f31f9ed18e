"""The explain methods: plain functions on pandas Series, and one class per method for the engine.

Every function is usable on its own with Series on a PeriodIndex and returns a :class:`TestResult`
whose ``effect`` is in the series' own units and sign, with an interval, a p-value calibrated for
serial correlation at short lengths (docs/explain.md shows the calibration study) and its power.

Each class (:data:`METHODS`, name → class) binds to its entry in the explain-method registry
(:mod:`bilateral.registry.methods`) and has one interface, like a scikit-learn estimator:
``run(series, test, context)`` applies a case's test specification and ``judge(result,
expectation, p_adjusted)`` turns the result into a status.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from bilateral.errors import BilateralError
from bilateral.explain.bootstrap import (
    ALPHA,
    BIAS_DRAWS,
    DRAWS,
    PHI_MAX,
    Z_POWER,
    Residuals,
    ar1_draws,
    calibrated_slope,
    corrected_phi,
    fdb_critical,
    fdb_p,
    nw_t,
    second_level,
    tail_p,
)
from bilateral.explain.result import Side, TestResult, verdict
from bilateral.explain.timeline import event_periods, groups_and_target, nearest_transitions
from bilateral.registry import methods as registry

if TYPE_CHECKING:
    from bilateral.case import Case
    from bilateral.case.schema import TestSpec
    from bilateral.explain.evidence import Evidence

MIN_PERIODS = 8


def _clean(series: pd.Series, name: str = "the series") -> pd.Series:
    clean = series.dropna().astype(float)
    if len(clean) < MIN_PERIODS:
        raise BilateralError(f"{name} has {len(clean)} periods with data; at least {MIN_PERIODS} are needed")
    if clean.nunique() == 1:
        raise BilateralError(f"{name} is {clean.iloc[0]:g} in every one of its {len(clean)} periods: "
                             "a constant cannot show an effect")
    return clean


def _generator(rng: int | np.random.Generator) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _slope_result(x: np.ndarray, y: pd.Series, method: str, unit: str, detail: str,
                  rng: int | np.random.Generator, draws: int) -> TestResult:
    """A design's second column tested with the AR(1) bootstrap (:mod:`bilateral.explain.bootstrap`)."""
    fit = calibrated_slope(x, y.to_numpy(), 1, _generator(rng), draws)
    return TestResult(f"{method}; {fit.note()}", fit.beta, fit.low, fit.high, fit.p, len(y), detail,
                      {"sd": float(y.std()), "phi": fit.phi}, unit, fit.mde)


def period_comparison(series: pd.Series, inside: pd.Series, *, rng: int | np.random.Generator = 0,
                      draws: int = DRAWS) -> TestResult:
    """Mean level in the periods flagged by ``inside`` minus the mean elsewhere.

    y_t = α + β·D_t + u_t, u an AR(1); β with the AR(1)-bootstrap t (module
    :mod:`bilateral.explain.bootstrap`). Effect β in the series' units.
    """
    y = _clean(series)
    d = inside.reindex(y.index, fill_value=False).astype(float)
    if d.sum() < 2 or (1 - d).sum() < 2:
        raise BilateralError("each compared group needs at least two periods with data")
    detail = f"mean {y[d == 1].mean():.3g} in the group vs {y[d == 0].mean():.3g} outside"
    x = np.column_stack([np.ones(len(y)), d.to_numpy()])
    return _slope_result(x, y, "period comparison (group dummy)", "difference of means", detail, rng, draws)


def ranking(series: pd.Series, groups: Mapping[str, pd.Series], target: str, *, best: bool = True,
            draws: int = DRAWS, rng: int | np.random.Generator = 0) -> TestResult:
    """Does ``target`` rank first (``best``) or last among the groups by mean level?

    Simultaneous intervals of the differences d_g = μ_target − μ_g to every rival g: y_t = μ_g(t)
    + u_t with u an AR(1) (bias-corrected, :mod:`bilateral.explain.bootstrap`, estimated under
    the least favourable null: the target tied with its closest rival). Each d_g has a fixed-b
    t-statistic (its contrast regression, :func:`bilateral.explain.bootstrap.nw_t`) with standard
    error s_g; bootstrap draws of u give every t*_g and the max-t critical value c = q₀.₉₅ max_g
    |t*_g|, so d_g ± c·s_g hold for all rivals at once (Romano & Wolf 2005 style). Effect: the target minus
    its closest rival (the best other for ``best``, the worst other for worst). "First" needs
    every d_g on the claimed side: an intersection–union test (Berger 1982) whose p is the largest
    one-sided p; when some rival is ahead instead, p is the max-t p of the rival furthest ahead.
    """
    y = _clean(series)
    names = [name for name, mask in groups.items() if mask.reindex(y.index, fill_value=False).sum() >= 1]
    if target not in names or len(names) < 2:
        raise BilateralError(f"ranking needs data for {target!r} and at least one other group")
    masks = np.array([groups[name].reindex(y.index, fill_value=False).to_numpy(bool) for name in names])
    keep = masks.any(axis=0)
    masks, values = masks[:, keep], y.to_numpy()[keep]
    masks &= np.cumsum(masks, axis=0) == 1
    dummies = masks.T.astype(float)
    counts = dummies.sum(axis=0)
    means = values @ dummies / counts
    t = names.index(target)
    rivals = [i for i in range(len(names)) if i != t]
    diff = means[t] - means[rivals]
    generator = _generator(rng)
    sign = 1 if best else -1
    closest = int(np.argmin(sign * diff))
    effect = float(diff[closest])
    tied = np.delete(dummies, t, axis=1)
    tied[:, rivals[closest] - (rivals[closest] > t)] += dummies[:, t]
    residuals = Residuals(tied)
    phi, sigma = corrected_phi(residuals(values), residuals)
    noise = ar1_draws(len(values), phi, sigma, draws, generator)
    second = second_level(residuals, noise, generator)
    t_obs, star, star2 = np.empty(len(rivals)), np.empty((draws, len(rivals))), np.empty((draws, len(rivals)))
    for k, rival in enumerate(rivals):
        x = np.column_stack([np.ones(len(values)), dummies[:, t], np.delete(dummies, [t, rival], axis=1)])
        t_obs[k] = nw_t(x, values, 1)[1][0]
        star[:, k] = nw_t(x, noise, 1)[1]
        star2[:, k] = nw_t(x, second, 1)[1]
    scale = np.divide(diff, t_obs, out=np.full(len(rivals), np.inf), where=t_obs != 0)
    max_t, max_t2 = np.max(np.abs(star), axis=1), np.max(np.abs(star2), axis=1)
    critical = fdb_critical(max_t, max_t2)
    if sign * effect > 0:
        p = float(max(fdb_p(sign * t_obs[k], np.abs(star[:, k]), np.abs(star2[:, k])) / 2
                      for k in range(len(rivals))))
    else:
        p = fdb_p(abs(t_obs[closest]), max_t, max_t2)
    order = [names[i] for i in np.argsort(-sign * means)]
    shown = order[:5] + ([f"… {len(order) - 5} more"] if len(order) > 5 else [])
    detail = (("best first: " if best else "worst first: ") + " > ".join(shown)
              + f"; closest rival {names[rivals[closest]]}")
    half = critical * scale[closest]
    intervals = {names[r]: (float(diff[k] - critical * scale[k]), float(diff[k] + critical * scale[k]))
                 for k, r in enumerate(rivals)}
    return TestResult(f"ranking (simultaneous max-t intervals, AR(1) fast double bootstrap φ̃ = {phi:.2f}, "
                      f"{draws} draws)",
                      effect, effect - half, effect + half, p, len(values), detail,
                      {"sd": float(y.std()), "order": order, "intervals": intervals}, "target minus closest rival",
                      float((critical + Z_POWER) * scale[closest]))


def _its_design(n: int, points: Sequence[int], window: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and design of the pooled interrupted time series: post, t − t₀, one intercept per event."""
    rows, xs = [], []
    for k, p in enumerate(points):
        span = np.arange(max(0, p - window), min(n, p + window + 1))
        block = np.zeros((len(span), 2 + len(points)))
        block[:, 0], block[:, 1], block[:, 2 + k] = (span >= p), span - p, 1.0
        rows.append(span)
        xs.append(block)
    return np.concatenate(rows), np.vstack(xs)


def _its_weights(n: int, points: Sequence[int], window: int) -> np.ndarray | None:
    """w with w·y the pooled interrupted-time-series level shift β of y = α_e + β·post + γ·(t − t₀)
    within ±window of each point (None when a side of the windows has fewer than two periods)."""
    rows, x = _its_design(n, points, window)
    if x[:, 0].sum() < 2 or (1 - x[:, 0]).sum() < 2:
        return None
    weights = np.zeros(n)
    np.add.at(weights, rows, np.linalg.pinv(x)[0])
    return weights


def event_study(series: pd.Series, events: Sequence[pd.Period], window: int, *, placebos: int = 199,
                rng: int | np.random.Generator = 0) -> TestResult:
    """Interrupted time series around dated events, judged against placebo dates.

    Within ±``window`` periods of each event, pooled with an intercept per event: y_t = α_e +
    β·post_t + γ·(t − t₀) + ε_t; the effect is β. Its null distribution is β at ``placebos`` sets of
    random dates whose windows do not overlap the events' (every admissible date when one event
    and few dates), which carries the series' own dependence: placebo p = (1 + #|β*| ≥ |β|)/(m + 1).
    Neighbouring placebo dates share most of their data, so on short persistent series their β* are
    too alike and the placebo p alone over-rejects (0.09 at n = 120, φ = 0.5); β is therefore also
    set against β on AR(1) series fitted to the series' residuals from a shift at each event
    (:mod:`bilateral.explain.bootstrap`). The statistic is the larger of the two p-values, and its
    own null distribution comes from the same AR(1) series, each judged against its own placebo
    dates and the other series: taking the larger p without that step made the test conservative
    (false alarm 0.023 at n = 120, φ = 0). Interval β ± q₀.₉₅|β*| and power q₀.₉₅ + z₀.₈·sd β*,
    from the wider of the two null distributions.
    """
    y = _clean(series)
    values, n = y.to_numpy(), len(y)
    positions = [int(y.index.get_indexer([e], method="nearest")[0]) for e in events]
    weights = _its_weights(n, positions, window)
    if weights is None:
        raise BilateralError("the event windows hold too few periods before or after the events")
    beta = float(weights @ values)
    blocked = {i for p in positions for i in range(p - 2 * window, p + 2 * window + 1)}
    candidates = [i for i in range(window, n - window) if i not in blocked]
    generator = _generator(rng)
    if len(positions) == 1 and len(candidates) <= placebos:
        dates = [[c] for c in candidates]
    elif candidates:
        dates = [sorted(generator.choice(candidates, size=len(positions))) for _ in range(placebos)]
    else:
        dates = []
    placebo_weights = [w for d in dates if (w := _its_weights(n, d, window)) is not None]
    if len(placebo_weights) < 19:
        raise BilateralError(f"only {len(placebo_weights)} placebo dates fit outside the event windows (19 are "
                             f"needed for p < 0.05): use a longer series or a shorter window than {window}")
    placebo = np.array(placebo_weights)
    betas = placebo @ values
    steps = np.column_stack([np.ones(n)] + [np.arange(n) >= p for p in positions])
    residuals = Residuals(steps)
    phi, sigma = corrected_phi(residuals(values), residuals)
    sims = ar1_draws(n, phi, sigma, DRAWS, generator)
    simulated, sim_placebo = np.abs(sims @ weights), np.abs(sims @ placebo.T)
    p_placebo, p_ar = tail_p(abs(beta), np.abs(betas)), tail_p(abs(beta), simulated)
    null_placebo = (1 + np.sum(sim_placebo >= simulated[:, None], axis=1)) / (len(placebo) + 1)
    null_ar = np.sum(simulated[None, :] >= simulated[:, None], axis=1) / DRAWS
    null = np.maximum(null_placebo, null_ar)
    combined = max(p_placebo, p_ar)
    hits = int(np.sum(null <= combined))
    p = (1 + hits) / (DRAWS + 1) if hits else min(combined, 1 / (DRAWS + 1))
    q = max(float(np.quantile(np.abs(betas), 1 - ALPHA)), float(np.quantile(simulated, 1 - ALPHA)))
    spread = max(float(np.std(betas)), float(np.std(sims @ weights)))
    return TestResult(f"event study (ITS ±{window} periods, {len(betas)} placebo dates and AR(1) bootstrap "
                      f"φ̃ = {phi:.2f})", beta, beta - q, beta + q, p, n,
                      f"{len(positions)} event(s); placebo p = {p_placebo:.3f}, AR(1) p = {p_ar:.3f}",
                      {"sd": float(y.std()), "placebo_p": p_placebo}, "level shift", q + Z_POWER * spread)


def _cusum(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """max_k |Σ_{t≤k}(y_t − ȳ)| / (√n·ω̂) per row, and its argmax (the break's first period).

    ω̂² = s²(1 + ρ̂)/(1 − ρ̂) is the AR(1) long-run variance from the row's own lag-one
    autocorrelation ρ̂ (capped at ±``PHI_MAX``), which keeps the statistic's null spread nearly the same
    whatever the persistence.
    """
    y2 = np.atleast_2d(values)
    centred = y2 - y2.mean(axis=1, keepdims=True)
    path = np.abs(np.cumsum(centred, axis=1))[:, :-1]
    rho = np.clip(np.sum(centred[:, 1:] * centred[:, :-1], axis=1) / np.maximum(np.sum(centred**2, axis=1), 1e-300),
                  -PHI_MAX, PHI_MAX)
    scale = np.sqrt(y2.shape[1]) * np.maximum(y2.std(axis=1), 1e-12) * np.sqrt((1 + rho) / (1 - rho))
    return path.max(axis=1) / scale, path.argmax(axis=1) + 1


def change_points(series: pd.Series, at: Sequence[pd.Period] = (), *, rng: int | np.random.Generator = 0,
                  draws: int = DRAWS) -> TestResult:
    """A level shift at the named dates, or anywhere, with a calibrated false-alarm rate.

    With dates: y_t = α + β·1[t ≥ t_d] + u_t at each date d, u an AR(1), β tested with the AR(1)
    bootstrap (:mod:`bilateral.explain.bootstrap`); the effect is the shift (mean after minus
    before) at the date with the smallest p, and p is that p times the number of dates
    (Bonferroni). Without dates: the CUSUM of mean shifts, max_k |S_k|/(√n·sd) (Page 1954; Brown,
    Durbin & Evans 1975), calibrated by AR(1) draws fitted to the demeaned series (the null);
    the effect is the shift at the CUSUM's argmax (its interval is the same AR(1) bootstrap at
    that date and does not allow for the search). The main break is always reported.
    """
    y = _clean(series)
    values, n, generator = y.to_numpy(), len(y), _generator(rng)
    stat, where = _cusum(values)
    step = np.column_stack([np.ones(n), np.arange(n) >= where[0]])
    residuals = Residuals(np.ones((n, 1)))
    phi, _ = corrected_phi(residuals(values), residuals)
    stars, _ = _cusum(ar1_draws(n, phi, 1.0, draws, generator))
    p_any = tail_p(float(stat[0]), stars)
    main = y.index[int(where[0])]
    detail = f"main break {main} (CUSUM p = {p_any:.3f})"
    wanted = sorted({int(y.index.get_indexer([a], method="nearest")[0]) for a in at} - {0})
    if not wanted:
        fit = calibrated_slope(step, values, 1, generator, draws)
        return TestResult(f"change points (CUSUM, AR(1) bootstrap φ̃ = {phi:.2f}, {draws} draws)", fit.beta,
                          fit.low, fit.high, p_any, n, detail,
                          {"sd": float(y.std()), "breaks": [str(main)], "p_any": p_any}, "shift at the main break",
                          fit.mde)
    fits = {k: calibrated_slope(np.column_stack([np.ones(n), np.arange(n) >= k]), values, 1, generator, draws)
            for k in wanted}
    chosen = min(fits, key=lambda k: fits[k].p)
    fit = fits[chosen]
    detail = f"shift at {y.index[chosen]}; " + detail
    return TestResult(f"change points (step at the named dates, {fit.note()}; Bonferroni over {len(wanted)})",
                      fit.beta, fit.low, fit.high, min(1.0, fit.p * len(wanted)), n, detail,
                      {"sd": float(y.std()), "breaks": [str(main)], "p_any": p_any, "at": str(y.index[chosen])},
                      "shift at the named date", fit.mde)


def regression(series: pd.Series, predictors: pd.DataFrame, *, rng: int | np.random.Generator = 0,
               draws: int = DRAWS) -> TestResult:
    """OLS of the series on the predictors; the first predictor's slope (series units per unit of
    it) with the AR(1)-bootstrap t (the predictors held fixed, the errors an AR(1))."""
    data = pd.concat([series.rename("y"), predictors], axis=1).dropna()
    _clean(data["y"])
    first = predictors.columns[0]
    x = np.column_stack([np.ones(len(data)), data[list(predictors.columns)].to_numpy(float)])
    result = _slope_result(x, data["y"], "regression (OLS)", f"per unit of {first}", "", rng, draws)
    spread = float(data[first].std())
    result.extra["scale"] = (float(data["y"].std()) or 1.0) / (spread or 1.0)
    result.extra["standardised"] = result.effect / result.extra["scale"]
    result.detail = f"standardised slope {result.extra['standardised']:+.2f} SD per SD"
    return result


def _lagged(values: np.ndarray, lag: int) -> np.ndarray:
    """Lags y_{t−1} … y_{t−lag} for t = lag … n−1, as the last axis (values: (n,) or (draws, n))."""
    n = values.shape[-1]
    return np.stack([values[..., lag - i - 1:n - i - 1] for i in range(lag)], axis=-1)


def _granger_fits(y: np.ndarray, x: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F statistic, sum of the cause's lag coefficients and its OLS se for each row of ``y``."""
    y2 = np.atleast_2d(y)
    draws, n = y2.shape
    rows = n - lag
    own = np.concatenate([np.ones((draws, rows, 1)), _lagged(y2, lag)], axis=2)
    full = np.concatenate([own, np.broadcast_to(_lagged(x, lag), (draws, rows, lag))], axis=2)
    target = y2[:, lag:, None]

    def rss(design: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        gram = np.linalg.inv(np.transpose(design, (0, 2, 1)) @ design)
        coef = gram @ (np.transpose(design, (0, 2, 1)) @ target)
        return np.sum((target - design @ coef) ** 2, axis=(1, 2)), coef[:, :, 0], gram

    rss_full, coef, gram = rss(full)
    rss_own, *_ = rss(own)
    dof = rows - full.shape[2]
    f = ((rss_own - rss_full) / lag) / (rss_full / dof)
    var = gram[:, lag + 1:, lag + 1:].sum(axis=(1, 2)) * rss_full / dof
    return f, coef[:, lag + 1:].sum(axis=1), np.sqrt(np.maximum(var, 1e-300))


def _aic(y: np.ndarray, lag: int) -> float:
    """AIC of the series' own autoregression, n·log(RSS/n) + 2k (Akaike 1974)."""
    design = np.column_stack([np.ones(len(y) - lag), _lagged(y, lag)])
    target = y[lag:]
    rss = float(np.sum((target - design @ np.linalg.lstsq(design, target, rcond=None)[0]) ** 2))
    return len(target) * np.log(max(rss, 1e-300) / len(target)) + 2 * design.shape[1]


def granger(effect: pd.Series, cause: pd.Series, *, max_lag: int = 4, draws: int = DRAWS,
            rng: int | np.random.Generator = 0) -> TestResult:
    """Does ``cause`` Granger-cause ``effect``? F-test of the cause's lags (Granger 1969), the lag
    chosen by AIC of the series' own autoregression (common sample, up to ``max_lag``) — choosing it
    on the equation with the cause would inflate F — and bootstrapped.

    The restricted model y_t = c + Σ a_i y_{t−i} + e_t, its a_i bias-corrected by simulation
    (Kilian 1998; kept uncorrected if the correction leaves the stationary region), rebuilds
    ``draws`` series recursively with resampled residuals, the cause held fixed (a recursive
    residual bootstrap of the F statistic); p = share of F* ≥ F. The effect is the sum of the cause's lag
    coefficients (units of the series per unit of the cause) with a bootstrap-t interval.
    """
    data = pd.concat([effect.rename("effect"), cause.rename("cause")], axis=1).dropna()
    _clean(data["effect"])
    top = max(1, min(max_lag, len(data) // 5))
    y, x = data["effect"].to_numpy(), data["cause"].to_numpy()
    best = min(range(1, top + 1), key=lambda k: _aic(y[top - k:], k))
    generator = _generator(rng)
    f_obs, total, se = (float(v[0]) for v in _granger_fits(y, x, best))
    own = np.column_stack([np.ones(len(y) - best), _lagged(y, best)])
    a = np.linalg.lstsq(own, y[best:], rcond=None)[0]
    resid = y[best:] - own @ a
    centred = resid - resid.mean()

    def rebuild(coef: np.ndarray, count: int) -> np.ndarray:
        shocks = generator.choice(centred, size=(count, len(y)))
        built = np.tile(y, (count, 1))
        for i in range(best, len(y)):
            built[:, i] = coef[0] + built[:, i - best:i][:, ::-1] @ coef[1:] + shocks[:, i]
        return built

    sims = rebuild(a, BIAS_DRAWS)
    design = np.concatenate([np.ones((BIAS_DRAWS, len(y) - best, 1)), _lagged(sims, best)], axis=2)
    refit = np.linalg.solve(np.transpose(design, (0, 2, 1)) @ design,
                            np.transpose(design, (0, 2, 1)) @ sims[:, best:, None])[:, :, 0]
    corrected = a.copy()
    corrected[1:] = 2 * a[1:] - refit[:, 1:].mean(axis=0)
    if np.max(np.abs(np.roots(np.r_[1.0, -corrected[1:]]))) >= 1:
        corrected = a
    f_star, s_star, e_star = _granger_fits(rebuild(corrected, draws), x, best)
    critical = float(np.quantile(np.abs(s_star / e_star), 1 - ALPHA))
    p = tail_p(float(np.sqrt(max(f_obs, 0.0))), np.sqrt(np.maximum(f_star, 0)))
    return TestResult(f"Granger causality (lag {best} by AIC, F test, residual bootstrap {draws} draws)", total,
                      total - critical * se, total + critical * se, p, len(data), f"F = {f_obs:.2f}",
                      {"sd": float(data["effect"].std()),
                       "scale": float(data["effect"].std()) / (float(data["cause"].std()) or 1.0)},
                      "sum of the cause's lag coefficients",
                      (critical + Z_POWER) * se)


def decoupling(political: pd.Series, economic: pd.Series, *, draws: int = DRAWS,
               rng: int | np.random.Generator = 0) -> TestResult:
    """Co-movement of first differences of a political and an economic series (Pearson r).

    The null of independence is drawn by replacing the political series with AR(1) series fitted
    to it (bias-corrected, :mod:`bilateral.explain.bootstrap`), the economic one held fixed, and
    differencing both: p = share of |r*| ≥ |r|, interval r ± q₀.₉₅|r*|. ``decoupled`` needs the
    interval inside ±0.3 (``margin``) and no significant r (see ``verdict``).
    """
    data = pd.concat([political.rename("p"), economic.rename("e")], axis=1).dropna()
    _clean(data["p"])
    levels = data["p"].to_numpy()
    econ = np.diff(data["e"].to_numpy())
    r = float(np.corrcoef(np.diff(levels), econ)[0, 1]) if np.std(econ) > 0 else 0.0
    generator = _generator(rng)
    residuals = Residuals(np.ones((len(levels), 1)))
    phi, sigma = corrected_phi(residuals(levels), residuals)
    sims = np.diff(ar1_draws(len(levels), phi, sigma, draws, generator), axis=1)
    sims = sims - sims.mean(axis=1, keepdims=True)
    centred = econ - econ.mean()
    r_star = sims @ centred / np.maximum(np.linalg.norm(sims, axis=1) * np.linalg.norm(centred), 1e-300)
    q = float(np.quantile(np.abs(r_star), 1 - ALPHA))
    p = tail_p(abs(r), np.abs(r_star))
    return TestResult(f"decoupling (correlation of first differences, AR(1) bootstrap φ̃ = {phi:.2f})", r,
                      max(-1.0, r - q), min(1.0, r + q), p, len(data) - 1, "", {"sd": 1.0, "margin": 0.3},
                      "correlation", min(1.0, q + Z_POWER * float(np.std(r_star))))


def trend(series: pd.Series, *, rng: int | np.random.Generator = 0, draws: int = DRAWS) -> TestResult:
    """Linear trend, y_t = α + β·t/10 + u_t with u an AR(1); β (series units per 10 periods) with
    the AR(1)-bootstrap t (:mod:`bilateral.explain.bootstrap`)."""
    y = _clean(series)
    x = np.column_stack([np.ones(len(y)), np.arange(len(y)) / 10.0])
    return _slope_result(x, y, "linear trend", "per 10 periods", "", rng, draws)


@dataclass
class Context:
    """What a method may need besides its series: the case, the frequency, the rng, other series.

    ``series(ref)`` gives another series of the case at this frequency; the citation keys of every
    series handed out are collected in ``sources``.
    """

    case: Case
    freq: str
    rng: np.random.Generator
    evidence: Evidence
    sources: list[str] = field(default_factory=list)

    def series(self, ref: str) -> pd.Series:
        values, cited = self.evidence.series(ref, self.freq)
        self.sources.extend(cited)
        return values


class Method(ABC):
    """One explain method: ``spec`` is its registry entry, ``expectations`` the ones it implements."""

    spec: ClassVar[registry.MethodSpec]
    expectations: ClassVar[tuple[str, ...]]

    @abstractmethod
    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        """Apply the case's test specification ``test`` to ``series``."""

    def judge(self, result: TestResult, expectation: str, p_adjusted: float, side: Side = "either") -> str:
        """``supported``, ``contradicted`` or ``inconclusive`` for ``expectation`` (see :func:`verdict`)."""
        return verdict(result, self.spec.expectation(expectation), p_adjusted, side)


class PeriodComparison(Method):
    spec = registry.method("period_comparison")
    expectations = ("higher", "lower")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        """The first of ``compare`` against the periods of the others (a leader's other pairs count)."""
        ids = test.compare
        groups, target = groups_and_target(context.case, series.index, test.groups, ids, together=False)
        inside = groups[target]
        others = pd.Series(False, index=series.index)
        for other in ids[1:]:
            for key, mask in groups.items():
                if key == other or other in key.split("+"):
                    others |= mask
        others &= ~inside
        keep = inside | others
        return period_comparison(series[keep], inside[keep], rng=context.rng)


class Ranking(Method):
    spec = registry.method("ranking")
    expectations = ("best", "worst")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        groups, target = groups_and_target(context.case, series.index, test.groups, test.target, together=True)
        best = self.spec.expectation(test.expect).direction > 0
        return ranking(series, groups, target, best=best, rng=context.rng)


class EventStudy(Method):
    spec = registry.method("event_study")
    expectations = ("increase", "decrease", "no_change")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        events = event_periods(context.case, test.event, context.freq)
        return event_study(series, events, test.window, rng=context.rng)


class ChangePoints(Method):
    spec = registry.method("change_points")
    expectations = ("break_at", "no_break")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        """The shift at the named dates (or the main break), with the main break's nearest leader
        change or period start."""
        result = change_points(series, event_periods(context.case, test.at or [], context.freq), rng=context.rng)
        notes = nearest_transitions(result.extra["breaks"], context.case, context.freq)
        result.extra["nearest"] = notes
        if notes:
            result.detail += "; " + "; ".join(notes)
        return result

    def judge(self, result: TestResult, expectation: str, p_adjusted: float, side: Side = "either") -> str:
        """A break of either sign supports ``break_at`` when ``side`` is "either" and the shift is
        significant; every other case is :func:`verdict`'s rule."""
        if not self.spec.expectation(expectation).null and side == "either":
            return "supported" if np.isfinite(p_adjusted) and p_adjusted < ALPHA else "inconclusive"
        return super().judge(result, expectation, p_adjusted, side)


class Regression(Method):
    spec = registry.method("regression")
    expectations = ("positive", "negative", "none")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        frame = pd.concat([context.series(ref).rename(ref) for ref in test.predictors], axis=1)
        return regression(series, frame, rng=context.rng)


class Granger(Method):
    spec = registry.method("granger")
    expectations = ("causes", "no_cause")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        return granger(series, context.series(test.predictors[0]), rng=context.rng)


class Decoupling(Method):
    spec = registry.method("decoupling")
    expectations = ("coupled", "decoupled")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        return decoupling(series, context.series(test.predictors[0]), rng=context.rng)


class Trend(Method):
    spec = registry.method("trend")
    expectations = ("increase", "decrease", "flat")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        return trend(series, rng=context.rng)


METHODS: dict[str, type[Method]] = {cls.spec.name: cls for cls in (
    PeriodComparison, Ranking, EventStudy, ChangePoints, Regression, Granger, Decoupling, Trend)}
