"""Couplings: the simulated relations move the negotiation (docs/models.md §14).

Each coupling c of the case moves one stakeholder field by

    Δ_c = clip(b_c · (d_c(t) − d̄_c), −cap_c, cap_c),   b_c ~ U(slope range)

where d_c is its driver: the relation's departure from its norm in stationary standard deviations
(``z`` of :class:`bilateral.simulate.dynamics.RelationsProcess`), or a level in [0, 1] such as the
leaders' rapport or a leader's popularity (baseline plus the scenario's impulses, cut to [0, 1]).
Positions are cut to the scale, saliences and capabilities to [0, 1].

:class:`NegotiationRecorder` is the recorder of :func:`bilateral.simulate.dynamics.sweep` that,
once a year on every path at once, draws nothing new but couples the path's stakeholder draw to the
path's drivers, solves every bargaining model (``solve_batch``), projects onto the agreement set
(two-level ratification) and notes the first year a ratified outcome reaches the threshold. A
model is solved only on the paths that can still change the answer: those whose agreement set
reaches the threshold this year (elsewhere the ratified outcome is below it whatever the model
says, docs/models.md §15) and that have not broken through already.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bilateral.simulate.base import BargainingModel, Batch
from bilateral.simulate.inputs import Stakeholders
from bilateral.simulate.montecarlo import draw, wilson
from bilateral.simulate.ratification import agreement_bounds, ratify

FIELDS = ("position", "salience", "capability")


def draw_slopes(couplings: Sequence[Any], paths: int, rng: np.random.Generator) -> np.ndarray:
    """(paths, C) slopes drawn uniformly in each coupling's range."""
    if not couplings:
        return np.zeros((paths, 0))
    low = np.array([c.slope[0] for c in couplings], float)
    high = np.array([c.slope[1] for c in couplings], float)
    return low + rng.random((paths, len(couplings))) * (high - low)


def driver_values(state: dict[str, np.ndarray], baselines: dict[str, float]) -> dict[str, np.ndarray]:
    """The drivers a coupling reads from a process state: ``relation`` (z) and every other driver
    at its baseline plus its impulses, cut to [0, 1]."""
    z = state["z"]
    out = {"relation": z}
    for name, base in baselines.items():
        out[name] = np.clip(base + state.get(f"impulse.{name}", np.zeros_like(z)), 0.0, 1.0)
    return out


def couple(batch: Batch, actors: Sequence[str], couplings: Sequence[Any], slopes: np.ndarray,
           drivers: dict[str, np.ndarray]) -> Batch:
    """``batch`` with every coupling's shift Δ_c added to its actor's field (one row per path)."""
    arrays = {f: getattr(batch, f).copy() for f in FIELDS}
    for k, c in enumerate(couplings):
        i = actors.index(c.actor)
        shift = np.clip(slopes[:, k] * (drivers[c.driver] - c.reference), -c.cap, c.cap)
        arrays[c.field][:, i] += shift
    arrays["position"] = np.clip(arrays["position"], *batch.scale)
    for f in ("salience", "capability"):
        arrays[f] = np.clip(arrays[f], 0.0, 1.0)
    return Batch(arrays["position"], arrays["salience"], arrays["capability"], batch.scale, batch.status_quo)


def year_end(period: pd.Period) -> bool:
    """True for the last period of a calendar year (every period of a yearly index)."""
    return period.end_time == period.asfreq("Y").end_time


@dataclass
class NegotiationRecorder:
    """Once a year, every model on every path: bargained → ratified → breakthrough.

    ``stakeholders(period)`` gives the table in force (a scenario's changes from its start);
    each path keeps its own uniforms ``u`` so its draw is the same table throughout and across
    scenarios (common random numbers).
    """

    stakeholders: Callable[[pd.Period], Stakeholders]
    couplings: Sequence[Any]
    models: Sequence[BargainingModel]
    slopes: np.ndarray
    u: np.ndarray
    baselines: dict[str, float]
    threshold: float
    years: list[int] = field(default_factory=list)
    first: dict[str, np.ndarray] = field(default_factory=dict)
    solved: int = 0
    _draws: dict[int, tuple[Stakeholders, Batch]] = field(default_factory=dict)

    @property
    def paths(self) -> int:
        return self.u.shape[0]

    def _batch(self, sh: Stakeholders) -> Batch:
        key = id(sh)
        if key not in self._draws:
            self._draws[key] = (sh, draw(sh, self.paths, np.random.default_rng(0), u=self.u.copy()))
        return self._draws[key][1]

    def record(self, period: pd.Period, state: dict[str, np.ndarray]) -> None:
        if not year_end(period):
            return
        sh = self.stakeholders(period)
        batch = couple(self._batch(sh), sh.actor, self.couplings, self.slopes,
                       driver_values(state, self.baselines))
        low, high = agreement_bounds(sh, batch.position)
        open_ = high >= self.threshold - 1e-9
        self.years.append(period.year)
        for model in self.models:
            first = self.first.setdefault(model.name, np.full(self.paths, np.nan))
            rows = np.flatnonzero(open_ & np.isnan(first))
            if rows.size == 0:
                continue
            out = ratify(model.solve_batch(batch.take(rows)).position, low[rows], high[rows])
            first[rows[out >= self.threshold - 1e-9]] = period.year
            self.solved += rows.size

    def broken_by(self, year: int) -> dict[str, np.ndarray]:
        """Per model, whether each path had a ratified breakthrough by the end of ``year``."""
        return {m: ~np.isnan(f) & (f <= year) for m, f in self.first.items()}

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """P(breakthrough by year T) per model and year, with Wilson intervals."""
        rows = []
        for year in self.years:
            for model, hit in self.broken_by(year).items():
                p, lo, hi = wilson(int(hit.sum()), self.paths, level)
                rows.append({"model": model, "year": year, "p": p, "low": lo, "high": hi,
                             "paths": self.paths, "basis": "Monte Carlo"})
        return pd.DataFrame(rows)
