"""The relations over time: inertia around a norm, moved by shocks (docs/models.md §13).

The measured relation index y_t is a level set by the enduring factors (the norm μ), moved by the
exposures x_k(t) of the dated time-limited shocks (:mod:`bilateral.simulate.shocks`), plus an
autoregressive departure that carries yesterday's relation into today's (inertia ρ):

    y_t = μ + Σ_k β_k x_k(t; h_k) + u_t + e_t,   u_t = ρ u_{t−1} + ε_t,
    ε_t ~ N(0, σ²),   e_t ~ N(0, v_t)  (v_t: the index's own band variance; 0 without bands)

— a regression with AR(1) errors and intervention terms (Box & Tiao 1975, JASA 70(349):70–79),
written as a state-space model and fitted by exact Gaussian maximum likelihood through the Kalman
filter of statsmodels (Durbin & Koopman 2012, *Time Series Analysis by State Space Methods*, §7).
Half-lives h_k are estimated with the effects; intervals are Wald intervals from the numerical
Hessian. With one undirected index, reciprocity (each side answering the other's last move)
is not separable from inertia: both are in ρ. Enduring factors set μ (seed 003's abstract,
003_38330fa16acfc2ba.txt:L6); the seed expects stalemate "unless there is a shocking event"
(000_7f62de5ec775ad22.txt:L8-12).

The simulator has its own protocol rather than ``BargainingModel.solve``: a :class:`Process`
gives an initial state and a ``step``; a :class:`Recorder` keeps what it needs of each step's
state; :func:`sweep` runs a process over all paths at once, period by period, calling every
recorder — the coupled negotiation (:mod:`bilateral.simulate.coupling`) is one such recorder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy.stats import norm as gaussian
from statsmodels.tsa.statespace.mlemodel import MLEModel
from statsmodels.tsa.statespace.tools import (
    constrain_stationary_univariate,
    unconstrain_stationary_univariate,
)

from bilateral.errors import BilateralError
from bilateral.simulate.shocks import Shock, elapsed, exposure, periods_per_year

State = dict[str, np.ndarray]


class _RelationsSSM(MLEModel):
    """The state-space form: state u_t (AR(1)), time-varying intercept μ + Σ β_k x_k(t; h_k)."""

    def __init__(self, endog: pd.Series, shocks: Sequence[Shock], variance: np.ndarray):
        super().__init__(endog, k_states=1, initialization="stationary")
        self.shocks = list(shocks)
        self.per_year = periods_per_year(endog.index)
        self.steps = [elapsed(endog.index, s.start) for s in self.shocks]
        self.decaying = [k for k, s in enumerate(self.shocks) if s.kind == "decaying"]
        self["design", 0, 0] = 1.0
        self["selection", 0, 0] = 1.0
        self["obs_intercept"] = np.zeros((1, self.nobs))
        self["obs_cov"] = np.asarray(variance, float).reshape(1, 1, self.nobs)

    @property
    def param_names(self) -> list[str]:
        return (["norm", "inertia", "sigma2"] + [f"effect.{s.id}" for s in self.shocks]
                + [f"half_life.{self.shocks[k].id}" for k in self.decaying])

    def exposures(self, params: np.ndarray, steps: list[np.ndarray] | None = None) -> np.ndarray:
        """(K, T) exposures at the half-lives in ``params`` (years)."""
        steps = self.steps if steps is None else steps
        hl = dict(zip(self.decaying, params[3 + len(self.shocks):], strict=True))
        rows = [exposure(st, s.kind, hl.get(k, 1.0) * self.per_year)
                for k, (s, st) in enumerate(zip(self.shocks, steps, strict=True))]
        return np.array(rows).reshape(len(self.shocks), -1)

    @property
    def start_params(self) -> np.ndarray:
        y = np.asarray(self.endog, float).ravel()
        ok = ~np.isnan(y)
        hl = [float(np.sqrt(np.prod(self.shocks[k].half_life))) for k in self.decaying]
        base = np.r_[np.nanmean(y), 0.5, 1.0, np.zeros(len(self.shocks)), hl]
        x = self.exposures(base)
        design = np.column_stack([np.ones(ok.sum()), x[:, ok].T])
        coef, *_ = np.linalg.lstsq(design, y[ok], rcond=None)
        resid = y[ok] - design @ coef
        base[0], base[3:3 + len(self.shocks)] = coef[0], coef[1:]
        base[2] = max(float(np.var(resid)), 1e-8)
        return base

    def transform_params(self, unconstrained: np.ndarray) -> np.ndarray:
        p = np.array(unconstrained, dtype=float)
        p[1] = constrain_stationary_univariate(unconstrained[1:2])[0]
        p[2] = unconstrained[2] ** 2
        for j, k in enumerate(self.decaying):
            low, high = self.shocks[k].half_life
            p[3 + len(self.shocks) + j] = low + (high - low) / (1 + np.exp(-unconstrained[3 + len(self.shocks) + j]))
        return p

    def untransform_params(self, constrained: np.ndarray) -> np.ndarray:
        p = np.array(constrained, dtype=float)
        p[1] = unconstrain_stationary_univariate(constrained[1:2])[0]
        p[2] = np.sqrt(constrained[2])
        for j, k in enumerate(self.decaying):
            low, high = self.shocks[k].half_life
            share = np.clip((constrained[3 + len(self.shocks) + j] - low) / (high - low), 1e-9, 1 - 1e-9)
            p[3 + len(self.shocks) + j] = np.log(share / (1 - share))
        return p

    def update(self, params: np.ndarray, **kwargs: Any) -> None:
        params = super().update(params, **kwargs)
        effects = params[3:3 + len(self.shocks)]
        self["obs_intercept"] = (params[0] + effects @ self.exposures(params))[None, :]
        self["transition", 0, 0] = params[1]
        self["state_cov", 0, 0] = params[2]


@dataclass(frozen=True, repr=False)
class RelationsFit:
    """The fitted dynamic model: estimates with intervals, the data, and what simulation needs."""

    series: pd.Series
    shocks: tuple[Shock, ...]
    params: pd.Series
    cov: pd.DataFrame
    loglik: float
    level: float
    last_state: float
    last_state_var: float
    converged: bool
    sources: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()

    @property
    def per_year(self) -> int:
        return periods_per_year(self.series.index)

    @property
    def norm(self) -> float:
        return float(self.params["norm"])

    @property
    def inertia(self) -> float:
        return float(self.params["inertia"])

    @property
    def sigma(self) -> float:
        return float(np.sqrt(self.params["sigma2"]))

    @property
    def spread(self) -> float:
        """Stationary standard deviation of the departure u: σ / √(1 − ρ²)."""
        return self.sigma / np.sqrt(max(1 - self.inertia ** 2, 1e-9))

    def table(self) -> pd.DataFrame:
        """One row per parameter: estimate, standard error, interval at ``level``, what it means."""
        z = gaussian.ppf(0.5 + self.level / 2)
        se = np.sqrt(np.clip(np.diag(self.cov.to_numpy()), 0, None))
        rows = []
        for (name, value), s in zip(self.params.items(), se, strict=True):
            low, high = value - z * s, value + z * s
            kind, _, shock = name.partition(".")
            if kind == "half_life":
                bounds = next(sh.half_life for sh in self.shocks if sh.id == shock)
                low, high = max(low, bounds[0]), min(high, bounds[1])
            rows.append({"parameter": name, "estimate": float(value), "se": float(s), "low": float(low),
                         "high": float(high), "meaning": _MEANING.get(kind, "").format(shock=shock)})
        frame = pd.DataFrame(rows)
        frame.attrs["sources"] = sorted(set(self.sources) | {s.source for s in self.shocks if s.source})
        return frame

    def levels(self, index: pd.PeriodIndex, params: np.ndarray | None = None) -> np.ndarray:
        """(P, T): μ + Σ β_k x_k(t) over ``index`` for P parameter vectors (default: the estimates)."""
        p = self.params.to_numpy()[None, :] if params is None else np.atleast_2d(params)
        x = self._exposures(index, p)
        return p[:, :1] + np.einsum("kpt,pk->pt", x, p[:, 3:3 + len(self.shocks)])

    def _exposures(self, index: pd.PeriodIndex, params: np.ndarray) -> np.ndarray:
        """(K, P, T) exposures over ``index`` for P parameter vectors."""
        k_shocks = len(self.shocks)
        out = np.zeros((k_shocks, params.shape[0], len(index)))
        j = 0
        for k, s in enumerate(self.shocks):
            steps = elapsed(index, s.start)
            if s.kind == "persistent":
                out[k] = exposure(steps, "persistent")[None, :]
            else:
                hl = params[:, 3 + k_shocks + j][:, None] * self.per_year
                out[k] = exposure(steps[None, :], "decaying", hl)
                j += 1
        return out

    def draw_params(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` parameter vectors from the estimates' normal approximation, kept in their domain
        (|ρ| < 0.995, σ² > 0, half-lives inside their declared ranges)."""
        p = rng.multivariate_normal(self.params.to_numpy(), self.cov.to_numpy(), size=n,
                                    check_valid="ignore", method="eigh")
        p[:, 1] = np.clip(p[:, 1], -0.995, 0.995)
        p[:, 2] = np.abs(p[:, 2])
        k_shocks = len(self.shocks)
        for j, s in enumerate(s for s in self.shocks if s.kind == "decaying"):
            p[:, 3 + k_shocks + j] = np.clip(p[:, 3 + k_shocks + j], *s.half_life)
        return p

    def process(self, paths: int, rng: np.random.Generator, impulses: Sequence[Impulse] = (),
                parameter_uncertainty: bool = True) -> RelationsProcess:
        """A :class:`RelationsProcess` starting after the last observed period."""
        params = (self.draw_params(paths, rng) if parameter_uncertainty
                  else np.repeat(self.params.to_numpy()[None, :], paths, axis=0))
        return RelationsProcess(self, params, tuple(impulses))

    def forecast(self, horizon: int, *, paths: int = 2000, rng: int | np.random.Generator | None = None,
                 levels: Sequence[float] = (0.5, 0.8, 0.9)) -> pd.DataFrame:
        """Fan chart: per future period the median and central intervals of simulated paths
        (innovations and parameter uncertainty)."""
        gen = np.random.default_rng(rng)
        rec = StateRecorder(("relation",))
        periods = future_periods(self.series.index, horizon)
        sweep(self.process(paths, gen), periods, gen, [rec])
        return fan(rec.frame("relation"), levels, self.sources)

    def __repr__(self) -> str:
        return (f"RelationsFit({len(self.series.dropna())} periods {self.series.index[0]}–"
                f"{self.series.index[-1]}, norm {self.norm:.3g}, inertia {self.inertia:.3g}, "
                f"{len(self.shocks)} shocks)")


_MEANING = {
    "norm": "level the enduring factors set (index units)",
    "inertia": "share of last period's departure from the norm carried over (ρ)",
    "sigma2": "variance of a period's innovation (σ²)",
    "effect": "jump of the index when {shock} starts (index units)",
    "half_life": "years for {shock}'s effect to halve",
}


def fit_relations(series: pd.Series, shocks: Iterable[Shock] = (), *,
                  variance: pd.Series | np.ndarray | None = None, level: float = 0.9,
                  min_after: int = 3, maxiter: int = 500) -> RelationsFit:
    """Fit the relations model above to an index on a PeriodIndex by maximum likelihood.

    Parameters
    ----------
    series
        The measured index on a PeriodIndex (leading and trailing gaps are trimmed; inner gaps
        are filtered).
    shocks
        The dated shocks; one observed fewer than ``min_after`` periods (or not at all) after
        its start is left out of this fit and named in ``dropped``.
    variance
        Per-period measurement variance of the index (e.g. from its bands); 0 without.
    level
        Coverage of the reported intervals.
    min_after
        Periods a shock must be observed after its start to be fitted.
    maxiter
        Iterations of the likelihood optimiser.

    Returns
    -------
    RelationsFit
        Inertia, norm and shocks with their intervals and half-lives (``table()``), and
        ``forecast(periods, rng=…)`` for the fan chart.

    References
    ----------
    The model's equations: ``docs/models.md`` §13.

    Examples
    --------
    >>> fit = simulate.fit_relations(panel["unga.agreement"])
    >>> fit.table()
    >>> fit.forecast(20, rng=1)
    """
    if not isinstance(series, pd.Series) or not isinstance(series.index, pd.PeriodIndex):
        raise BilateralError("fit_relations: series must be a pandas Series on a PeriodIndex "
                             "(e.g. LatentIndex.mean or panel['unga.agreement'])")
    y = series.astype(float)
    obs = y.dropna()
    if len(obs) < 12:
        raise BilateralError(f"fit_relations: {len(obs)} observed periods — the model needs at least 12")
    y = y.loc[obs.index[0]:obs.index[-1]]
    var = np.zeros(len(y)) if variance is None else (
        pd.Series(variance).reindex(y.index).fillna(0).to_numpy() if isinstance(variance, pd.Series)
        else np.asarray(variance, float))
    if var.shape != (len(y),):
        raise BilateralError(f"fit_relations: variance has {var.size} values for {len(y)} periods")
    kept, dropped = [], []
    observed_index = pd.PeriodIndex(obs.index)
    for s in shocks:
        after = int((elapsed(observed_index, s.start) >= 0).sum())
        (kept if after >= min_after and after < len(obs) else dropped).append(s)
    model = _RelationsSSM(y, kept, var)
    res = model.fit(disp=False, method="lbfgs", maxiter=maxiter, cov_type="approx")
    names = model.param_names
    cov = np.asarray(res.cov_params())
    cov = np.where(np.isfinite(cov), cov, 0.0)
    return RelationsFit(
        series=y, shocks=tuple(kept), params=pd.Series(np.asarray(res.params), index=names),
        cov=pd.DataFrame(cov, index=names, columns=names), loglik=float(res.llf), level=level,
        last_state=float(res.filtered_state[0, -1]), last_state_var=float(res.filtered_state_cov[0, 0, -1]),
        converged=bool(res.mle_retvals.get("converged", True)),
        sources=tuple(series.attrs.get("sources", ())), dropped=tuple(s.id for s in dropped))


def future_periods(index: pd.PeriodIndex, horizon: int) -> pd.PeriodIndex:
    """The ``horizon`` periods after the last one of ``index``."""
    return pd.period_range(index[-1] + 1, periods=horizon, freq=index.freq)


# --- the simulator's protocol ---------------------------------------------------------------


class Process(Protocol):
    """A simulated system: all paths at once, one period per ``step``."""

    def initial(self) -> State: ...

    def step(self, state: State, period: pd.Period, rng: np.random.Generator) -> State: ...


class Recorder(Protocol):
    """Keeps what it needs of the state after each step."""

    def record(self, period: pd.Period, state: State) -> None: ...


@dataclass
class StateRecorder:
    """Records the named state arrays (one value per path) at every step."""

    keys: tuple[str, ...]
    periods: list[pd.Period] = field(default_factory=list)
    values: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def record(self, period: pd.Period, state: State) -> None:
        self.periods.append(period)
        for key in self.keys:
            self.values.setdefault(key, []).append(np.array(state[key], dtype=float))

    def frame(self, key: str) -> pd.DataFrame:
        """Periods × paths of one recorded key."""
        return pd.DataFrame(np.array(self.values[key]), index=pd.PeriodIndex(self.periods))


def sweep(process: Process, periods: Sequence[pd.Period], rng: np.random.Generator,
          recorders: Sequence[Recorder] = (), progress: Callable[[int], None] | None = None) -> State:
    """Run ``process`` over ``periods``: step every path, then let each recorder see the state.
    ``progress`` (if given) is called with the number of periods done. Returns the final state."""
    state = process.initial()
    for k, period in enumerate(periods):
        state = process.step(state, period, rng)
        for rec in recorders:
            rec.record(period, state)
        if progress is not None:
            progress(k + 1)
    return state


@dataclass(frozen=True)
class Impulse:
    """A scenario's push on a driver ("relation", "rapport", a popularity …) from ``start``:
    ``size`` per path (relation: in stationary standard deviations), fading with ``half_life``
    years or persistent when it is ``None``."""

    driver: str
    start: pd.Period
    size: np.ndarray | float
    half_life: float | None = None

    def at(self, period: pd.Period) -> np.ndarray | float:
        index = pd.PeriodIndex([period])
        steps = elapsed(index, self.start)
        per = periods_per_year(index)
        x = exposure(steps, "persistent" if self.half_life is None else "decaying",
                     1.0 if self.half_life is None else self.half_life * per)[0]
        return np.asarray(self.size) * x


@dataclass
class RelationsProcess:
    """The fitted relations model run forward: one parameter vector per path.

    State keys: ``u`` (departure), ``relation`` (index units), ``z`` (departure from the norm in
    stationary standard deviations, what couplings read) and ``impulse.<driver>`` for every
    scenario driver other than the relation.
    """

    fit: RelationsFit
    params: np.ndarray
    impulses: tuple[Impulse, ...] = ()

    @property
    def paths(self) -> int:
        return self.params.shape[0]

    def initial(self) -> State:
        fit, last = self.fit, self.fit.series.index[-1:]
        # the filtered departure at the last period, moved by each path's own level there
        u = fit.last_state + fit.levels(last)[0, 0] - fit.levels(last, self.params)[:, 0]
        return {"u": u, "relation": fit.levels(last, self.params)[:, 0] + u,
                "z": u / fit.spread}

    def _impulse(self, driver: str, period: pd.Period) -> np.ndarray:
        total = np.zeros(self.paths)
        for imp in self.impulses:
            if imp.driver == driver:
                total = total + imp.at(period)
        return total

    def step(self, state: State, period: pd.Period, rng: np.random.Generator) -> State:
        p = self.params
        rho, sigma = p[:, 1], np.sqrt(p[:, 2])
        u = rho * state["u"] + sigma * rng.standard_normal(self.paths)
        level = self.fit.levels(pd.PeriodIndex([period]), p)[:, 0]
        spread = sigma / np.sqrt(np.clip(1 - rho ** 2, 1e-9, None))
        push = self._impulse("relation", period)
        out = {"u": u, "relation": level + u + spread * push, "z": u / spread + push}
        for driver in {imp.driver for imp in self.impulses} - {"relation"}:
            out[f"impulse.{driver}"] = self._impulse(driver, period)
        return out


def fan(paths: pd.DataFrame, levels: Sequence[float], sources: Sequence[str] = ()) -> pd.DataFrame:
    """Per period the median and the central ``levels`` intervals of periods × paths."""
    values = paths.to_numpy()
    out = pd.DataFrame({"period": paths.index.astype(str), "median": np.median(values, axis=1)})
    for lv in levels:
        out[f"low_{lv:g}"] = np.quantile(values, 0.5 - lv / 2, axis=1)
        out[f"high_{lv:g}"] = np.quantile(values, 0.5 + lv / 2, axis=1)
    out.attrs["sources"] = sorted(set(sources))
    return out


# --- back-test --------------------------------------------------------------------------------


def crps_ensemble(draws: np.ndarray, y: float) -> float:
    """CRPS of an ensemble: E|X − y| − ½ E|X − X'| (Gneiting & Raftery 2007, JASA 102(477):359–378,
    eq. 21), with E|X − X'| = 2/m² Σ (2i − m − 1) x_(i) over the sorted draws."""
    x = np.sort(np.asarray(draws, float))
    m = x.size
    return float(np.mean(np.abs(x - y)) - np.sum((2 * np.arange(1, m + 1) - m - 1) * x) / m ** 2)


def crps_normal(mean: float, sd: float, y: float) -> float:
    """CRPS of N(mean, sd²): sd [z(2Φ(z) − 1) + 2φ(z) − 1/√π], z = (y − mean)/sd
    (Gneiting & Raftery 2007, eq. 5)."""
    z = (y - mean) / sd
    return float(sd * (z * (2 * gaussian.cdf(z) - 1) + 2 * gaussian.pdf(z) - 1 / np.sqrt(np.pi)))


def backtest(series: pd.Series, shocks: Sequence[Shock], origins: Sequence[pd.Period | str | int], *,
             horizon: int = 5, level: float = 0.9, paths: int = 2000,
             rng: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Fit up to each origin Y, forecast Y+1…Y+h, score against what happened.

    Methods: ``dynamic`` (this model, simulated with parameter uncertainty; shocks after Y are
    unknown at Y and left out), ``persistence`` (y_{Y+j} ~ N(y_Y, j s²_Δ), s_Δ the sd of the
    changes up to Y) and ``mean`` (N(ȳ, s²) of the data up to Y). One row per origin, method and
    horizon step: CRPS and whether the central ``level`` interval covered the outcome.
    """
    gen = np.random.default_rng(rng)
    z = gaussian.ppf(0.5 + level / 2)
    rows = []
    y = series.astype(float)
    for origin in origins:
        origin = pd.Period(str(origin), freq=y.index.freq)
        past = y.loc[:origin]
        future = y.loc[origin + 1: origin + horizon].dropna()
        if future.empty:
            raise BilateralError(f"backtest: origin {origin} leaves nothing to score in the next "
                                 f"{horizon} periods — choose an earlier origin")
        known = [s for s in shocks if s.start.asfreq(y.index.freq, how="start") <= origin]
        fit = fit_relations(past, known)
        rec = StateRecorder(("relation",))
        sweep(fit.process(paths, gen), future_periods(fit.series.index, horizon), gen, [rec])
        sims = rec.frame("relation")
        obs = past.dropna()
        s_delta, mean, sd = float(obs.diff().std()), float(obs.mean()), float(obs.std())
        for period, actual in future.items():
            j = int(period.ordinal - origin.ordinal)
            draws = sims.loc[period].to_numpy()
            lo, hi = np.quantile(draws, [0.5 - level / 2, 0.5 + level / 2])
            rows.append({"origin": str(origin), "step": j, "period": str(period), "actual": actual,
                         "method": "dynamic", "crps": crps_ensemble(draws, actual),
                         "covered": bool(lo <= actual <= hi)})
            for method, (m, s) in {"persistence": (float(obs.iloc[-1]), s_delta * np.sqrt(j)),
                                   "mean": (mean, sd)}.items():
                rows.append({"origin": str(origin), "step": j, "period": str(period), "actual": actual,
                             "method": method, "crps": crps_normal(m, s, actual),
                             "covered": bool(m - z * s <= actual <= m + z * s)})
    frame = pd.DataFrame(rows)
    frame.attrs["sources"] = sorted(set(series.attrs.get("sources", ())))
    return frame


def backtest_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Per method: mean CRPS, its ratio to persistence, interval coverage and the forecasts scored."""
    out = scores.groupby("method").agg(crps=("crps", "mean"), coverage=("covered", "mean"),
                                       forecasts=("crps", "size"))
    out["crps_vs_persistence"] = out["crps"] / out.loc["persistence", "crps"]
    out = out.reindex(["dynamic", "persistence", "mean"]).reset_index()
    out.attrs["sources"] = scores.attrs.get("sources", [])
    return out
