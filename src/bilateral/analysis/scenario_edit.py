"""Scenarios a user edits: shocks placed on a timeline and stakeholders moved by hand.

:func:`run_scenario` runs a user-built sequence of shocks — case scenarios (``scenarios.yaml``)
switched on in a year, or pushes on a driver of ``dynamics.yaml`` — through the relations model
:attr:`Analysis.dynamics` fitted and the case's couplings, beside the no-new-shock baseline on the
same random numbers (:func:`bilateral.simulate.breakthrough_scenarios`), so the difference between
the two comes from the shocks. :func:`what_it_would_take_for` gives the exact bound and "what it
would take" for an edited stakeholder table (:mod:`bilateral.simulate.bounds`). The dashboard's
dynamics and negotiation pages render these results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pydantic import ValidationError

from bilateral.analysis.dynamics import DynamicsResult
from bilateral.analysis.result import Result, _cited, unavailable
from bilateral.case import Case
from bilateral.case.dynamics import Dynamics, DynamicScenario, ScenarioEvent, load_dynamics
from bilateral.errors import BilateralError
from bilateral.simulate.bounds import bound, what_it_would_take
from bilateral.simulate.breakthrough import BreakthroughRuns, breakthrough_scenarios

MAX_SHOCKS = 20
MAX_PATHS = 2_000
MAX_YEARS = 50
#: Simulated path-years per request, both scenarios: 2,000 paths over 20 years (about 12 s of one CPU).
MAX_WORK = 80_000
#: Largest push on a driver: the relation in stationary standard deviations, the others on 0–1.
MAX_PUSH = {"relation": 5.0}
MAX_LEVEL_PUSH = 1.0
MAX_HALF_LIFE = 100.0
BASELINE, EDITED = "baseline", "edited"
COLOURS = {BASELINE: "#6b7280", EDITED: "#b91c1c"}


@dataclass(frozen=True)
class ShockEdit:
    """One shock of a user's scenario.

    ``what`` is a case scenario's id (``scenarios.yaml``: its changes and factor switches) or a
    driver's id (``relation``, or a driver of ``dynamics.yaml``), pushed by ``size`` (the relation
    in stationary standard deviations, the others on their 0–1 scale) fading with ``half_life``
    years (``None``: persistent). It arrives at the start of ``year``.
    """

    year: int
    what: str
    size: float | None = None
    half_life: float | None = None


@dataclass(frozen=True)
class Builder:
    """What a scenario can be built from: the case scenarios and drivers by id (with names), the
    years a shock may arrive in, the default horizon and headline year, and the presets (the
    named scenarios of ``dynamics.yaml`` as shocks)."""

    scenarios: dict[str, str]
    drivers: dict[str, str]
    first_year: int
    default_year: int
    horizon: int
    by_year: int
    presets: dict[str, tuple[str, tuple[ShockEdit, ...]]]


def builder(case: Case, result: DynamicsResult) -> Builder:
    """The scenario builder's options for a case whose dynamics ``result`` is available."""
    dyn = load_dynamics(case)
    first = _first_year(result)
    presets = {s.id: (s.name, tuple(_shock_of(e, dyn) for e in s.events)) for s in dyn.scenarios}
    drivers = {"relation": "The relation itself (stationary sd)"} | {d.id: d.name for d in dyn.drivers}
    return Builder(scenarios={s.id: s.name for s in case.scenarios}, drivers=drivers, first_year=first,
                   default_year=max(dyn.start, first), horizon=dyn.horizon, by_year=dyn.by_year, presets=presets)


def _shock_of(event: ScenarioEvent, dyn: Dynamics) -> ShockEdit:
    year = event.year or dyn.start
    if event.scenario is not None:
        return ShockEdit(year, event.scenario)
    return ShockEdit(year, str(event.driver), event.add, event.half_life)


def _first_year(result: DynamicsResult) -> int:
    return int(result.fit.series.index[-1].year) + 1


@dataclass(frozen=True, repr=False, kw_only=True)
class ScenarioResult(Result):
    """A user's scenario beside the baseline: ``table()`` is P(breakthrough by ``by_year``) per
    scenario and model (Wilson intervals, or 0 by construction)."""

    shocks: tuple[ShockEdit, ...] = ()
    runs: BreakthroughRuns | None = None
    history: pd.Series | None = None
    by_year: int = 0
    years: int = 0
    paths: int = 0

    def table(self) -> pd.DataFrame:
        if self.runs is None:
            return super().table()
        return _cited(self.runs.table(self.by_year), self.sources)

    def by_year_table(self) -> pd.DataFrame:
        """P(breakthrough by each simulated year), one row per scenario, model and year."""
        frames = [o.probabilities.assign(scenario=o.id) for o in self.runs.outcomes] if self.runs else []
        frames = [f for f in frames if not f.empty]
        return _cited(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), self.sources)

    def shocks_table(self) -> pd.DataFrame:
        """The user's shocks, one row each."""
        return _cited(pd.DataFrame([vars(s) for s in self.shocks], columns=["year", "what", "size", "half_life"]),
                      self.sources)

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        if self.runs is None:
            return out
        out.update({"by_year": self.by_year, "years": self.years, "paths": self.paths, "shocks": len(self.shocks),
                    "p_breakthrough": {f"{r.scenario}/{r.model}": float(r.p) for r in self.table().itertuples()},
                    "by_construction": {o.id: o.bound.describe() for o in self.runs.outcomes if o.by_construction}})
        return out

    def figures(self) -> dict[str, go.Figure]:
        if self.runs is None:
            return {}
        return {"scenario_fan": fan_figure(self), "scenario_breakthrough": breakthrough_figure(self)}


def fan_figure(res: ScenarioResult) -> go.Figure:
    """The measured index, then each scenario's relation (median, 90 % band); shocks as lines."""
    fig = go.Figure()
    hist = res.history
    fig.add_trace(go.Scatter(x=list(hist.index.year), y=hist.to_numpy(), name="measured",
                             line={"color": "#1e3a8a"}))
    names = {BASELINE: "no new shock", EDITED: "your scenario"}
    for out in res.runs.outcomes:
        colour = COLOURS[out.id]
        if out.fan.empty:  # 0 by construction: nothing simulated
            continue
        f = out.fan
        years = [int(p) for p in f["period"]]  # yearly periods: a numeric axis, like the shocks' years
        fig.add_trace(go.Scatter(x=years + years[::-1],
                                 y=list(f["high_0.9"]) + list(f["low_0.9"][::-1]), fill="toself", line={"width": 0},
                                 fillcolor=f"rgba({int(colour[1:3], 16)},{int(colour[3:5], 16)},"
                                           f"{int(colour[5:7], 16)},0.15)",
                                 name=f"{names[out.id]}: 90 % band", hoverinfo="skip", legendgroup=out.id))
        fig.add_trace(go.Scatter(x=years, y=f["median"], name=f"{names[out.id]}: median",
                                 line={"color": colour, "dash": "dash" if out.id == BASELINE else "solid"},
                                 legendgroup=out.id))
    for s in res.shocks:
        fig.add_vline(x=s.year, line={"color": "#a16207", "dash": "dot", "width": 1})
    if res.shocks:
        fig.add_trace(go.Scatter(
            x=[s.year for s in res.shocks], y=[float(np.nanmax(hist.to_numpy()))] * len(res.shocks),
            mode="markers", marker={"symbol": "triangle-down", "size": 10, "color": "#a16207"}, name="your shocks",
            customdata=[_label(s) for s in res.shocks], hovertemplate="%{x}: %{customdata}<extra></extra>"))
    fig.update_layout(template="plotly_white", height=380, margin={"l": 50, "r": 20, "t": 30, "b": 40},
                      yaxis_title="relation index", xaxis_title="year", legend={"orientation": "h", "y": -0.2})
    return fig


def _label(s: ShockEdit) -> str:
    if s.size is None:
        return s.what
    fade = "persistent" if s.half_life is None else f"half-life {s.half_life:g} y"
    return f"{s.what} {s.size:+g} ({fade})"


def breakthrough_figure(res: ScenarioResult) -> go.Figure:
    """P(breakthrough by year) per model, the user's scenario beside the baseline."""
    fig = go.Figure()
    dashes = ("solid", "dash", "dot", "dashdot")
    frame = res.by_year_table()
    for out in res.runs.outcomes:
        name = "no new shock" if out.id == BASELINE else "your scenario"
        if out.by_construction:
            continue
        rows = frame[frame["scenario"] == out.id]
        for j, (model, part) in enumerate(rows.groupby("model", sort=False)):
            fig.add_trace(go.Scatter(x=part["year"], y=part["p"], name=f"{name} · {model}", legendgroup=out.id,
                                     line={"color": COLOURS[out.id], "dash": dashes[j % len(dashes)]},
                                     hovertemplate=f"{name}, {model}: %{{y:.3f}} by %{{x}}<extra></extra>"))
    fig.add_vline(x=res.by_year, line={"color": "#444", "dash": "dot", "width": 1})
    fig.update_layout(template="plotly_white", height=380, margin={"l": 60, "r": 20, "t": 20, "b": 40},
                      yaxis={"title": "P(breakthrough by year)", "rangemode": "tozero"}, xaxis_title="year",
                      legend={"orientation": "h", "y": -0.2})
    return fig


def check_work(paths: int, years: int, shocks: int = 0) -> None:
    """Raise :class:`BilateralError` naming the parameter when a request asks for too much."""
    if not 1 <= years <= MAX_YEARS:
        raise BilateralError(f"years: {years} is out of range — simulate from 1 to {MAX_YEARS} years")
    if not 1 <= paths <= MAX_PATHS:
        raise BilateralError(f"paths: {paths:,} is out of range — give from 1 to {MAX_PATHS:,} paths")
    if 2 * paths * years > MAX_WORK:
        raise BilateralError(f"paths × years: {paths:,} paths over {years} years (two scenarios) is more than "
                             f"{MAX_WORK:,} path-years — ask for at most {MAX_WORK // (2 * years):,} paths "
                             f"over {years} years")
    if shocks > MAX_SHOCKS:
        raise BilateralError(f"shocks: {shocks} given — a scenario has at most {MAX_SHOCKS}")


def _event(shock: ShockEdit, k: int, case: Case, dyn: Dynamics, first: int, last: int) -> ScenarioEvent:
    where = f"shock {k + 1}"
    if not first <= shock.year <= last:
        raise BilateralError(f"{where}: year {shock.year} is outside the simulated years — give {first}–{last}")
    scenarios = {s.id for s in case.scenarios}
    drivers = dyn.driver_ids
    if shock.what in scenarios:
        if shock.size is not None or shock.half_life is not None:
            raise BilateralError(f"{where}: {shock.what} is a case scenario — it takes no size or half-life "
                                 "(those are for a push on a driver)")
        return ScenarioEvent(scenario=shock.what, year=shock.year)
    if shock.what not in drivers:
        raise BilateralError(f"{where}: {shock.what[:40]!r} is neither a case scenario nor a driver — use one of "
                             f"{', '.join(sorted(scenarios))} or a driver ({', '.join(drivers)})")
    if shock.size is None:
        raise BilateralError(f"{where}: a push on {shock.what} needs a size")
    top = MAX_PUSH.get(shock.what, MAX_LEVEL_PUSH)
    if not (math.isfinite(shock.size) and abs(shock.size) <= top):
        raise BilateralError(f"{where}: size {shock.size:g} is out of range — give a push from {-top:g} to {top:g}")
    if shock.half_life is not None and not 0 < shock.half_life <= MAX_HALF_LIFE:
        raise BilateralError(f"{where}: half-life {shock.half_life:g} is out of range — give more than 0 and at "
                             f"most {MAX_HALF_LIFE:g} years, or none for a persistent push")
    try:
        return ScenarioEvent(driver=shock.what, add=shock.size, half_life=shock.half_life, year=shock.year)
    except ValidationError as err:
        raise BilateralError(f"{where}: {err.errors()[0]['msg']}") from None


def run_scenario(result: DynamicsResult, case: Case, shocks: Sequence[ShockEdit], *, paths: int = 500,
                 years: int | None = None, by_year: int | None = None, models: Any = "all",
                 rng: int | np.random.Generator | None = 0) -> ScenarioResult:
    """Run a user's shocks and the baseline through the fitted dynamics and the couplings.

    Parameters
    ----------
    result
        The case's :attr:`Analysis.dynamics` (its fitted relations model is reused, not refitted).
    case
        The case (its scenarios, stakeholders and ``dynamics.yaml``).
    shocks
        The user's shocks (at most :data:`MAX_SHOCKS`), in any order.
    paths, years
        Simulated futures and years after the last observed one (default the file's horizon);
        ``2 × paths × years`` is at most :data:`MAX_WORK`.
    by_year
        The headline year of ``table()`` (default the file's ``by_year``, within the simulated years).
    models, rng
        The bargaining models and the seed (one seed for both scenarios).

    Raises
    ------
    BilateralError
        A shock, bound or year that cannot be run; the message names it and what to give.
    """
    if not result.available or result.fit is None:
        return unavailable(ScenarioResult, result.reason or "the relations dynamics are not available")
    dyn = load_dynamics(case)
    years = dyn.horizon if years is None else years
    check_work(paths, years, len(shocks))
    first = _first_year(result)
    last = first + years - 1
    by_year = min(max(dyn.by_year, first), last) if by_year is None else by_year
    if not first <= by_year <= last:
        raise BilateralError(f"by: {by_year} is not a simulated year — give {first}–{last}")
    events = [_event(s, k, case, dyn, first, last) for k, s in enumerate(shocks)]
    edited = DynamicScenario.model_construct(id=EDITED, name="your scenario", description="built on the dashboard",
                                             events=events, source="", locator="")
    baseline = DynamicScenario.model_construct(id=BASELINE, name="no new shock", description="the fitted dynamics "
                                               "run on", events=[], source="", locator="")
    run_dyn = dyn.model_copy(update={"scenarios": [baseline, edited], "by_year": by_year, "horizon": years})
    runs = breakthrough_scenarios(result.fit, case, run_dyn, models=models, paths=paths, rng=rng, horizon=years)
    used = {case_scenario.source for case_scenario in case.scenarios if case_scenario.id in {s.what for s in shocks}}
    sources = tuple(sorted((set(runs.sources) | set(result.sources) | used) - {""}))
    return ScenarioResult(shocks=tuple(shocks), runs=runs, history=result.fit.series, by_year=by_year, years=years,
                          paths=paths, sources=sources)


@dataclass(frozen=True, repr=False, kw_only=True)
class TakeResult(Result):
    """The exact bound and "what it would take" for one stakeholder table: ``table()`` has one row
    per model (the veto players moved, the common position needed, the ratified outcome there)."""

    rule: str = ""
    fixed: bool = False
    take: pd.DataFrame | None = None
    bounds: pd.DataFrame | None = None

    def table(self) -> pd.DataFrame:
        return _cited(pd.DataFrame() if self.take is None else self.take.copy(), self.sources)

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        out.update({"rule": self.rule, "p_breakthrough_zero_by_construction": self.fixed})
        return out


def what_it_would_take_for(sh: Any, models: Any = "all") -> TakeResult:
    """The bound (:func:`bilateral.simulate.bound`) and :func:`bilateral.simulate.what_it_would_take`
    for a stakeholder table, such as one edited on the dashboard; unavailable without a threshold."""
    if sh.breakthrough is None:
        return unavailable(TakeResult, "the stakeholders have no breakthrough threshold (case.yaml breakthrough)")
    b = bound(sh)
    return TakeResult(rule=b.describe(), fixed=b.fixed, take=what_it_would_take(sh, models), bounds=b.table(),
                      sources=tuple(sorted(set(sh.sources))))
