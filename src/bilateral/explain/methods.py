"""The explain methods: plain functions on pandas Series, and one class per method for the engine.

Every function is usable on its own with Series on a PeriodIndex and returns a :class:`TestResult`
whose ``effect`` is oriented so that a positive value goes the way the hypothesis expects: pass
``direction=-1`` for ``lower``, ``decrease`` or ``negative`` expectations.

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
import ruptures
import statsmodels.api as sm
from scipy import stats
from statsmodels.tsa.stattools import grangercausalitytests

from bilateral.errors import BilateralError
from bilateral.explain.result import TestResult, verdict
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
    return clean


def hac_lags(n: int) -> int:
    """Newey–West lag length ⌊4 (n/100)^(2/9)⌋ (Newey & West 1994)."""
    return max(1, int(4 * (n / 100) ** (2 / 9)))


def _ols(y: pd.Series, x: pd.DataFrame):
    """OLS with Newey–West (HAC) standard errors."""
    return sm.OLS(y, sm.add_constant(x, has_constant="add")).fit(cov_type="HAC",
                                                                  cov_kwds={"maxlags": hac_lags(len(y))})


def _coefficient(fit, name: str, direction: int, method: str, n: int, detail: str, sd: float) -> TestResult:
    low, high = (direction * v for v in fit.conf_int().loc[name])
    return TestResult(method, float(direction * fit.params[name]), float(min(low, high)), float(max(low, high)),
                      float(fit.pvalues[name]), n, detail, {"sd": sd})


def period_comparison(series: pd.Series, inside: pd.Series, *, direction: int = 1) -> TestResult:
    """Mean level in the periods flagged by ``inside`` minus the mean elsewhere.

    y_t = α + β·D_t + ε_t with Newey–West HAC standard errors (relations series are serially
    correlated); effect β.
    """
    y = _clean(series)
    d = inside.reindex(y.index, fill_value=False).astype(float).rename("inside")
    if d.sum() < 2 or (1 - d).sum() < 2:
        raise BilateralError("each compared group needs at least two periods with data")
    detail = f"mean {y[d == 1].mean():.3g} in the group vs {y[d == 0].mean():.3g} outside"
    return _coefficient(_ols(y, d.to_frame()), "inside", direction, "period comparison (HAC OLS, group dummy)",
                        len(y), detail, float(y.std()))


def ranking(series: pd.Series, groups: Mapping[str, pd.Series], target: str, *, best: bool = True,
            draws: int = 2000, rng: int | np.random.Generator = 0) -> TestResult:
    """Does ``target`` rank first (``best``) or last among the groups by mean level?

    Effect: the target's mean minus the best other group's mean (for ``worst``: the worst other
    minus the target). Uncertainty by a moving-block bootstrap of (period, group) pairs (Künsch
    1989), block length ⌈n^(1/3)⌉: the interval of the effect and p = share of draws in which the
    target is not first. ``rng``: a seed or a numpy Generator for the bootstrap.
    """
    y = _clean(series)
    names = [name for name, mask in groups.items() if mask.reindex(y.index, fill_value=False).any()]
    if target not in names or len(names) < 2:
        raise BilateralError(f"ranking needs data for {target!r} and at least one other group")
    code = np.full(len(y), -1)
    for i, name in enumerate(names):
        code[groups[name].reindex(y.index, fill_value=False).to_numpy(bool)] = i
    values, sign, t = y.to_numpy(), (1 if best else -1), names.index(target)

    def gap(v: np.ndarray, g: np.ndarray) -> float:
        means = np.array([v[g == i].mean() if (g == i).any() else np.nan for i in range(len(names))])
        if np.isnan(means[t]):
            return np.nan
        others = np.delete(sign * means, t)
        return sign * means[t] - np.nanmax(others)

    n = len(values)
    block = max(1, int(np.ceil(n ** (1 / 3))))
    starts = np.random.default_rng(rng).integers(0, n - block + 1, size=(draws, -(-n // block)))
    index = (starts[:, :, None] + np.arange(block)).reshape(draws, -1)[:, :n]
    boot = np.array([gap(values[i], code[i]) for i in index])
    boot = boot[np.isfinite(boot)]
    order = sorted(names, key=lambda k: -sign * values[code == names.index(k)].mean())
    low, high = np.quantile(boot, [0.025, 0.975])
    shown = order[:5] + ([f"… {len(order) - 5} more"] if len(order) > 5 else [])
    detail = ("best first: " if best else "worst first: ") + " > ".join(shown)
    return TestResult(f"ranking (moving-block bootstrap, block {block}, {len(boot)} draws)",
                      float(gap(values, code)), float(low), float(high), float((boot <= 0).mean()), n, detail,
                      {"sd": float(y.std()), "order": order})


def event_study(series: pd.Series, events: Sequence[pd.Period], window: int, *, direction: int = 1,
                placebos: int = 100, rng: int | np.random.Generator = 0) -> TestResult:
    """Interrupted time series around dated events, with placebo dates.

    Within ±``window`` periods of each event: y_t = α + β·post_t + γ·(t − t₀) + ε_t (level shift β
    after the event, common local trend; Newey–West errors), pooled over the events with an
    intercept per event. The effect is β; p is the HAC p-value; the share of ``placebos`` random
    dates (outside the windows, drawn with ``rng``: a seed or a numpy Generator) whose β is at
    least as large is reported as ``placebo_p``.
    """
    y = _clean(series)
    positions = [y.index.get_indexer([e], method="nearest")[0] for e in events]

    def fit_at(points: Sequence[int]):
        rows = []
        for k, p in enumerate(points):
            lo, hi = max(0, p - window), min(len(y), p + window + 1)
            part = pd.DataFrame({"y": y.iloc[lo:hi].to_numpy(), "post": (np.arange(lo, hi) >= p).astype(float),
                                 "trend": np.arange(lo, hi) - p, "event": k})
            rows.append(part)
        data = pd.concat(rows, ignore_index=True)
        if data["post"].sum() < 2 or (1 - data["post"]).sum() < 2:
            return None
        x = pd.concat([data[["post", "trend"]],
                       pd.get_dummies(data["event"], prefix="e", drop_first=True, dtype=float)], axis=1)
        return _ols(data["y"], x), len(data)

    fitted = fit_at(positions)
    if fitted is None:
        raise BilateralError("the event windows hold too few periods before or after the events")
    fit, n = fitted
    result = _coefficient(fit, "post", direction, f"event study (ITS ±{window} periods, HAC)", n,
                          f"{len(positions)} event(s)", float(y.std()))
    generator = np.random.default_rng(rng)
    blocked = {i for p in positions for i in range(p - window, p + window + 1)}
    candidates = [i for i in range(window, len(y) - window) if i not in blocked]
    if candidates:
        betas = []
        for _ in range(placebos):
            placebo = generator.choice(candidates, size=len(positions))
            refit = fit_at(sorted(placebo))
            if refit is not None:
                betas.append(direction * refit[0].params["post"])
        if betas:
            result.extra["placebo_p"] = float(np.mean(np.array(betas) >= result.effect))
            result.detail += f"; placebo p = {result.extra['placebo_p']:.2f} ({len(betas)} dates)"
    return result


def change_points(series: pd.Series, at: Sequence[pd.Period] = (), *, tolerance: int = 2,
                  penalty: float | None = None) -> TestResult:
    """Unconstrained change points (PELT, Killick et al. 2012, via ruptures) compared with dates.

    Mean-shift cost on the standardised series, penalty 2·log n by default (BIC-like). The effect
    is the share of the named dates with a found break within ``tolerance`` periods (1 when no
    dates are named and any break is found); p is left undefined (``nan``): PELT is not a test.
    """
    y = _clean(series)
    z = ((y - y.mean()) / (y.std() or 1)).to_numpy()
    pen = penalty if penalty is not None else 2 * np.log(len(z))
    found = ruptures.Pelt(model="l2", min_size=2).fit(z).predict(pen=pen)[:-1]
    breaks = [y.index[i] for i in found]
    wanted = [y.index.get_indexer([a], method="nearest")[0] for a in at]
    hits = [any(abs(b - w) <= tolerance for b in found) for w in wanted]
    share = float(np.mean(hits)) if wanted else float(bool(found))
    detail = f"breaks at {', '.join(map(str, breaks)) or 'none'}"
    return TestResult(f"change points (PELT, penalty {pen:.1f})", share, share, share, float("nan"), len(y),
                      detail, {"breaks": [str(b) for b in breaks], "hits": hits, "sd": 1.0})


def regression(series: pd.Series, predictors: pd.DataFrame, *, direction: int = 1) -> TestResult:
    """OLS of the series on the predictors with HAC errors; the effect is the first predictor's slope
    in standard deviations of y per standard deviation of x (standardised coefficient)."""
    data = pd.concat([series.rename("y"), predictors], axis=1).dropna()
    _clean(data["y"])
    z = (data - data.mean()) / data.std().replace(0, 1)
    first = predictors.columns[0]
    fit = _ols(z["y"], z[list(predictors.columns)])
    return _coefficient(fit, first, direction, "regression (standardised OLS, HAC)", len(z),
                        f"R² = {fit.rsquared:.2f}", 1.0)


def granger(effect: pd.Series, cause: pd.Series, *, max_lag: int = 4, direction: int = 1) -> TestResult:
    """Does ``cause`` Granger-cause ``effect``? VAR lag chosen by AIC up to ``max_lag``; F-test.

    The effect reported is the sum of the cause's lag coefficients in the chosen equation.
    """
    data = pd.concat([effect.rename("effect"), cause.rename("cause")], axis=1).dropna()
    _clean(data["effect"])
    lag = max(1, min(max_lag, len(data) // 5))
    results = grangercausalitytests(data[["effect", "cause"]].to_numpy(), maxlag=lag)
    best = min(results, key=lambda k: results[k][1][1].aic)
    f_stat, p, *_ = results[best][0]["ssr_ftest"]
    unrestricted = results[best][1][1]
    slopes = unrestricted.params[best:2 * best]
    total = float(np.sum(slopes)) * direction
    return TestResult(f"Granger causality (lag {best} by AIC, F test)", total, total, total, float(p), len(data),
                      f"F = {f_stat:.2f}", {"sd": float(data['effect'].std())})


def decoupling(political: pd.Series, economic: pd.Series) -> TestResult:
    """Co-movement of first differences of a political and an economic series (Pearson r).

    Effect r with a Fisher-z interval and p for r ≠ 0. ``decoupled`` means no significant
    co-movement with a narrow interval (|r| < 0.3 at both ends, see ``verdict``).
    """
    data = pd.concat([political.rename("p"), economic.rename("e")], axis=1).dropna().diff().dropna()
    _clean(data["p"])
    r, p = stats.pearsonr(data["p"], data["e"])
    half = 1.96 / np.sqrt(max(len(data) - 3, 1))
    low, high = np.tanh(np.arctanh(np.clip(r, -0.999, 0.999)) + np.array([-half, half]))
    return TestResult("decoupling (correlation of first differences)", float(r), float(low), float(high), float(p),
                      len(data), "", {"sd": 0.6})


def trend(series: pd.Series, *, direction: int = 1) -> TestResult:
    """Linear trend per period, y_t = α + β·t + ε_t, HAC errors; the effect is β in SD per 10 periods."""
    y = _clean(series)
    sd = float(y.std()) or 1.0
    t = pd.Series(np.arange(len(y)) / 10.0, index=y.index, name="trend")
    fit = _ols(y / sd, t.to_frame())
    return _coefficient(fit, "trend", direction, "linear trend (HAC OLS, SD per 10 periods)", len(y), "", 1.0)


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

    def judge(self, result: TestResult, expectation: str, p_adjusted: float) -> str:
        """``supported``, ``contradicted`` or ``inconclusive`` for ``expectation`` (see :func:`verdict`)."""
        return verdict(result, self.spec.expectation(expectation), p_adjusted)

    def direction(self, test: TestSpec) -> int:
        """How to orient the effect: −1 for a negative expectation, else +1 (null ones included)."""
        return -1 if self.spec.expectation(test.expect).direction < 0 else 1


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
        return period_comparison(series[keep], inside[keep], direction=self.direction(test))


class Ranking(Method):
    spec = registry.method("ranking")
    expectations = ("best", "worst")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        groups, target = groups_and_target(context.case, series.index, test.groups, test.target, together=True)
        return ranking(series, groups, target, best=self.direction(test) > 0, rng=context.rng)

    def judge(self, result: TestResult, expectation: str, p_adjusted: float) -> str:
        """Contradicted when the bootstrap interval puts another group ahead; else :func:`verdict`."""
        if result.high < 0:
            return "contradicted"
        return super().judge(result, expectation, p_adjusted)


class EventStudy(Method):
    spec = registry.method("event_study")
    expectations = ("increase", "decrease", "no_change")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        events = event_periods(context.case, test.event, context.freq)
        return event_study(series, events, test.window, direction=self.direction(test), rng=context.rng)


class ChangePoints(Method):
    spec = registry.method("change_points")
    expectations = ("break_at", "no_break")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        """Breaks against the named dates, each break with its nearest leader change or period start."""
        result = change_points(series, event_periods(context.case, test.at or [], context.freq))
        notes = nearest_transitions(result.extra["breaks"], context.case, context.freq)
        result.extra["nearest"] = notes
        if notes:
            result.detail += "; " + "; ".join(notes)
        return result

    def judge(self, result: TestResult, expectation: str, p_adjusted: float) -> str:
        """PELT has no p-value: ``break_at`` is supported when half the dates have a break nearby and
        contradicted when none has but breaks were found elsewhere; ``no_break`` the reverse."""
        hit = result.effect
        if self.spec.expectation(expectation).null:
            return "supported" if hit == 0 else "contradicted" if hit >= 0.5 else "inconclusive"
        if hit >= 0.5:
            return "supported"
        return "contradicted" if hit == 0 and result.extra["breaks"] else "inconclusive"


class Regression(Method):
    spec = registry.method("regression")
    expectations = ("positive", "negative", "none")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        frame = pd.concat([context.series(ref).rename(ref) for ref in test.predictors], axis=1)
        return regression(series, frame, direction=self.direction(test))


class Granger(Method):
    spec = registry.method("granger")
    expectations = ("causes", "no_cause")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        return granger(series, context.series(test.predictors[0]), direction=self.direction(test))


class Decoupling(Method):
    spec = registry.method("decoupling")
    expectations = ("coupled", "decoupled")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        return decoupling(series, context.series(test.predictors[0]))


class Trend(Method):
    spec = registry.method("trend")
    expectations = ("increase", "decrease", "flat")

    def run(self, series: pd.Series, test: TestSpec, context: Context) -> TestResult:
        return trend(series, direction=self.direction(test))


METHODS: dict[str, type[Method]] = {cls.spec.name: cls for cls in (
    PeriodComparison, Ranking, EventStudy, ChangePoints, Regression, Granger, Decoupling, Trend)}
