"""P(breakthrough by year T) under named scenarios: the fitted relations, the case's couplings and
every bargaining model with ratification, on all paths at once (docs/models.md §14).

Per scenario, first the exact check of :mod:`bilateral.simulate.bounds` on the stakeholders after
all its changes, with the couplings' largest shifts: when no draw can reach the threshold the
probability is reported as 0 *by construction* and nothing is simulated. Otherwise ``paths``
futures are swept year by year: the relation (fitted parameters drawn from their estimate's
distribution, innovations, the scenario's impulses), the drivers, the coupled stakeholders, every
model's bargained and ratified outcome. Every scenario uses the same random numbers, so the
differences between scenarios come from the scenarios.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bilateral.case.dynamics import Dynamics, start_period
from bilateral.errors import BilateralError
from bilateral.simulate.bounds import Bound, bound
from bilateral.simulate.coupling import NegotiationRecorder, draw_slopes
from bilateral.simulate.dynamics import Impulse, RelationsFit, StateRecorder, fan, future_periods, sweep
from bilateral.simulate.inputs import Stakeholders, from_case
from bilateral.simulate.registry import get_models
from bilateral.simulate.scenarios import apply_scenario, factor_impulses
from bilateral.simulate.shocks import Shock


def shocks_of(dyn: Dynamics, freq: str) -> list[Shock]:
    """The case's dated shocks at the index's frequency."""
    return [Shock(s.id, start_period(s.start, freq), s.kind, s.half_life or (0.25, 30.0), s.name,
                  s.source, s.locator) for s in dyn.shocks]


@dataclass(frozen=True)
class Compiled:
    """A dynamic scenario made concrete: case scenarios switched on at their start, impulses."""

    changes: tuple[tuple[pd.Period, Any], ...]
    impulses: tuple[Impulse, ...]

    def stakeholders(self, base: Stakeholders) -> Callable[[pd.Period], Stakeholders]:
        """The table in force in each period (one object per set of active changes)."""
        tables = [base]
        for _, sc in self.changes:
            tables.append(apply_scenario(tables[-1], sc))
        starts = [p for p, _ in self.changes]

        def in_force(period: pd.Period) -> Stakeholders:
            return tables[sum(period >= s for s in starts)]
        return in_force

    def final(self, base: Stakeholders) -> Stakeholders:
        sh = base
        for _, sc in self.changes:
            sh = apply_scenario(sh, sc)
        return sh


def compile_scenario(scenario: Any, case: Any, dyn: Dynamics, freq: str) -> Compiled:
    """The changes and impulses of one ``dynamics.yaml`` scenario (events start at their ``year``,
    default the file's ``start``)."""
    known = {s.id: s for s in case.scenarios}
    changes, impulses = [], []
    for ev in scenario.events:
        start = pd.Period(str(ev.year or dyn.start), freq="Y").asfreq(freq, how="start")
        if ev.scenario is not None:
            sc = known[ev.scenario]
            changes.append((start, sc))
            impulses.extend(factor_impulses(sc, dyn.factor_effects, start))
        else:
            impulses.append(Impulse(ev.driver, start, float(ev.add), ev.half_life))
    return Compiled(tuple(changes), tuple(impulses))


@dataclass(frozen=True, repr=False)
class ScenarioOutcome:
    """One scenario: its exact check, and (unless fixed) the simulated breakthrough table."""

    id: str
    name: str
    bound: Bound
    probabilities: pd.DataFrame
    sensitivity: pd.DataFrame
    fan: pd.DataFrame
    source: str = ""
    locator: str = ""

    @property
    def by_construction(self) -> bool:
        return self.bound.fixed


@dataclass(frozen=True, repr=False)
class BreakthroughRuns:
    """Every scenario's outcome; ``table(year)`` is the headline P(breakthrough by year)."""

    outcomes: list[ScenarioOutcome]
    by_year: int
    paths: int
    models: tuple[str, ...]
    sources: tuple[str, ...] = field(default=())

    def table(self, year: int | None = None, level: float = 0.95) -> pd.DataFrame:
        """One row per scenario and model: P(breakthrough by ``year``), its Wilson interval, and
        whether it is a Monte Carlo estimate or 0 by construction."""
        year = self.by_year if year is None else year
        simulated = sorted({int(y) for o in self.outcomes if not o.probabilities.empty
                            for y in o.probabilities["year"]})
        if simulated and year not in simulated:
            raise BilateralError(f"year {year} was not simulated — choose one of {simulated[0]}–{simulated[-1]}")
        rows = []
        for out in self.outcomes:
            for model in self.models:
                if out.by_construction:
                    rows.append({"scenario": out.id, "name": out.name, "model": model, "year": year,
                                 "p": 0.0, "low": 0.0, "high": 0.0, "basis": "0 by construction",
                                 "source": out.source, "locator": out.locator})
                    continue
                row = out.probabilities.query("model == @model and year == @year")
                if row.empty:
                    continue
                r = row.iloc[0]
                rows.append({"scenario": out.id, "name": out.name, "model": model, "year": year,
                             "p": r.p, "low": r.low, "high": r.high, "basis": "Monte Carlo",
                             "source": out.source, "locator": out.locator})
        frame = pd.DataFrame(rows)
        frame.attrs["sources"] = sorted(set(self.sources) | {o.source for o in self.outcomes})
        return frame

    def sensitivity(self) -> pd.DataFrame:
        frame = pd.concat([o.sensitivity.assign(scenario=o.id) for o in self.outcomes
                           if not o.sensitivity.empty], ignore_index=True) if self.outcomes else pd.DataFrame()
        frame.attrs["sources"] = sorted(set(self.sources))
        return frame

    def __repr__(self) -> str:
        return f"BreakthroughRuns({len(self.outcomes)} scenarios × {self.paths} paths, by {self.by_year})"


def input_effects(inputs: dict[str, np.ndarray], outcome: np.ndarray) -> pd.DataFrame:
    """Which inputs move the breakthrough most, from the paths themselves: per input, the mean of
    ``outcome`` (the share of models with a breakthrough) on the paths in the input's top third
    minus on those in its bottom third; sorted by size."""
    rows = []
    for name, values in inputs.items():
        lo, hi = np.quantile(values, [1 / 3, 2 / 3])
        top, bottom = outcome[values >= hi], outcome[values <= lo]
        if top.size and bottom.size and hi > lo:
            rows.append({"input": name, "effect": float(top.mean() - bottom.mean()),
                         "p_top_third": float(top.mean()), "p_bottom_third": float(bottom.mean())})
    frame = pd.DataFrame(rows, columns=["input", "effect", "p_top_third", "p_bottom_third"])
    return frame.reindex(frame["effect"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def breakthrough_scenarios(fit: RelationsFit, case: Any, dyn: Dynamics, *,
                           scenarios: Sequence[str] | None = None, models: Any = "all", paths: int = 1000,
                           rng: int | np.random.Generator | None = None, horizon: int | None = None,
                           progress: Callable[[int, int], None] | None = None) -> BreakthroughRuns:
    """Run the scenarios of ``dynamics.yaml`` (all, or the ids in ``scenarios``) through the
    coupled relations and negotiation. ``progress(done, total)`` counts simulated periods."""
    chosen = [dyn.scenario(s) for s in scenarios] if scenarios else list(dyn.scenarios)
    base = from_case(case)
    threshold = float(case.info.breakthrough.threshold)
    freq = fit.series.index.freqstr
    periods = future_periods(fit.series.index, (horizon or dyn.horizon) * fit.per_year)
    instances = get_models(models)
    baselines = {d.id: d.baseline for d in dyn.drivers}
    # one seed for every scenario: the same random numbers, so differences come from the scenarios
    if isinstance(rng, np.random.Generator):
        seed = int(rng.integers(2 ** 63))
    else:
        seed = np.random.SeedSequence().entropy if rng is None else rng
    total, done = len(chosen) * len(periods), 0
    outcomes = []
    for sc in chosen:
        compiled = compile_scenario(sc, case, dyn, freq)
        check = bound(compiled.final(base), dyn.couplings, threshold)
        if check.fixed:
            done += len(periods)
            if progress is not None:
                progress(done, total)
            outcomes.append(ScenarioOutcome(sc.id, sc.name, check, pd.DataFrame(), pd.DataFrame(),
                                            pd.DataFrame(), sc.source, sc.locator))
            continue
        gen = np.random.default_rng(seed)
        u = gen.random((paths, 3 * base.n))
        slopes = draw_slopes(dyn.couplings, paths, gen)
        process = fit.process(paths, gen, compiled.impulses)
        rec = NegotiationRecorder(compiled.stakeholders(base), dyn.couplings, instances, slopes, u,
                                  baselines, threshold)
        state_rec = StateRecorder(("relation",))
        start = done

        def tick(k: int, start: int = start) -> None:
            if progress is not None:
                progress(start + k, total)
        sweep(process, periods, gen, [rec, state_rec], tick)
        done += len(periods)
        broken = np.mean([hit for hit in rec.broken_by(dyn.by_year).values()], axis=0)
        inputs = {f"coupling {c.id} (slope)": slopes[:, k] for k, c in enumerate(dyn.couplings)}
        inputs.update({"relation inertia ρ": process.params[:, 1], "relation innovation σ²": process.params[:, 2]})
        first = rec._batch(compiled.stakeholders(base)(periods[0])).position
        inputs.update({f"{base.actor[i]} position draw": first[:, i] for i in np.flatnonzero(base.veto)})
        outcomes.append(ScenarioOutcome(sc.id, sc.name, check, rec.table(),
                                        input_effects(inputs, broken),
                                        fan(state_rec.frame("relation"), (0.5, 0.9), fit.sources),
                                        sc.source, sc.locator))
    sources = tuple(sorted({c.source for c in dyn.couplings} | set(fit.sources) | set(base.sources)))
    return BreakthroughRuns(outcomes, dyn.by_year, paths, tuple(m.name for m in instances), sources)

