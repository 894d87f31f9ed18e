"""Relations over time: the measured index with its bands and best period, the fitted dynamic model
(shocks with half-lives, intervals), its forecast fan and back-test, the exact bounds and "what it
would take", and P(breakthrough by year) per scenario through the case's couplings
(docs/models.md §13–15).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bilateral.analysis.result import Result, _cited, unavailable
from bilateral.case import Case
from bilateral.case.dynamics import Dynamics, load_dynamics
from bilateral.errors import BilateralError
from bilateral.simulate.bounds import Bound, bound, what_it_would_take
from bilateral.simulate.breakthrough import BreakthroughRuns, breakthrough_scenarios, shocks_of
from bilateral.simulate.dynamics import RelationsFit, backtest, backtest_summary, fit_relations
from bilateral.simulate.inputs import from_case

SCENARIO_COLOURS = ("#6b7280", "#15803d", "#0369a1", "#a16207", "#b91c1c", "#7c3aed", "#db2777", "#0f766e")


@dataclass(frozen=True, repr=False, kw_only=True)
class DynamicsResult(Result):
    """The relations dynamics part: the relations over time; ``table()`` is P(breakthrough by
    year) per scenario and model.

    Attributes
    ----------
    index_name
        The fitted index (the latent relation index or a panel series).
    index
        The yearly index fitted: period, mean and (for the latent index) its band.
    best
        P(best) per case period and leader pair, of the index.
    fit
        The fitted `bilateral.simulate.RelationsFit`: inertia, norm, shocks with half-lives.
    forecast
        The fan chart: per future year the median and central intervals of simulated paths.
    backtest, scores
        The back-test: mean CRPS, its ratio to persistence and coverage per method; the score
        of each forecast.
    runs
        The coupled relations–negotiation paths per scenario (`breakthrough_scenarios`).
    bound, coupled
        The exact bounds of the negotiation, alone and through the couplings: when the inputs
        fix the answer.
    take
        What it would take: the smallest moves that open a deal, per model.
    by_year
        The year of ``table()``'s P(breakthrough by year).

    Examples
    --------
    >>> dyn = bilateral.Analysis("russia-japan", rng=1, runs=200).dynamics
    >>> dyn.table()                        # P(breakthrough by by_year) per scenario and model
    >>> dyn.summary()["inertia"], dyn.summary()["norm"]
    """

    index_name: str = ""
    index: pd.DataFrame | None = None
    best: pd.DataFrame | None = None
    fit: RelationsFit | None = None
    forecast: pd.DataFrame | None = None
    backtest: pd.DataFrame | None = None
    scores: pd.DataFrame | None = None
    runs: BreakthroughRuns | None = None
    bound: Bound | None = None
    coupled: Bound | None = None
    take: pd.DataFrame | None = None
    by_year: int = 0

    def table(self) -> pd.DataFrame:
        if not self.available or self.runs is None:
            return _cited(pd.DataFrame(), self.sources)
        return _cited(self.runs.table(self.by_year), self.sources)

    def by_year_table(self) -> pd.DataFrame:
        """P(breakthrough by each simulated year), one row per scenario, model and year."""
        rows = [o.probabilities.assign(scenario=o.id) for o in self.runs.outcomes if not o.probabilities.empty] \
            if self.runs else []
        return _cited(pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(), self.sources)

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        if not self.available:
            return out
        fit = self.fit
        table = self.table()
        best = None
        if self.best is not None and not self.best.empty:
            top = self.best[self.best["kind"] == "period"].sort_values("p_best").iloc[-1]
            best = {"period": top["id"], "start": top["start"], "end": top["end"], "p_best": float(top["p_best"])}
        bt = self.backtest.set_index("method") if self.backtest is not None else None
        out.update({
            "index": self.index_name, "start": str(fit.series.index[0]), "end": str(fit.series.index[-1]),
            "best_period": best, "norm": fit.norm, "inertia": fit.inertia, "sigma": fit.sigma,
            "shocks": [s.id for s in fit.shocks], "dropped_shocks": list(fit.dropped),
            "backtest_crps_vs_persistence": None if bt is None else float(bt.loc["dynamic", "crps_vs_persistence"]),
            "backtest_coverage": None if bt is None else float(bt.loc["dynamic", "coverage"]),
            "static_rule": self.bound.describe() if self.bound else "",
            "static_p_breakthrough": 0.0 if self.bound is not None and self.bound.fixed else None,
            "coupled_rule": self.coupled.describe() if self.coupled else "",
            "by_year": self.by_year,
            "p_breakthrough": {f"{r.scenario}/{r.model}": float(r.p) for r in table.itertuples()}
            if not table.empty else {},
        })
        return out

    def figures(self) -> dict[str, go.Figure]:
        if not self.available:
            return {}
        figs = {"dynamics_index": index_figure(self), "dynamics_shocks": shocks_figure(self.fit),
                "dynamics_fan": fan_figure(self)}
        if self.runs is not None:
            figs["dynamics_breakthrough"] = breakthrough_figure(self)
        return figs


def index_figure(res: DynamicsResult) -> go.Figure:
    """The measured index with its bands and the fitted level μ + Σ β x(t)."""
    fig = go.Figure()
    idx = res.index
    x = idx["period"].astype(str)
    if "low" in idx and idx["low"].notna().any():
        fig.add_trace(go.Scatter(x=list(x) + list(x[::-1]), y=list(idx["high"]) + list(idx["low"][::-1]),
                                 fill="toself", fillcolor="rgba(30,58,138,0.15)", line={"width": 0},
                                 name="90 % band", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=x, y=idx["mean"], name=res.index_name, line={"color": "#1e3a8a"}))
    level = res.fit.levels(res.fit.series.index)[0]
    fig.add_trace(go.Scatter(x=res.fit.series.index.astype(str), y=level, name="fitted level (norm + shocks)",
                             line={"color": "#b91c1c", "dash": "dash"}))
    fig.update_layout(template="plotly_white", height=360, margin={"l": 50, "r": 20, "t": 30, "b": 40},
                      yaxis_title="relation index", legend={"orientation": "h", "y": -0.2})
    return fig


def shocks_figure(fit: RelationsFit) -> go.Figure:
    """Each fitted shock's effect with its interval, labelled with its half-life."""
    table = fit.table().set_index("parameter")
    rows = [(s, table.loc[f"effect.{s.id}"]) for s in fit.shocks]
    labels = []
    for s, _ in rows:
        hl = table.loc[f"half_life.{s.id}"] if f"half_life.{s.id}" in table.index else None
        labels.append(f"{s.name or s.id} ({s.start}; " + ("persistent" if hl is None else
                      f"half-life {hl.estimate:.1f} y [{hl.low:.1f}, {hl.high:.1f}]") + ")")
    fig = go.Figure(go.Scatter(
        x=[r.estimate for _, r in rows], y=labels, mode="markers", marker={"size": 10, "color": "#1e3a8a"},
        error_x={"type": "data", "symmetric": False, "array": [r.high - r.estimate for _, r in rows],
                 "arrayminus": [r.estimate - r.low for _, r in rows]}, name="effect"))
    fig.add_vline(x=0, line_color="#444")
    fig.update_layout(template="plotly_white", height=120 + 45 * len(rows), xaxis_title="effect on the index",
                      margin={"l": 330, "r": 20, "t": 20, "b": 40})
    return fig


def fan_figure(res: DynamicsResult) -> go.Figure:
    """The index and the forecast fan (50 % and 90 % bands)."""
    fig = go.Figure()
    hist = res.fit.series
    fig.add_trace(go.Scatter(x=hist.index.astype(str), y=hist.to_numpy(), name="measured", line={"color": "#1e3a8a"}))
    f = res.forecast
    for lv, alpha in (("0.9", 0.15), ("0.5", 0.3)):
        fig.add_trace(go.Scatter(x=list(f["period"]) + list(f["period"][::-1]),
                                 y=list(f[f"high_{lv}"]) + list(f[f"low_{lv}"][::-1]), fill="toself",
                                 fillcolor=f"rgba(185,28,28,{alpha})", line={"width": 0},
                                 name=f"{float(lv):.0%} forecast band", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=f["period"], y=f["median"], name="median forecast", line={"color": "#b91c1c"}))
    fig.update_layout(template="plotly_white", height=340, margin={"l": 50, "r": 20, "t": 30, "b": 40},
                      legend={"orientation": "h", "y": -0.2})
    return fig


def breakthrough_figure(res: DynamicsResult) -> go.Figure:
    """P(breakthrough by year) per scenario (one line per scenario and model)."""
    fig = go.Figure()
    dashes = ("solid", "dash", "dot", "dashdot")
    for k, out in enumerate(res.runs.outcomes):
        colour = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
        if out.probabilities.empty:
            continue
        for j, (model, rows) in enumerate(out.probabilities.groupby("model", sort=False)):
            fig.add_trace(go.Scatter(x=rows["year"], y=rows["p"], name=f"{out.name} · {model}",
                                     legendgroup=out.id, line={"color": colour, "dash": dashes[j % 4]},
                                     hovertemplate=f"{out.name}, {model}: %{{y:.3f}} by %{{x}}<extra></extra>"))
    fig.update_layout(template="plotly_white", height=420,
                      yaxis={"title": "P(breakthrough by year)", "rangemode": "tozero"},
                      margin={"l": 60, "r": 20, "t": 20, "b": 40})
    return fig


def dynamics(case: Case, index: pd.Series | None, *, sd: pd.Series | None = None, best: pd.DataFrame | None = None,
             index_name: str = "", dyn: Dynamics | None = None, paths: int = 1000,
             rng: int | np.random.Generator | None = 0,
             models: Any = "all", scenarios: Sequence[str] | None = None, origins: Sequence[int] | None = None,
             horizon: int = 5, backtest_paths: int = 1000, reason: str = "",
             progress: Callable[[str, int, int], None] | None = None) -> DynamicsResult:
    """Fit, forecast, back-test, bounds and scenarios for a case and an index series (yearly).

    ``sd`` (the index's own standard error per period) enters the fit as measurement variance;
    ``best`` is the index's best-period table (:meth:`LatentIndex.best_periods`). ``origins``
    default to the last year − 5, − 10, … − 25 (``[]``: no back-test); ``paths=0`` runs no
    scenarios. ``progress(stage, done, total)`` reports long work.
    """
    if index is None:
        return unavailable(DynamicsResult, reason or "no relation index to fit")
    dyn = dyn or load_dynamics(case)
    index = index.dropna()
    if not isinstance(index.index, pd.PeriodIndex) or index.index.freqstr[0] not in "YA":
        raise BilateralError("dynamics: the index must be a yearly Series on a PeriodIndex "
                             "(relation_index(..., freq='Y').mean or panel['unga.agreement'])")
    index = index.reindex(pd.period_range(index.index[0], index.index[-1], freq="Y"))
    shocks = shocks_of(dyn, index.index.freqstr)
    variance = None if sd is None else sd.reindex(index.index) ** 2
    fit = fit_relations(index, shocks, variance=variance)
    last = index.index[-1].year
    origins = list(origins) if origins is not None else [last - 5 * k for k in range(5, 0, -1)]
    report = progress or (lambda stage, done, total: None)
    scores = None
    if origins:
        report("back-test", 0, len(origins))
        scores = backtest(index, shocks, origins, horizon=horizon, paths=backtest_paths, rng=rng)
        report("back-test", len(origins), len(origins))
    runs = None
    if paths:
        runs = breakthrough_scenarios(fit, case, dyn, scenarios=scenarios, models=models, paths=paths, rng=rng,
                                      progress=lambda done, total: report("scenarios", done, total))
    base = from_case(case)
    frame = pd.DataFrame({"period": index.index.astype(str), "mean": index.to_numpy()})
    if sd is not None:
        z = 1.6448536269514722
        frame["low"] = frame["mean"] - z * sd.reindex(index.index).to_numpy()
        frame["high"] = frame["mean"] + z * sd.reindex(index.index).to_numpy()
    sources = tuple(sorted(set(index.attrs.get("sources", ())) | set(runs.sources if runs else ())
                           | {s.source for s in dyn.shocks}))
    return DynamicsResult(
        index_name=index_name or str(index.name or "relation index"), index=frame, best=best, fit=fit,
        forecast=fit.forecast(dyn.horizon, paths=2000, rng=rng),
        backtest=None if scores is None else backtest_summary(scores),
        scores=scores, runs=runs, bound=bound(base), coupled=bound(base, dyn.couplings),
        take=what_it_would_take(base, models),
        by_year=dyn.by_year, sources=sources)


def dynamics_of(analysis: Any, index: str = "latent", **options: Any) -> DynamicsResult:
    """The analysis' relations over time, fitted to ``index``: ``"latent"`` (the yearly latent
    relation index, its mean and band, when it can be built from the analysis' panel; else the
    series ``dynamics.yaml`` names) or the name of a yearly panel series such as
    ``unga.agreement``. ``options`` go to :func:`dynamics`."""
    from bilateral.measure.latent import relation_index

    case = analysis.case
    try:
        dyn = load_dynamics(case)
    except BilateralError as err:
        return unavailable(DynamicsResult, str(err))
    try:
        panel = analysis.panel("Y")
    except BilateralError as err:
        return unavailable(DynamicsResult, f"no yearly panel to measure the relations: {err}")
    latent = None
    if index == "latent":
        try:
            latent = relation_index(*case.dyad, freq="Y", panel_y=panel, case=case)
        except BilateralError:
            latent = None
    if latent is not None:
        series = latent.mean.copy()
        series.attrs["sources"] = list(latent.sources)
        return dynamics(case, series, sd=latent.sd, best=latent.best_periods(draws=1000, rng=options.get("rng", 0)),
                        index_name="latent relation index (yearly)", dyn=dyn, **options)
    name = dyn.series if index == "latent" else index
    if name not in panel:
        return unavailable(DynamicsResult, f"the series {name} is not in the yearly panel — pull its data "
                           "(`bilateral data pull`, or set BILATERAL_DATA), or fit the latent index")
    return dynamics(case, panel[name], index_name=name, dyn=dyn, **options)
