"""One call for the whole negotiation simulation: forecasts, Monte Carlo, scenarios, sensitivity.

``run`` is what the command line and the report call; it returns a :class:`Simulation`, a frozen
results object in the manner of statsmodels' results::

    from bilateral import simulate
    sim = simulate.run("russia-japan", runs=10_000, rng=1, scenarios="all",
                       sensitivity=("compromise", "eum"), params={"eum": {"max_rounds": 50}})
    sim.table()                  # one row per model: forecast and Monte Carlo summary
    sim.outcome("eum").trace     # the EUM's rounds

Each model is solved once per distinct input: the baseline forecast and Monte Carlo are handed to
the scenario table and the one-at-a-time sensitivity instead of being solved again, and a scenario
that leaves a model's inputs unchanged (e.g. one that only changes veto flags) reuses its solution.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bilateral.errors import BilateralError
from bilateral.simulate.base import BargainingModel, Batch, BatchResult, Outcome
from bilateral.simulate.forecast import Forecast, forecast
from bilateral.simulate.inputs import Stakeholders, check_salience_scale, load_stakeholders, read_stakeholders
from bilateral.simulate.montecarlo import MonteCarlo, generator, monte_carlo
from bilateral.simulate.ratification import Ratification
from bilateral.simulate.registry import MODELS, get_model, get_models
from bilateral.simulate.scenario_table import scenario_table
from bilateral.simulate.sensitivity import one_at_a_time

#: Rows of each model's one-at-a-time table kept in :attr:`Simulation.sensitivity` (largest swings).
SENSITIVITY_TOP = 5


def digest(batch: Batch) -> str:
    """A model input's fingerprint: the draws' positions, saliences, capabilities, scale, status quo."""
    h = hashlib.sha256()
    for values in (batch.position, batch.salience, batch.capability):
        array = np.ascontiguousarray(values, float)
        h.update(str(array.shape).encode())
        h.update(array.tobytes())
    h.update(repr((tuple(map(float, batch.scale)), batch.status_quo)).encode())
    return h.hexdigest()


class _Once(BargainingModel):
    """A model that remembers its solutions by input digest, so no input is solved twice (private
    to :func:`run`: it is never handed out, so it need not be cloned or re-parameterised)."""

    def __init__(self, model: BargainingModel) -> None:
        self.model = model
        self.name, self.label = model.name, model.label
        self.outcomes: dict[str, Outcome] = {}
        self.results: dict[str, BatchResult] = {}

    def get_params(self) -> dict[str, Any]:
        return self.model.get_params()

    def solve(self, stakeholders: Stakeholders, *, rng: np.random.Generator | None = None) -> Outcome:
        key = digest(Batch.of(stakeholders))
        if key not in self.outcomes:
            self.outcomes[key] = self.model.solve(stakeholders, rng=rng)
        return self.outcomes[key]

    def solve_batch(self, batch: Batch) -> BatchResult:
        key = digest(batch)
        if key not in self.results:
            self.results[key] = self.model.solve_batch(batch)
        return self.results[key]


@dataclass(frozen=True, repr=False)
class Simulation:
    """The result of `run`.

    Attributes
    ----------
    case
        The case (``None`` for a stakeholder table).
    stakeholders
        The inputs.
    forecast
        Each model's outcome and the ratification.
    monte_carlo
        The Monte Carlo over the inputs' ranges (``None`` without runs).
    scenarios
        The scenario table (``None`` when none was asked for).
    sensitivity
        The largest one-at-a-time swings per model named in ``sensitivity`` (or ``None``).
    threshold_label
        The case's scale anchor at the breakthrough threshold (or "").
    params
        The parameters given per model.

    Examples
    --------
    >>> sim = simulate.run("russia-japan", runs=200, rng=1)
    >>> sim.ratification.low, sim.ratification.high
    (0.0, 10.0)
    >>> sim.outcome("eum").trace           # solved once, on first use
    """

    case: Any
    stakeholders: Stakeholders
    forecast: Forecast
    monte_carlo: MonteCarlo | None
    scenarios: pd.DataFrame | None
    sensitivity: pd.DataFrame | None
    threshold_label: str
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    _solved: dict[str, Outcome] = field(default_factory=dict, compare=False)

    @property
    def ratification(self) -> Ratification:
        return self.forecast.ratification

    @property
    def models(self) -> list[str]:
        return list(self.forecast.outcomes)

    def table(self) -> pd.DataFrame:
        """One row per model: the forecast (bargained → ratifiable) merged with the Monte Carlo
        summary when there are runs."""
        frame = self.forecast.table()
        if self.monte_carlo is not None:
            frame = frame.merge(self.monte_carlo.table(), on="model", how="left")
        frame.attrs["sources"] = list(self.stakeholders.sources)
        return frame

    def outcome(self, name: str) -> Outcome:
        """A model's outcome on the point values: the forecast's, or (for a model that was not
        among the models run) solved now, once, with its ``params``."""
        if name in self.forecast.outcomes:
            return self.forecast.outcomes[name]
        if name not in self._solved:
            self._solved[name] = get_model(name, **self.params.get(name, {})).solve(self.stakeholders)
        return self._solved[name]

    def __repr__(self) -> str:
        where = self.case.info.title if self.case is not None else self.stakeholders.file
        parts = [f"Simulation of {where}: {self.stakeholders.n} stakeholders, models "
                 f"{', '.join(self.models)}", f"  {self.ratification.describe()}"]
        if self.monte_carlo is not None:
            parts.append(f"  {self.monte_carlo!r}")
        if self.scenarios is not None:
            parts.append(f"  scenarios: {self.scenarios['scenario'].nunique() - 1} against the baseline")
        if self.sensitivity is not None:
            parts.append(f"  sensitivity: {', '.join(self.sensitivity['model'].unique())}")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.table().to_html(index=False)


def _inputs(source: Any, threshold: float | None, scale: tuple[float, float] | None,
            status_quo: float | None, salience_scale: str) -> tuple[Any, Stakeholders]:
    """(case or None, stakeholders) from a case, a case name/folder, a CSV path or Stakeholders."""
    check_salience_scale(salience_scale)
    overrides = {"scale": scale, "status_quo": status_quo, "breakthrough": threshold}
    if isinstance(source, Stakeholders):
        return None, load_stakeholders(source, **overrides)
    if isinstance(source, str | Path) and (str(source).lower().endswith(".csv") or Path(source).is_file()):
        return None, read_stakeholders(source, salience_scale=salience_scale, **overrides)  # type: ignore[arg-type]
    if isinstance(source, str | Path):
        from bilateral.case import load_case

        source = load_case(source)
    return source, load_stakeholders(source, **overrides)


def _models(models: Any, params: dict[str, dict[str, Any]]) -> list[BargainingModel]:
    """The models to run, each with its ``params``; every model's params are checked now (those of
    a model not run apply when it is solved for :meth:`Simulation.outcome` or the sensitivity)."""
    unknown = [name for name in params if name not in MODELS]
    if unknown:
        raise BilateralError(f"params for unknown model(s) {', '.join(map(repr, unknown))} — use "
                             f"{', '.join(MODELS)}")
    for name, values in params.items():
        get_model(name, **values)
    return [get_model(m, **params.get(m.name, {})) for m in get_models(models)]


def params_for(models: Any, *, extra: tuple[str, ...] = (), **options: Any) -> dict[str, dict[str, Any]]:
    """Per-model parameters from options shared across models (``max_rounds=50, tolerance=None``):
    each option that is not ``None`` goes to every chosen model (and every model named in ``extra``)
    that has a parameter of that name."""
    names = [m.name for m in get_models(models)] + [n for n in extra if n in MODELS]
    given = {k: v for k, v in options.items() if v is not None}
    out = {name: {k: v for k, v in given.items() if k in MODELS[name].param_names()} for name in dict.fromkeys(names)}
    return {name: values for name, values in out.items() if values}


def _anchor_label(case: Any, position: float | None) -> str:
    """The case's scale anchor label at ``position`` ("" when there is none)."""
    if case is None or position is None:
        return ""
    return next((a.label for a in case.scale.anchors if a.position == position), "")


def _names(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _sensitivity(names: list[str], models: list[BargainingModel], fc: Forecast,
                 params: dict[str, dict[str, Any]], solved: dict[str, Outcome]) -> pd.DataFrame | None:
    """The largest one-at-a-time swings of each named model, from its baseline outcome in ``fc``
    (a model not run is solved once on the point values and kept in ``solved``)."""
    if not names:
        return None
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        raise BilateralError(f"sensitivity: unknown model(s) {', '.join(unknown)} — use {', '.join(MODELS)}")
    by_name = {m.name: m for m in models}
    parts = []
    for name in names:
        model = by_name.get(name) or _Once(get_model(name, **params.get(name, {})))
        if name not in fc.outcomes:
            solved[name] = model.solve(fc.stakeholders)
        baseline = Forecast(fc.stakeholders, {**fc.outcomes, **solved}, fc.ratification)
        parts.append(one_at_a_time(model=model, baseline=baseline).head(SENSITIVITY_TOP).assign(model=name))
    frame = pd.concat(parts, ignore_index=True)
    frame.attrs["sources"] = list(fc.stakeholders.sources)
    return frame


def run(source: Any = "russia-japan", models: Any = "all", *, runs: int = 0,
        rng: int | np.random.Generator | None = 0, scenarios: str | list[str] | None = None,
        scenario_runs: int = 0, sensitivity: str | tuple[str, ...] | list[str] = (), workers: int = 0,
        threshold: float | None = None, scale: tuple[float, float] | None = None,
        status_quo: float | None = None, salience_scale: str = "auto",
        params: dict[str, dict[str, Any]] | None = None) -> Simulation:
    """Forecast, ratify and (optionally) simulate the negotiation of a case or stakeholder table.

    Parameters
    ----------
    source
        A case name or folder, a loaded ``Case``, a stakeholder CSV path or ``Stakeholders``.
    models
        ``"all"``, a model name, or a list of names or model instances.
    runs
        Monte Carlo draws over the stakeholders' uncertainty ranges (0: point values only).
    rng
        A seed (whole number ≥ 0) or a numpy ``Generator``, for the Monte Carlo and the scenario
        runs (the scenarios share the Monte Carlo's uniforms when ``scenario_runs == runs``:
        common random numbers).
    scenarios
        The case's scenario ids, or ``"all"``; ``None``: no scenario table.
    scenario_runs
        Monte Carlo draws per scenario for its breakthrough probability (0: none).
    sensitivity
        Models whose one-at-a-time swings to report (the ``SENSITIVITY_TOP`` largest).
    workers
        Threads for the iterative models' Monte Carlo (0: one per CPU).
    threshold, scale, status_quo
        Override the case's breakthrough threshold, issue scale and status quo (or give them for
        a CSV).
    salience_scale
        ``auto``, ``unit`` or ``percent`` (CSV input only).
    params
        Per-model parameters, e.g. ``{"eum": {"max_rounds": 50}}``.

    Returns
    -------
    Simulation
        The inputs, the forecast with ratification, the Monte Carlo (``None`` when ``runs`` is 0),
        the scenario table and the sensitivity; ``table()`` gives one row per model.

    Examples
    --------
    >>> from bilateral import simulate
    >>> sim = simulate.run("russia-japan", runs=1000, rng=1, scenarios="all")
    >>> sim.table()[["model", "bargained", "ratifiable", "p_breakthrough"]]
    >>> sim.scenarios.head()               # baseline against each scenario
    >>> sim.outcome("eum").trace           # the expected utility model, round by round
    """
    params = {name: dict(p) for name, p in (params or {}).items()}
    case, sh = _inputs(source, threshold, scale, status_quo, salience_scale)
    chosen = [_Once(m) for m in _models(models, params)]
    for name, value in (("runs", runs), ("scenario_runs", scenario_runs)):
        if not isinstance(value, int | np.integer) or value < 0:
            raise BilateralError(f"{name}={value!r}: give a whole number of Monte Carlo runs ≥ 0")
    gen = generator(rng)
    fc = forecast(sh, chosen, rng=gen)
    uniforms = gen.random((runs, 3 * sh.n)) if runs else None
    mc = (monte_carlo(sh, chosen, runs=runs, rng=gen if rng is None else rng, workers=workers,
                      uniforms=uniforms) if runs else None)
    table = None
    ids = _names(scenarios)
    if ids:
        if case is None:
            raise BilateralError("scenarios need a case (they live in its scenarios.yaml) — give a case "
                                 "name or folder as the source, or no scenarios")
        shared = scenario_runs == runs
        scenario_uniforms = uniforms if shared else (gen.random((scenario_runs, 3 * sh.n)) if scenario_runs
                                                     else None)
        table = scenario_table(case, ids, chosen, runs=scenario_runs, workers=workers, baseline=fc,
                               baseline_runs=mc if shared else None, uniforms=scenario_uniforms)
    solved: dict[str, Outcome] = {}
    tornado = _sensitivity(_names(sensitivity), chosen, fc, params, solved)
    return Simulation(case, sh, fc, mc, table, tornado, _anchor_label(case, sh.breakthrough), params, solved)
