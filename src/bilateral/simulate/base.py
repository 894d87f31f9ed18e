"""The one interface every bargaining model shares (scikit-learn conventions), and its results.

A model is configured once (its variant choices are constructor parameters, validated there and
in ``set_params``) and then solves any number of stakeholder tables::

    model = ExpectedUtility(max_rounds=100)
    outcome = model.solve(stakeholders)          # one table: position, trace, diagnostics
    result = model.solve_batch(batch)            # many draws at once (Monte Carlo), vectorised
    faster = model.clone().set_params(tolerance=1e-2)
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bilateral.errors import BilateralError
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

    def __repr__(self) -> str:
        return (f"Batch({self.runs} draws × {self.position.shape[1]} actors, scale "
                f"{self.scale[0]:g}–{self.scale[1]:g}, status quo {self.status_quo})")


@dataclass(frozen=True)
class BatchResult:
    """Per draw: the forecast (NaN where the model has no solution), convergence and rounds."""

    position: np.ndarray
    converged: np.ndarray
    rounds: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @staticmethod
    def concat(parts: list[BatchResult]) -> BatchResult:
        keys = set.intersection(*(set(p.extra) for p in parts)) if parts else set()
        return BatchResult(np.concatenate([p.position for p in parts]),
                           np.concatenate([p.converged for p in parts]),
                           np.concatenate([p.rounds for p in parts]),
                           {k: np.concatenate([p.extra[k] for p in parts]) for k in sorted(keys)})

    def __repr__(self) -> str:
        extra = f", extra {', '.join(self.extra)}" if self.extra else ""
        return f"BatchResult({len(self.position)} draws{extra})"


@dataclass(frozen=True, repr=False)
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

    def summary(self) -> dict[str, Any]:
        """One row for a table of forecasts."""
        return {"model": self.model, "position": self.position, "status": self.status,
                "rounds": self.rounds or None, "message": self.message}

    def __repr__(self) -> str:
        where = "no solution" if self.position is None else f"position={self.position:.6g}"
        parts = [f"Outcome({self.model!r}, {where}, status={self.status!r}, rounds={self.rounds}"]
        if self.trace is not None:
            parts.append(f"trace {len(self.trace)} rows")
        if self.diagnostics:
            parts.append(f"diagnostics {', '.join(self.diagnostics)}")
        return "; ".join(parts) + ")"


@dataclass(frozen=True)
class Interval:
    """A numeric parameter's allowed range (``integer``: whole numbers only)."""

    low: float = -math.inf
    high: float = math.inf
    integer: bool = False
    open_low: bool = False

    def check(self, model: str, name: str, value: Any) -> Any:
        kind = Integral if self.integer else Real
        ok = isinstance(value, kind) and not isinstance(value, bool) and math.isfinite(value)
        if ok:
            ok = (value > self.low if self.open_low else value >= self.low) and value <= self.high
        if not ok:
            raise BilateralError(f"{model}: parameter {name}={value!r} is not {self.describe()} — "
                                 f"give {self.describe()}")
        return int(value) if self.integer else float(value)

    def describe(self) -> str:
        what = "a whole number" if self.integer else "a number"
        low = f"> {self.low:g}" if self.open_low else f"≥ {self.low:g}"
        if self.high == math.inf:
            return f"{what} {low}"
        return f"{what} {low} and ≤ {self.high:g}"


#: A model's parameter rules: a variant string's choices, or a numeric :class:`Interval`.
ParamRules = dict[str, "tuple[str, ...] | Interval"]


class BargainingModel:
    """Base class: ``solve`` one table, ``solve_batch`` many draws; parameters set in ``__init__``.

    scikit-learn conventions: ``get_params()``, ``set_params(**params)`` (returns the model),
    ``clone()``. Every parameter is declared in :attr:`PARAMS`: a variant string's choices (a
    tuple) or a numeric :class:`Interval`; a value outside it raises :class:`BilateralError`
    naming the parameter, the value and what is allowed.
    """

    name: ClassVar[str] = "model"
    label: ClassVar[str] = "model"
    PARAMS: ClassVar[ParamRules] = {}

    @classmethod
    def param_names(cls) -> list[str]:
        """The constructor's parameter names, in order."""
        kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        return [name for name, p in inspect.signature(cls.__init__).parameters.items()
                if name != "self" and p.kind in kinds]

    def get_params(self) -> dict[str, Any]:
        """The model's variant choices (its constructor arguments) and their values."""
        return {p: getattr(self, p) for p in self.param_names()}

    def set_params(self, **params: Any) -> BargainingModel:
        """Set parameters by name, all validated before any is set; returns the model itself."""
        names = self.param_names()
        unknown = [p for p in params if p not in names]
        if unknown:
            raise BilateralError(f"{self.name}: unknown parameter(s) {', '.join(unknown)} — its "
                                 f"parameters are {', '.join(names) or 'none'}")
        checked = {}
        for key, value in params.items():
            rule = self.PARAMS[key]
            if isinstance(rule, Interval):
                value = rule.check(self.name, key, value)
            elif not isinstance(value, str) or value not in rule:
                raise BilateralError(f"{self.name}: parameter {key}={value!r} is not a variant — "
                                     f"use one of {', '.join(rule)}")
            checked[key] = value
        for key, value in checked.items():
            setattr(self, key, value)
        return self

    def clone(self) -> BargainingModel:
        """A fresh, unfitted copy with the same parameters."""
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"

    def solve_batch(self, batch: Batch) -> BatchResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def solve(self, stakeholders: Stakeholders, *, rng: np.random.Generator | None = None) -> Outcome:
        """Forecast for one table. ``rng`` is the shared interface's random generator; a
        deterministic model (all four built-in ones) does not use it."""
        raise NotImplementedError  # pragma: no cover - abstract
