"""The one interface every bargaining model shares, and what it returns.

A model is configured once (its variant choices are constructor parameters, as in scikit-learn)
and then solves any number of stakeholder tables::

    model = ExpectedUtility(max_rounds=100)
    outcome = model.solve(stakeholders)          # one table: position, trace, diagnostics
    result = model.solve_batch(batch)            # many draws at once (Monte Carlo), vectorised
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bilateral.simulate.inputs import Stakeholders

OK = "ok"
NO_SOLUTION = "no solution"
NOT_CONVERGED = "not converged"


@dataclass(frozen=True)
class Batch:
    """R draws of the n actors' inputs as (R, n) arrays, on a common scale and status quo."""

    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    scale: tuple[float, float]
    status_quo: float | None = None

    @property
    def runs(self) -> int:
        return self.position.shape[0]

    @classmethod
    def of(cls, sh: Stakeholders) -> Batch:
        """A batch of one draw: the stakeholders' point values."""
        return cls(sh.position[None, :].astype(float), sh.salience[None, :].astype(float),
                   sh.capability[None, :].astype(float), sh.scale, sh.status_quo)

    def take(self, rows: slice | np.ndarray) -> Batch:
        return Batch(self.position[rows], self.salience[rows], self.capability[rows], self.scale,
                     self.status_quo)


@dataclass(frozen=True)
class BatchResult:
    """Per draw: the forecast (NaN where the model has no solution), convergence and rounds."""

    position: np.ndarray
    converged: np.ndarray
    rounds: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def defined(self) -> np.ndarray:
        return ~np.isnan(self.position)

    @staticmethod
    def concat(parts: list[BatchResult]) -> BatchResult:
        keys = set.intersection(*(set(p.extra) for p in parts)) if parts else set()
        return BatchResult(np.concatenate([p.position for p in parts]),
                           np.concatenate([p.converged for p in parts]),
                           np.concatenate([p.rounds for p in parts]),
                           {k: np.concatenate([p.extra[k] for p in parts]) for k in sorted(keys)})


@dataclass(frozen=True)
class Outcome:
    """A model's forecast for one stakeholder table.

    ``position`` is ``None`` when the model has no solution (``status == "no solution"``, with the
    reason in ``message``). ``trace`` has one row per round (iterative models) and one column per
    actor plus the round's summary columns. ``diagnostics`` holds model-specific numbers.
    """

    model: str
    position: float | None
    status: str = OK
    message: str = ""
    rounds: int = 0
    converged: bool = True
    trace: pd.DataFrame | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def defined(self) -> bool:
        return self.position is not None

    def summary(self) -> dict[str, Any]:
        """One row for a table of forecasts."""
        return {"model": self.model, "position": self.position, "status": self.status,
                "rounds": self.rounds or None, "message": self.message}


class BargainingModel:
    """Base class: ``solve`` one table, ``solve_batch`` many draws; parameters set in ``__init__``."""

    name: ClassVar[str] = "model"
    label: ClassVar[str] = "model"

    def get_params(self) -> dict[str, Any]:
        """The model's variant choices (its constructor arguments) and their values."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {p: getattr(self, p) for p in names}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"

    def solve_batch(self, batch: Batch) -> BatchResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def solve(self, stakeholders: Stakeholders, *, rng: np.random.Generator | None = None) -> Outcome:
        """Forecast for one table (``rng`` is accepted for the shared interface; these models are
        deterministic)."""
        result = self.solve_batch(Batch.of(stakeholders))
        position = float(result.position[0])
        if np.isnan(position):
            return Outcome(self.name, None, NO_SOLUTION, "the model has no solution for this input")
        return Outcome(self.name, position, rounds=int(result.rounds[0]),
                       converged=bool(result.converged[0]))
