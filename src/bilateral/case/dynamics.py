"""The case's relations dynamics file, ``dynamics.yaml`` (docs/models.md §13–15): its schema, its
cross-checks against the rest of the case, and its loading with every problem's file and line."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import pandas as pd
from pydantic import Field, ValidationError, model_validator

from bilateral.case.files import LineDict, Raw, read_yaml
from bilateral.case.schema import Cited, Id, Record, Unit
from bilateral.errors import BilateralError, CaseError, Problem

FILE = "dynamics.yaml"
SWITCHES = ("on", "off", "stronger", "weaker")


class ShockSpec(Cited):
    """A dated shock the dynamic model estimates (start: 'YYYY' or 'YYYY-MM')."""

    id: Id
    name: str
    start: str = Field(pattern=r"^\d{4}(-\d{2})?$")
    kind: Literal["decaying", "persistent"]
    half_life: tuple[float, float] | None = None
    factor: str

    @model_validator(mode="after")
    def _half_life(self) -> ShockSpec:
        if self.kind == "decaying":
            if self.half_life is None:
                raise ValueError("a decaying shock needs half_life: [low, high] in years")
            if not 0 < self.half_life[0] < self.half_life[1]:
                raise ValueError(f"half_life {list(self.half_life)} must satisfy 0 < low < high")
        elif self.half_life is not None:
            raise ValueError("a persistent shock has no half_life — remove it or use kind: decaying")
        return self


class DriverSpec(Cited):
    """A driver of the couplings besides the relation: a level between 0 and 1."""

    id: Id
    name: str
    baseline: Unit


class FactorEffect(Cited):
    """How switching one of the case's factors pushes a driver (relation: in standard deviations)."""

    factor: str
    driver: str
    on: float | None = None
    off: float | None = None
    stronger: float | None = None
    weaker: float | None = None
    half_life: float | None = Field(default=None, gt=0)


class CouplingSpec(Cited):
    """A stakeholder's field moved by a driver: shift = clip(slope × (driver − reference), ±cap)."""

    id: Id
    actor: str
    field: Literal["position", "salience", "capability"]
    driver: str
    slope: tuple[float, float]
    reference: float = 0.0
    cap: float = Field(gt=0)
    mechanism: str

    @model_validator(mode="after")
    def _ordered(self) -> CouplingSpec:
        if self.slope[0] > self.slope[1]:
            raise ValueError(f"slope range {list(self.slope)} is reversed — give [low, high]")
        return self


class ScenarioEvent(Record):
    """One shock of a scenario: a case scenario (its changes and factor switches) or a direct push."""

    scenario: str | None = None
    driver: str | None = None
    add: float | None = None
    half_life: float | None = Field(default=None, gt=0)
    year: int | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> ScenarioEvent:
        if (self.scenario is None) == (self.driver is None):
            raise ValueError("give either scenario: <id of scenarios.yaml> or driver: + add:")
        if self.driver is not None and self.add is None:
            raise ValueError("a driver event needs add: <size>")
        return self


class DynamicScenario(Cited):
    id: Id
    name: str
    description: str
    events: list[ScenarioEvent] = Field(default_factory=list)


class Dynamics(Record):
    """Everything in ``dynamics.yaml``."""

    series: str
    start: int
    horizon: int = Field(ge=1, le=100)
    by_year: int
    shocks: list[ShockSpec] = Field(default_factory=list)
    drivers: list[DriverSpec] = Field(default_factory=list)
    factor_effects: list[FactorEffect] = Field(default_factory=list)
    couplings: list[CouplingSpec] = Field(default_factory=list)
    scenarios: list[DynamicScenario] = Field(default_factory=list)

    @property
    def driver_ids(self) -> list[str]:
        return ["relation"] + [d.id for d in self.drivers]

    def scenario(self, scenario_id: str) -> DynamicScenario:
        found = {s.id: s for s in self.scenarios}
        if scenario_id not in found:
            raise BilateralError(f"{FILE}: no scenario {scenario_id!r} — use one of {', '.join(found)}")
        return found[scenario_id]


def _problems(err: ValidationError, raw: Raw) -> list[Problem]:
    out = []
    for error in err.errors():
        loc = tuple(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] != "missing" and "input" in error and loc and not isinstance(error["input"], dict):
            message = f"{message} (got {error['input']!r})"
        field = ".".join(str(p) for p in loc) or "record"
        out.append(Problem(raw.file, raw.line_of(loc), field, message,
                           "correct it (docs/models.md §14 lists the fields)"))
    return out


def _line(data: Any, *path: Any) -> int:
    return Raw(data, FILE, getattr(data, "line", 1)).line_of(path) if isinstance(data, LineDict) else 1


def cross_check(dyn: Dynamics, data: Any, case: Any) -> list[Problem]:
    """Problems between ``dynamics.yaml`` and the rest of the case: unknown factors, actors,
    drivers and scenarios, and switches the factor-effect table does not cover."""
    problems: list[Problem] = []
    factors = {f.id for f in case.factors}
    actors = {s.actor for s in case.stakeholders}
    scenarios = {s.id for s in case.scenarios}
    drivers = set(dyn.driver_ids)

    def where(section: str, i: int, key: str) -> int:
        return _line(data, section, i, key)

    for i, s in enumerate(dyn.shocks):
        if s.factor not in factors:
            problems.append(Problem(FILE, where("shocks", i, "factor"), f"shocks.{s.id}.factor",
                                    f"unknown factor {s.factor!r}", "use an id of factors.yaml"))
    for i, e in enumerate(dyn.factor_effects):
        if e.factor not in factors:
            problems.append(Problem(FILE, where("factor_effects", i, "factor"), "factor_effects.factor",
                                    f"unknown factor {e.factor!r}", "use an id of factors.yaml"))
        if e.driver not in drivers:
            problems.append(Problem(FILE, where("factor_effects", i, "driver"), "factor_effects.driver",
                                    f"unknown driver {e.driver!r}", f"use one of {', '.join(sorted(drivers))}"))
    for i, c in enumerate(dyn.couplings):
        if c.actor not in actors:
            problems.append(Problem(FILE, where("couplings", i, "actor"), f"couplings.{c.id}.actor",
                                    f"unknown stakeholder {c.actor!r}", "use an actor of stakeholders.csv"))
        if c.driver not in drivers:
            problems.append(Problem(FILE, where("couplings", i, "driver"), f"couplings.{c.id}.driver",
                                    f"unknown driver {c.driver!r}", f"use one of {', '.join(sorted(drivers))}"))
    for i, sc in enumerate(dyn.scenarios):
        for j, ev in enumerate(sc.events):
            line = _line(data, "scenarios", i, "events", j)
            if ev.scenario is not None and ev.scenario not in scenarios:
                problems.append(Problem(FILE, line, f"scenarios.{sc.id}.events.scenario",
                                        f"unknown scenario {ev.scenario!r}", "use an id of scenarios.yaml"))
            if ev.driver is not None and ev.driver not in drivers:
                problems.append(Problem(FILE, line, f"scenarios.{sc.id}.events.driver",
                                        f"unknown driver {ev.driver!r}", f"use one of {', '.join(sorted(drivers))}"))
    return problems


def read_dynamics(folder: str | Path, case: Any) -> tuple[Dynamics | None, list[Problem]]:
    """``dynamics.yaml`` of a case folder and its problems (``None`` when the file is absent or
    unreadable)."""
    path = Path(folder) / FILE
    problems: list[Problem] = []
    if not path.is_file():
        return None, problems
    data = read_yaml(path, problems)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(FILE, 1, "file", "expected a mapping of sections",
                              "start with 'series:', 'shocks:', 'couplings:' …")]
    try:
        dyn = Dynamics.model_validate(data)
    except ValidationError as err:
        return None, _problems(err, Raw(data, FILE, 1))
    problems.extend(cross_check(dyn, data, case))
    return dyn, problems


def folder_problems(folder: str | Path, parsed: dict[str, Any]) -> list[Problem]:
    """The problems of a case folder's ``dynamics.yaml`` (none when it has none), checked against
    the records ``case.load`` parsed (its ``factors``, ``stakeholders`` and ``scenarios``) — for
    the case validator."""
    records = SimpleNamespace(**{k: parsed.get(k) or [] for k in ("factors", "stakeholders", "scenarios")})
    return read_dynamics(folder, records)[1]


def load_dynamics(case: Any) -> Dynamics:
    """The case's ``dynamics.yaml``; raises :class:`CaseError` (every problem, file and line) when
    it is invalid, and when the case has none."""
    dyn, problems = read_dynamics(case.path, case)
    if problems:
        raise CaseError(problems)
    if dyn is None:
        raise CaseError([Problem(FILE, 0, "file", f"missing in {case.path}",
                                 f"create {FILE} (docs/models.md §14) to simulate the relations over time")])
    return dyn


def start_period(text: str, freq: str) -> pd.Period:
    """A shock's start as a pandas Period of frequency ``freq``."""
    precision = "M" if re.fullmatch(r"\d{4}-\d{2}", text) else "Y"
    return pd.Period(text, freq=precision).asfreq(freq, how="start")
