"""Every model's forecast for one stakeholder table, as bargained and as ratifiable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bilateral.simulate.base import Outcome
from bilateral.simulate.inputs import Stakeholders, load_stakeholders
from bilateral.simulate.ratification import Ratification, ratification
from bilateral.simulate.registry import get_models


@dataclass(frozen=True, repr=False)
class Forecast:
    """The models' outcomes on one table, with its win-sets and agreement set."""

    stakeholders: Stakeholders
    outcomes: dict[str, Outcome]
    ratification: Ratification

    def table(self) -> pd.DataFrame:
        """One row per model: bargained outcome, status, rounds, the ratifiable outcome."""
        threshold = self.stakeholders.breakthrough
        rows = []
        for name, out in self.outcomes.items():
            ratified = self.ratification.project(out.position)
            row = {"model": name, "bargained": out.position, "status": out.status,
                   "rounds": out.rounds or None, "converged": out.converged, "ratifiable": ratified}
            if threshold is not None:
                row["breakthrough"] = ratified is not None and ratified >= threshold
            if ratified is None:
                row["note"] = out.message if out.position is None else "no ratifiable agreement"
            elif out.position is not None and abs(ratified - out.position) > 1e-9:
                z = self.ratification
                row["note"] = f"outside Z = [{z.low:g}, {z.high:g}]: projected"
            else:
                row["note"] = out.message
            rows.append(row)
        frame = pd.DataFrame(rows)
        frame.attrs["sources"] = list(self.stakeholders.sources)
        return frame

    def __repr__(self) -> str:
        outcomes = ", ".join(f"{name} {'none' if o.position is None else f'{o.position:.4g}'}"
                             for name, o in self.outcomes.items())
        return f"Forecast({self.stakeholders.n} actors; {outcomes}; {self.ratification.describe()})"

    def _repr_html_(self) -> str:
        return self.table().to_html(index=False)


def forecast(source: Any = "russia-japan", models: Any = "all", *,
             rng: np.random.Generator | None = None) -> Forecast:
    """Solve each model on the table's point values (``rng`` passed to each ``solve``) and ratify
    each outcome."""
    sh = load_stakeholders(source)
    outcomes = {m.name: m.solve(sh, rng=rng) for m in get_models(models)}
    return Forecast(sh, outcomes, ratification(sh))
