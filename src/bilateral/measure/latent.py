"""One latent relation-quality series per dyad, fused from every relation series by a state-space model.

Model (a one-factor dynamic factor model, Stock & Watson 1989; annual series through Harvey's
cumulator, Harvey 1989 §6.3; Kalman filter, smoother and simulation smoother of statsmodels,
Durbin & Koopman 2012)::

    x_t = φ x_{t−1} + η_t,          η_t ~ N(0, 1 − φ²)                (latent relation quality)
    y_it = c_i + λ_i x_t + ε_it,    ε_it ~ N(0, σ_i² w̄_i / w_it)        (series i in period t)

- **Identification.** In the model x is stationary with mean 0 and variance 1 (the innovation
  variance is 1 − φ²). The published index is x standardised over the sample: the smoothed mean
  minus its sample mean, divided by the posterior expected sample sd, √mean((m_t − m̄)² + P_t);
  bands, draws and loadings are in the same units. Positive means better relations: each
  series' loading is constrained to the sign of its known direction (UN agreement, trade,
  liking, events, summits, GDELT +; ideal-point distance, disliking −), so a series whose
  movements contradict the others gets a loading of 0 rather than turning the index over; for
  series without a direction, the anchor (UN vote agreement, else the first event index, else
  the GDELT score, else the first series) loads positively.
- **Series.** Each has its own intercept c_i, loading λ_i and noise σ_i, so a coder's or a
  dataset's drift in level and scale is absorbed by its own parameters. Trade enters as its
  change in logs over a year (its level grows with prices and economies whatever the relations).
  Ratio series computed from a varying number of records (UN agreement from roll calls, event
  indices from events, GDELT from days with a file) have noise variance inversely proportional
  to that count w_it (w̄_i its mean). σ_i ≥ :data:`MIN_SD` sds of the series: no series pins x.
- **Missing and mixed frequencies.** Missing periods are skipped by the filter. In a monthly
  index an annual series (COW trade, ideal-point distance) is the *mean of the year's twelve
  months*, observed in December through the cumulator a_t = ψ_t a_{t−1} + x_t / 12 (ψ_t = 0 in
  January, 1 otherwise), a second state; annual states that the monthly panel repeats in each
  month are read from the yearly panel, once a year.
- **Estimation.** Maximum likelihood by L-BFGS-B on the exact score, which Fisher's identity
  gives from the smoothed moments (the E-step of Shumway & Stoffer 1982), one smoother pass per
  evaluation.
- **Bands.** 90 % bands are the smoothed mean ± 1.645 smoothed sd, given the estimated
  parameters; :meth:`LatentIndex.draws` gives paths from the simulation smoother, with which
  :meth:`LatentIndex.best_periods` finds the probability that each case period or leader pair
  had the best relations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import norm
from statsmodels.tsa.statespace.kalman_smoother import (
    SMOOTHER_STATE,
    SMOOTHER_STATE_AUTOCOV,
    SMOOTHER_STATE_COV,
)
from statsmodels.tsa.statespace.mlemodel import MLEModel, MLEResults

from bilateral.case import Case, builtin_cases, load_case
from bilateral.codes import to_iso3
from bilateral.errors import BilateralError
from bilateral.measure.leaders import leader_by_period, tenures
from bilateral.measure.panel import _period, panel
from bilateral.registry import series as registry
from bilateral.registry.frequencies import freq_code

FREQS = ("M", "Y")
LEVEL = 0.90
Z = float(norm.ppf(0.5 + LEVEL / 2))
#: Series that fix the sign of the index when no series has a direction (the first present).
ANCHORS = ("unga.agreement", "events.net_cooperation_norm", "gdelt_graph.score")
EVENT_METRIC = "net_cooperation_norm"
SUMMIT_CATEGORIES = ("summit", "visit")
SUMMITS = "case_events.summits"
EVENTS = "events"
#: Optimiser settings: iterations, tolerance, the floor of a series' noise sd (in sds of the
#: series: no series may pin the latent down exactly) and the bound on |φ|.
MAXITER = 2000
TOL = 1e-8
MIN_SD = 0.2
MAX_PHI = 0.999


@dataclass(frozen=True)
class Indicator:
    """How one panel series enters the model.

    ``direction``: +1 if higher values mean better relations, −1 if worse (the sign its loading
    is constrained to). ``growth``: the series enters as its change in logs over a year (trade, whose level grows
    with prices and economies whatever the relations); ``weight`` names the count column whose
    value scales the noise precision; ``per_day`` divides the value by that count first (a sum
    over days becomes a daily mean); ``annual`` marks a series measured once a year (read from
    the yearly panel in a monthly index).
    """

    name: str
    direction: int = 1
    growth: bool = False
    weight: str | None = None
    per_day: bool = False
    annual: bool = False


#: The panel series the index reads, when the panel has them. ``opinion.*`` rows are chosen by
#: the partner state (see :func:`_opinion_indicators`).
PANEL_INDICATORS: tuple[Indicator, ...] = (
    Indicator("unga.agreement", weight="unga.votes"),
    Indicator("unga.ideal_distance", direction=-1, annual=True),
    Indicator("trade.total", growth=True, annual=True),
    Indicator("gdelt_graph.score", weight="gdelt_graph.days", per_day=True),
)


def _opinion_indicators(a: str, b: str) -> list[Indicator]:
    """Japanese like/dislike of the partner, when one side is Japan (the registry's
    descriptions say which state each opinion column names)."""
    if "JPN" not in (a, b):
        return []
    partner = b if a == "JPN" else a
    out = []
    for name, row in registry.SERIES.items():
        found = re.search(r"naming ([A-Z]{3})", row.description)
        if row.family == "opinion" and found and found[1] == partner:
            out.append(Indicator(name, direction=-1 if row.metric.startswith("dislike") else 1))
    return out


# -- the state-space model -------------------------------------------------------------------


class _FactorModel(MLEModel):
    """The model of the module doc on standardised series ``endog`` (periods × series).

    Parameters (in this order): φ, then per series the intercept c_i, the loading λ_i and
    log σ_i. ``weights`` (periods × series) are w_it / w̄_i; ``january`` marks the periods whose
    cumulator restarts (monthly models with annual series only).
    """

    def __init__(self, endog: np.ndarray, *, annual: np.ndarray, weights: np.ndarray,
                 january: np.ndarray | None, directions: np.ndarray | None = None):
        self.cumulate = bool(annual.any())
        self.directions = np.zeros(endog.shape[1]) if directions is None else np.asarray(directions)
        super().__init__(endog, k_states=2 if self.cumulate else 1, k_posdef=1)
        self.annual = annual
        self.k = endog.shape[1]
        self.rel_var = 1.0 / weights
        if self.cumulate:
            psi = np.ones(self.nobs)
            psi[january] = 0.0
            self.psi_next = np.r_[psi[1:], 1.0]  # ψ of the period the transition moves to
            self.ssm["selection"] = np.array([[1.0], [1.0 / 12]])
            first = 1.0 / 12 if january[0] else 0.0
            self.ssm.initialize_known(np.zeros(2), np.array([[1.0, first], [first, first ** 2]]))
        else:
            self.ssm["selection"] = np.array([[1.0]])
            self.ssm.initialize_known(np.zeros(1), np.eye(1))
        y = np.asarray(self.endog)
        self.seen = ~np.isnan(y)
        self.y0 = np.where(self.seen, y, 0.0)
        self.precision = np.where(self.seen, weights, 0.0)
        self.which = np.where(self.cumulate & annual, 1, 0)  # the state each series reads
        # keep only what the score needs: no forecasts (statsmodels would fill them in period by
        # period in Python, 10× the filter's own time) and only the state moments of the smoother
        self.ssm.memory_no_forecast_mean = True
        self.ssm.memory_no_forecast_cov = True
        self.ssm.memory_no_std_forecast = True
        self.ssm.smoother_output = SMOOTHER_STATE | SMOOTHER_STATE_COV | SMOOTHER_STATE_AUTOCOV

    @property
    def param_names(self) -> list[str]:
        return (["phi"] + [f"intercept.{i}" for i in range(self.k)] + [f"loading.{i}" for i in range(self.k)]
                + [f"log_sd.{i}" for i in range(self.k)])

    def split(self, params: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """φ, intercepts, loadings and noise sds of a parameter vector."""
        k = self.k
        return params[0], params[1:1 + k], params[1 + k:1 + 2 * k], np.exp(params[1 + 2 * k:1 + 3 * k])

    def update(self, params, **kwargs):
        params = super().update(params, **kwargs)
        phi, c, lam, sd = self.split(params)
        design = np.zeros((self.k, self.k_states))
        design[np.arange(self.k), self.which] = lam
        if self.cumulate:
            transition = np.zeros((2, 2, self.nobs))
            transition[0, 0], transition[1, 0], transition[1, 1] = phi, phi / 12, self.psi_next
            self.ssm["transition"] = transition
        else:
            self.ssm["transition"] = np.array([[phi]])
        self.ssm["design"] = design
        self.ssm["state_cov"] = np.array([[1 - phi ** 2]])
        self.ssm["obs_intercept"] = np.asarray(c, dtype=float).reshape(-1, 1)
        cov = np.zeros((self.k, self.k, self.nobs))
        idx = np.arange(self.k)
        cov[idx, idx, :] = (sd ** 2)[:, None] * self.rel_var.T
        self.ssm["obs_cov"] = cov

    def start(self, guide: np.ndarray | None = None) -> np.ndarray:
        """Start values. With ``guide`` (a rough path of x, one value per period): each series
        regressed on it, φ 0.98. Without: φ 0.9, intercepts 0, noise sd 0.8 and loadings from the
        first principal component of the pairwise correlations (0 for pairs never observed
        together), oriented as the directions expect."""
        if guide is not None:
            rows = []
            for i in range(self.k):
                ok = self.seen[:, i] & ~np.isnan(guide)
                slope, intercept = np.polyfit(guide[ok], self.y0[ok, i], 1) if ok.sum() > 2 else (0.0, 0.0)
                if self.directions[i]:
                    slope = slope if slope * self.directions[i] >= 0 else 0.0
                resid = self.y0[ok, i] - intercept - slope * guide[ok]
                rows.append((intercept, slope, np.log(max(resid.std() if ok.sum() > 2 else 0.8, MIN_SD))))
            c, lam, log_sd = map(np.array, zip(*rows, strict=True))
            return np.r_[0.98, c, lam, log_sd]
        corr = pd.DataFrame(np.asarray(self.endog)).corr(min_periods=3).fillna(0.0).to_numpy()
        np.fill_diagonal(corr, 1.0)
        values, vectors = np.linalg.eigh(corr)
        lam = vectors[:, -1] * np.sqrt(max(values[-1], 1.0) / self.k)
        lam = lam if lam @ self.directions >= 0 else -lam  # the orientation the directions expect
        return np.r_[0.9, np.zeros(self.k), np.clip(lam, -0.9, 0.9), np.full(self.k, np.log(0.8))]

    def moments(self, params: np.ndarray) -> tuple[float, np.ndarray, tuple[np.ndarray, ...]]:
        """Log-likelihood, and the smoothed moments the score needs: per series the state mean
        f and second moment F it reads, and the sums S11, S00, S10 of the latent's moments."""
        self.update(params)
        out = self.ssm.smooth()
        mean, cov = out.smoothed_state, out.smoothed_state_cov
        f = mean[self.which]                                   # series × periods
        var = cov[self.which, self.which]
        x, p = mean[0], cov[0, 0]
        sums = ((p[1:] + x[1:] ** 2).sum(), (p[:-1] + x[:-1] ** 2).sum(),
                (out.smoothed_state_autocov[0, 0, :-1] + x[1:] * x[:-1]).sum())
        return float(np.sum(out.llf_obs)), np.stack([f, var]), sums

    def score_at(self, params: np.ndarray) -> tuple[float, np.ndarray]:
        """Log-likelihood and its exact gradient by Fisher's identity: the gradient of the
        expected complete-data log-likelihood at the current parameters, from the smoothed
        moments (Durbin & Koopman 2012 §7.3.3; the E-step of Shumway & Stoffer 1982)."""
        phi, c, lam, sd = self.split(params)
        llf, (f, var), (s11, s00, s10) = self.moments(params)
        w, y = self.precision.T, self.y0.T                     # series × periods
        resid = y - c[:, None] - lam[:, None] * f
        expected = resid ** 2 + (lam ** 2)[:, None] * var
        grad_c = (w * resid).sum(axis=1) / sd ** 2
        grad_lam = (w * (resid * f - lam[:, None] * var)).sum(axis=1) / sd ** 2
        grad_logsd = (w * expected).sum(axis=1) / sd ** 2 - self.seen.sum(axis=0)
        n = len(self.y0) - 1
        s = s11 - 2 * phi * s10 + phi ** 2 * s00
        grad_phi = (n * phi / (1 - phi ** 2) - (phi * s00 - s10) / (1 - phi ** 2)
                    - phi * s / (1 - phi ** 2) ** 2)
        return llf, np.r_[grad_phi, grad_c, grad_lam, grad_logsd]

    def bounds(self) -> list[tuple[float | None, float | None]]:
        """L-BFGS-B bounds of the parameters: |φ| ≤ MAX_PHI, λ_i of the sign its direction
        says (+1: λ_i ≥ 0, −1: λ_i ≤ 0, 0: free), σ_i ≥ MIN_SD."""
        loadings = [(0.0, None) if d > 0 else (None, 0.0) if d < 0 else (None, None) for d in self.directions]
        return ([(-MAX_PHI, MAX_PHI)] + [(None, None)] * self.k + loadings
                + [(np.log(MIN_SD), None)] * self.k)

    def maximise(self, params: np.ndarray) -> tuple[np.ndarray, dict]:
        """Maximum likelihood by L-BFGS-B on the exact score; |φ| ≤ MAX_PHI and σ_i ≥ MIN_SD
        (in sds of the series, so that no series pins the latent down exactly)."""
        bounds = self.bounds()
        start = np.clip(params, [b[0] if b[0] is not None else -np.inf for b in bounds],
                        [b[1] if b[1] is not None else np.inf for b in bounds])

        def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            llf, grad = self.score_at(theta)
            return -llf / self.nobs, -grad / self.nobs

        out = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": MAXITER, "ftol": TOL, "gtol": 1e-6})
        return out.x, {"iterations": int(out.nit), "evaluations": int(out.nfev),
                       "converged": bool(out.success), "message": str(out.message), "method": "L-BFGS-B"}


# -- the result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatentIndex:
    """The latent relation index of a dyad: smoothed mean, 90 % bands, loadings, draws.

    ``mean``, ``sd``, ``low`` and ``high`` are pandas Series on the index's PeriodIndex, in sample
    sds of the latent (mean 0 over the sample, positive = better relations); ``fit`` is the
    statsmodels result on the model's own scale, which ``affine`` = (sign, shift, spread) maps
    to the index: index = sign · (state − shift) / spread.
    """

    dyad: tuple[str, str]
    freq: str
    mean: pd.Series
    sd: pd.Series
    n_observed: pd.Series
    loadings: pd.DataFrame
    fit: MLEResults
    sources: tuple[str, ...]
    affine: tuple[float, float, float]
    case: Case | None = field(default=None, repr=False, compare=False)

    @property
    def low(self) -> pd.Series:
        return (self.mean - Z * self.sd).rename("low")

    @property
    def high(self) -> pd.Series:
        return (self.mean + Z * self.sd).rename("high")

    def table(self) -> pd.DataFrame:
        """One row per period: period, mean, sd, low, high, n_observed (series seen that period)."""
        out = pd.DataFrame({"period": self.mean.index.astype(str), "mean": self.mean.to_numpy(),
                            "sd": self.sd.to_numpy(), "low": self.low.to_numpy(),
                            "high": self.high.to_numpy(), "n_observed": self.n_observed.to_numpy()})
        out.attrs["sources"] = list(self.sources)
        return out

    def draws(self, n: int, rng: np.random.Generator | int | None = None) -> pd.DataFrame:
        """``n`` paths of x from the simulation smoother (Durbin & Koopman 2002), periods × draws."""
        if not isinstance(n, int) or n < 1:
            raise BilateralError(f"draws n={n!r} — give a positive whole number of paths")
        rng = np.random.default_rng(rng)
        sim = self.fit.model.simulation_smoother()
        paths = np.empty((len(self.mean), n))
        for j in range(n):
            sim.simulate(rng=rng)
            paths[:, j] = sim.simulated_state[0]
        sign, shift, spread = self.affine
        paths = sign * (paths - shift) / spread
        return pd.DataFrame(paths, index=self.mean.index)

    def best_periods(self, case: Case | str | Path | None = None, *, draws: int = 1000,
                     rng: np.random.Generator | int | None = None) -> pd.DataFrame:
        """The probability that each case period, and each pair of leaders, had the best relations.

        For each of ``draws`` smoothed paths, the mean of x over the index periods each case
        period (or leader pair) covers; ``p_best`` is the share of paths in which it is the
        highest of its kind. Rows: kind (``period``/``leaders``), id, start, end, periods
        (index periods covered), mean, low, high (90 % band of that mean), p_best.
        """
        chosen = _case(case, self.dyad) if case is not None else self.case
        if chosen is None:
            raise BilateralError("best_periods needs a case (its periods and leaders) — pass case=… "
                                 "(a built-in name such as 'russia-japan', a folder or a Case)")
        paths = self.draws(draws, rng).to_numpy()
        index = self.mean.index
        groups = []
        periods = pd.DataFrame([{"name": p.id, "start": pd.Timestamp(p.start), "end": pd.Timestamp(p.end)}
                                for p in chosen.periods])
        groups.append(("period", leader_by_period(periods, index)))
        a, b = self.dyad
        pairs = (leader_by_period(tenures(a, chosen), index).astype(str) + " – "
                 + leader_by_period(tenures(b, chosen), index).astype(str))
        pairs[leader_by_period(tenures(a, chosen), index).isna()
              | leader_by_period(tenures(b, chosen), index).isna()] = None
        groups.append(("leaders", pairs))
        rows = []
        for kind, labels in groups:
            labels = pd.Series(np.asarray(labels, dtype=object), index=index)
            ids = [x for x in pd.unique(labels.dropna())]
            if not ids:
                continue
            means = np.vstack([paths[(labels == i).to_numpy()].mean(axis=0) for i in ids])
            best = np.bincount(means.argmax(axis=0), minlength=len(ids)) / draws
            for row, i in enumerate(ids):
                where = index[(labels == i).to_numpy()]
                rows.append({"kind": kind, "id": i, "start": str(where[0]), "end": str(where[-1]),
                             "periods": len(where), "mean": means[row].mean(),
                             "low": np.quantile(means[row], 0.5 - LEVEL / 2),
                             "high": np.quantile(means[row], 0.5 + LEVEL / 2), "p_best": best[row]})
        out = pd.DataFrame(rows)
        out.attrs["sources"] = list(self.sources)
        return out

    def summary(self) -> dict[str, object]:
        """Headline numbers: span, series used, the best and worst period of the smoothed mean, φ."""
        best, worst = self.mean.idxmax(), self.mean.idxmin()
        return {"dyad": "–".join(self.dyad), "freq": self.freq, "start": str(self.mean.index[0]),
                "end": str(self.mean.index[-1]), "periods": len(self.mean),
                "series": list(self.loadings["series"]),
                "best": {"period": str(best), "mean": float(self.mean[best]),
                         "low": float(self.low[best]), "high": float(self.high[best])},
                "worst": {"period": str(worst), "mean": float(self.mean[worst]),
                          "low": float(self.low[worst]), "high": float(self.high[worst])},
                "persistence": float(self.fit.params[0]), "loglike": float(self.fit.llf),
                "sources": list(self.sources)}


# -- building the index ----------------------------------------------------------------------


def _case(case: Case | str | Path, dyad: tuple[str, str]) -> Case:
    if isinstance(case, Case):
        chosen = case
    else:
        known = builtin_cases()
        chosen = load_case(known[case] if isinstance(case, str) and case in known else case)
    if set(chosen.dyad) != set(dyad):
        raise BilateralError(f"case {chosen.name!r} is about {'–'.join(chosen.dyad)}, not {'–'.join(dyad)} — "
                             "give a case of this dyad, or none")
    return chosen


@dataclass
class _Series:
    name: str
    values: pd.Series
    weight: pd.Series | None
    annual: bool
    transform: str
    sources: tuple[str, ...]
    direction: int = 0


def _panel_series(p: pd.DataFrame, ind: Indicator, monthly: bool) -> _Series | None:
    if ind.name not in p or p[ind.name].notna().sum() < 3:
        return None
    values = p[ind.name].astype(float)
    weight = p[ind.weight].astype(float) if ind.weight and ind.weight in p else None
    transform = "level"
    if ind.per_day and weight is not None:
        values, transform = values / weight.where(weight > 0), "per day"
    if ind.growth:
        logs = np.log(values.where(values > 0))
        lag = 12 if monthly and not ind.annual else 1
        values, transform = logs - logs.shift(lag), "log change over a year"
    if monthly and ind.annual:
        values = values.copy()
        values.index = values.index.asfreq("M", how="end")
        weight = None
    meta = p.attrs.get("columns", {}).get(ind.name, {})
    sources = tuple(meta.get("citation", registry.SERIES[ind.name].citation))
    return _Series(ind.name, values, weight, ind.annual and monthly, transform, sources, ind.direction)


def _event_tables(events: pd.DataFrame | Mapping[str, pd.DataFrame] | None, a: str, b: str,
                  freq: str) -> dict[str, pd.DataFrame]:
    if events is None:
        return _store_events(a, b, freq)
    tables = {EVENTS: events} if isinstance(events, pd.DataFrame) else dict(events)
    word = "month" if freq == "M" else "year"
    for key, table in tables.items():
        if EVENT_METRIC not in table or "count" not in table or not isinstance(table.index, pd.PeriodIndex):
            raise BilateralError(f"events[{key!r}] is not an event-index table — pass "
                                 f"bilateral.index(a, b, freq={word!r})")
        if table.index.freqstr[0] != freq:
            raise BilateralError(f"events[{key!r}] has freq {table.index.freqstr[0]!r} but the index is "
                                 f"{freq!r} — build it with bilateral.index(a, b, freq={word!r})")
    return tables


def _store_events(a: str, b: str, freq: str) -> dict[str, pd.DataFrame]:
    """One event index per dataset of the default store, when the store exists and has the dyad."""
    from bilateral.data.store import Store, default_path
    from bilateral.measure.index import dyad_index

    if not default_path().exists():
        return {}
    out = {}
    with Store(read_only=True) as db:
        for d in db.stats("dataset")["dataset"]:
            if str(d).startswith("case:"):
                continue
            try:
                out[d] = dyad_index(db.table(), a, b, freq=freq, datasets=[d], metrics=[EVENT_METRIC, "count"])
            except BilateralError:  # no events of this dyad in that dataset
                continue
    return out


def _event_series(name: str, table: pd.DataFrame) -> _Series | None:
    counts = table["count"].astype(float)
    values = table[EVENT_METRIC].astype(float).where(counts > 0)
    if values.notna().sum() < 3:
        return None
    label = f"{EVENTS}.{EVENT_METRIC}" if name == EVENTS else f"{EVENTS}.{EVENT_METRIC}[{name}]"
    return _Series(label, values, counts, False, "level", tuple(table.attrs.get("sources", ())), 1)


def _summit_series(case: Case, a: str, b: str, freq: str) -> _Series | None:
    events = case.table("events")
    pair = (events["source_iso3"].isin([a, b]) & events["target_iso3"].isin([a, b])
            & (events["source_iso3"] != events["target_iso3"]))
    summits = events[pair & events["category"].isin(SUMMIT_CATEGORIES)]
    if summits.empty:
        return None
    periods = pd.PeriodIndex(events.loc[pair, "day"], freq=freq)
    index = pd.period_range(periods.min(), periods.max(), freq=freq)
    counts = pd.PeriodIndex(summits["day"], freq=freq).value_counts().reindex(index, fill_value=0)
    return _Series(SUMMITS, counts.astype(float), None, False, "count", tuple(sorted(set(summits["source"]))), 1)


def panel_steps(a: str, b: str) -> list[str]:
    """The panel steps that build the series the index reads (the registry's ``step`` of each)."""
    names = [i.name for i in (*PANEL_INDICATORS, *_opinion_indicators(a, b))]
    return list(dict.fromkeys(registry.SERIES[n].step for n in names))


def relation_index(a: str, b: str, *, freq: str = "M", panel_y: pd.DataFrame | None = None,
                   panel_m: pd.DataFrame | None = None,
                   events: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
                   case: Case | str | Path | None = None, start: int | str | date | None = None,
                   end: int | str | date | None = None,
                   exclude: Sequence[str] = ()) -> LatentIndex:
    """The latent relation index of the dyad (a, b), monthly (``freq="M"``) or yearly (``"Y"``).

    ``panel_y`` / ``panel_m`` are the dyad's yearly and monthly panels with every step
    (``bilateral.panel(a, b, freq=…).add(all)``), built here when None (a yearly index needs only
    ``panel_y``). ``events`` is an event-index table of ``bilateral.index(a, b, freq=…)`` or a
    mapping ``{dataset: table}`` (one intercept and loading each); None reads one table per
    dataset from the default store when it exists. ``case`` (default: the panel's case) supplies
    the summits (its ``summit`` and ``visit`` events between the two states) and the periods of
    :meth:`LatentIndex.best_periods`. ``start``/``end`` trim the sample (years, ``YYYY-MM`` or
    dates); by default it runs from the first to the last period any series observes.
    ``exclude`` drops series by name (leave-one-out checks).

    Returns
    -------
    LatentIndex
        The index per period (``mean``, ``sd``, 90 % bands ``low`` and ``high``), the loadings
        of each series and the fitted model; ``best_periods()`` gives P(best) per case period
        and leader pair.

    References
    ----------
    The one-factor state-space model and its equations: ``docs/latent.md``.

    Examples
    --------
    >>> idx = bilateral.relation_index("RUS", "JPN", freq="Y")
    >>> idx.table().tail()
    >>> idx.best_periods()                 # P(best) per case period
    """
    freq = freq_code(freq, allowed=FREQS)
    a, b = to_iso3(a), to_iso3(b)
    monthly = freq == "M"
    if panel_y is None:
        panel_y = panel(a, b, freq="Y", start=1946).add(*panel_steps(a, b))
    if monthly and panel_m is None:
        panel_m = panel(a, b, freq="M", start=1946).add(*panel_steps(a, b))
    for name, p, code in (("panel_y", panel_y, "Y"), ("panel_m", panel_m, "M")):
        if p is None:
            continue
        if not isinstance(p.index, pd.PeriodIndex) or p.index.freqstr[0] != code:
            raise BilateralError(f"{name} must be a panel on a {code} PeriodIndex — pass "
                                 f"bilateral.panel({a!r}, {b!r}, freq={code!r}).add(all)")
        if tuple(p.attrs.get("dyad", (a, b))) not in ((a, b), (b, a)):
            raise BilateralError(f"{name} is the panel of {'–'.join(p.attrs['dyad'])}, not {a}–{b}")
    chosen = _case(case, (a, b)) if case is not None else getattr(panel_y, "case", None)

    found: list[_Series] = []
    for ind in (*PANEL_INDICATORS, *_opinion_indicators(a, b)):
        source = panel_y if (not monthly or ind.annual) else panel_m
        s = _panel_series(source, ind, monthly)
        if s is not None:
            found.append(s)
    for name, table in _event_tables(events, a, b, freq).items():
        s = _event_series(name, table)
        if s is not None:
            found.append(s)
    if chosen is not None:
        s = _summit_series(chosen, a, b, freq)
        if s is not None:
            found.append(s)
    unknown = [x for x in exclude if x not in {s.name for s in found}]
    if unknown:
        raise BilateralError(f"exclude names {', '.join(unknown)}, not series of this index — use any of "
                             f"{', '.join(s.name for s in found)}")
    found = [s for s in found if s.name not in exclude]
    if len(found) < 2:
        raise BilateralError(f"the {a}–{b} index needs at least two relation series, found "
                             f"{', '.join(s.name for s in found) or 'none'} — get the data (bilateral data pull "
                             "unvotes peacesciencer opinion) or ingest event data into the store")
    guide = None
    if monthly:  # the yearly index (no events) is a cheap, good start for the monthly fit
        try:
            guide = relation_index(a, b, freq="Y", panel_y=panel_y, events={}, case=chosen, start=start,
                                   end=end, exclude=[x for x in exclude if not x.startswith(f"{EVENTS}.")]).mean
        except BilateralError:  # too few yearly series: start from principal components instead
            guide = None
    return _fit(found, (a, b), freq, start=start, end=end, case=chosen, guide=guide)


def _window(found: list[_Series], freq: str, start, end) -> pd.PeriodIndex:
    # the case's summits are a narrative selection reaching back to 1855: they do not set the span
    observed = [s.values.dropna().index for s in found if s.name != SUMMITS]
    first = min(i[0] for i in observed if len(i))
    last = max(i[-1] for i in observed if len(i))
    if start is not None:
        first = max(first, _period(start, freq, "start", "start"))
    if end is not None:
        last = min(last, _period(end, freq, "end", "end"))
    if freq == "M":
        first = pd.Period(year=first.year, month=1, freq="M")
    if last < first:
        raise BilateralError(f"end {last} is before start {first} — widen start and end")
    return pd.period_range(first, last, freq=freq, name="period")


def fit_series(frame: pd.DataFrame, freq: str = "M", *, annual: Sequence[str] = (),
               weights: Mapping[str, pd.Series] | None = None,
               directions: Mapping[str, int] | None = None, dyad: tuple[str, str] = ("A", "B"),
               start: int | str | date | None = None, end: int | str | date | None = None) -> LatentIndex:
    """The index of any series on a PeriodIndex (columns = series; NaN = not observed).

    ``annual`` names columns holding a yearly value in one period of the year (the year's mean
    of x, in December of a monthly frame); ``weights`` gives per-period counts that scale a
    series' noise precision; ``directions`` constrains the sign of a column's loading (+1 or −1,
    as :class:`Indicator`). The first column named in :data:`ANCHORS`, else the first column,
    fixes the sign of the index. This is what :func:`relation_index` fits once it has gathered the dyad's series.
    """
    freq = freq_code(freq, allowed=FREQS)
    if not isinstance(frame.index, pd.PeriodIndex):
        raise BilateralError("fit_series needs a frame on a PeriodIndex — convert with frame.to_period(freq)")
    weights = dict(weights or {})
    unknown = [n for n in [*annual, *weights, *(directions or {})] if n not in frame]
    if unknown:
        raise BilateralError(f"annual/weights/directions name {', '.join(unknown)}, not columns of the frame "
                             f"({', '.join(map(str, frame.columns))})")
    directions = dict(directions or {})
    found = [_Series(str(n), frame[n].astype(float), weights.get(n), n in annual, "level", (),
                     directions.get(n, 0)) for n in frame.columns]
    return _fit(found, dyad, freq, start=start, end=end, case=None)


def _fit(found: list[_Series], dyad: tuple[str, str], freq: str, *, start=None, end=None,
         case: Case | None = None, guide: pd.Series | None = None) -> LatentIndex:
    """Fit the model of the module doc to the gathered series and put the result in series units."""
    index = _window(found, freq, start, end)
    raw = pd.DataFrame({s.name: s.values.reindex(index) for s in found})
    keep = [s for s in found if raw[s.name].notna().sum() >= 3]
    if len(keep) < 2:
        raise BilateralError(f"fewer than two series observe {index[0]}–{index[-1]} at least three times — "
                             "widen start and end")
    raw = raw[[s.name for s in keep]]
    center, scale = raw.mean(), raw.std().replace(0, 1.0).fillna(1.0)
    z = ((raw - center) / scale).to_numpy()
    weights = np.ones_like(z)
    for i, s in enumerate(keep):
        if s.weight is not None:
            w = s.weight.reindex(index).to_numpy(dtype=float)
            ok = ~np.isnan(z[:, i]) & (w > 0)
            z[~ok, i] = np.nan
            weights[:, i] = np.where(ok, w / np.mean(w[ok]), 1.0)
    annual = np.array([s.annual for s in keep])
    january = np.asarray(index.month == 1) if freq == "M" else None
    model = _FactorModel(z, annual=annual, weights=weights, january=january,
                         directions=np.array([s.direction for s in keep]))
    if guide is not None:  # a yearly path: each month takes its year's value
        guide = guide.reindex(index.asfreq("Y")).to_numpy(dtype=float)
    params, retvals = model.maximise(model.start(guide))
    # the published result keeps the forecasts (fitted values, residuals) the search went without
    model.ssm.memory_no_forecast_mean = model.ssm.memory_no_forecast_cov = False
    fit = model.smooth(params, cov_type="none")
    fit.mle_retvals = retvals
    _phi, c, lam, sd = model.split(np.asarray(params))
    names = [s.name for s in keep]
    anchor = next((i for x in ANCHORS for i, n in enumerate(names) if n.startswith(x)), 0)
    sign = 1.0 if lam[anchor] >= 0 else -1.0
    state, var = fit.smoothed_state[0], np.maximum(fit.smoothed_state_cov[0, 0], 0)
    # over the sample: mean 0 and, in expectation over the posterior, variance 1
    shift = float(state.mean())
    spread = float(np.sqrt(np.mean((state - shift) ** 2 + var)))
    mean = pd.Series(sign * (state - shift) / spread, index=index, name="mean")
    sdev = pd.Series(np.sqrt(var) / spread, index=index, name="sd")
    n_obs = pd.Series((~np.isnan(z)).sum(axis=1), index=index, name="n_observed")
    loadings = pd.DataFrame({
        "series": names,
        "loading": sign * lam * spread * scale.to_numpy(),
        "intercept": center.to_numpy() + scale.to_numpy() * (c + lam * shift),
        "noise_sd": scale.to_numpy() * sd,
        "transform": [s.transform for s in keep],
        "frequency": ["annual (mean of the months)" if s.annual else freq for s in keep],
        "observed": (~np.isnan(z)).sum(axis=0),
        "first": [str(raw[n].first_valid_index()) for n in names],
        "last": [str(raw[n].last_valid_index()) for n in names],
        "sources": [" ".join(s.sources) for s in keep],
    })
    sources = tuple(sorted({k for s in keep for k in s.sources}))
    loadings.attrs["sources"] = list(sources)
    return LatentIndex(dyad=dyad, freq=freq, mean=mean, sd=sdev, n_observed=n_obs, loadings=loadings,
                       fit=fit, sources=sources, affine=(sign, shift, spread), case=case)


# -- validation ------------------------------------------------------------------------------


def block_rmse(series: pd.Series, index: pd.Series, block: int) -> tuple[float, float]:
    """RMSE of predicting each block of ``block`` observations of ``series`` (after the first)
    from the index, ``a + b·x`` with a, b by least squares on the series outside the block, and
    from persistence, the series' last value before the block."""
    index = index.reindex(series.index)
    label = np.arange(len(series)) // block
    by_index, by_persistence = [], []
    for k in range(1, label.max() + 1):
        inside = label == k
        slope, intercept = np.polyfit(index[~inside], series[~inside], 1)
        by_index.extend(series[inside] - (intercept + slope * index[inside]))
        by_persistence.extend(series[inside] - series[label == k - 1].iloc[-1])
    return float(np.sqrt(np.mean(np.square(by_index)))), float(np.sqrt(np.mean(np.square(by_persistence))))


def leave_one_out(a: str, b: str, *, freq: str = "Y", panel_y: pd.DataFrame, panel_m: pd.DataFrame | None = None,
                  block: int | None = None) -> pd.DataFrame:
    """For each panel series of the index: refit without it, then predict it block by block
    (:func:`block_rmse`; blocks of 5 years, or 60 months) from that index and from persistence.

    Rows: series, observed, rmse_index, rmse_persistence, ratio (< 1: the index predicts the
    left-out series better than persistence).
    """
    freq = freq_code(freq, allowed=FREQS)
    monthly = freq == "M"
    block = block or (60 if monthly else 5)
    full = relation_index(a, b, freq=freq, panel_y=panel_y, panel_m=panel_m, events={})
    rows = []
    for ind in (*PANEL_INDICATORS, *_opinion_indicators(a, b)):
        if ind.name not in set(full.loadings["series"]):
            continue
        left = relation_index(a, b, freq=freq, panel_y=panel_y, panel_m=panel_m, events={}, exclude=[ind.name])
        source = panel_y if (not monthly or ind.annual) else panel_m
        series = _panel_series(source, ind, monthly).values.dropna()
        series = series[series.index.isin(left.mean.index)]
        if len(series) < 2 * block:
            continue
        by_index, by_persistence = block_rmse(series, left.mean, block)
        rows.append({"series": ind.name, "observed": len(series), "rmse_index": by_index,
                     "rmse_persistence": by_persistence, "ratio": by_index / by_persistence})
    out = pd.DataFrame(rows)
    out.attrs["sources"] = list(full.sources)
    return out
