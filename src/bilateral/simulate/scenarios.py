"""Scenarios: a case's shocks applied as changes to the stakeholders (docs/case-format.md).

Each change edits one field of one actor with exactly one of ``set``, ``add`` or ``scale``. The
uncertainty range moves with the value: ``set`` collapses it onto the new value (the scenario
states it), ``add`` shifts it, ``scale`` multiplies it. Results are clipped to the scale (positions)
and to 0–1 (salience, capability).

A scenario's factor switches act on the relations dynamics: :func:`factor_impulses` turns each
switch into an impulse on the driver the case's ``dynamics.yaml`` names for that factor (its size
for ``on``/``off``/``stronger``/``weaker``, fading with the declared half-life or persistent), from
the year the scenario starts (docs/models.md §14).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bilateral.errors import BilateralError
from bilateral.simulate.dynamics import Impulse
from bilateral.simulate.inputs import Stakeholders


def apply_change(sh: Stakeholders, change: Any, scenario_id: str = "") -> Stakeholders:
    """``sh`` with one :class:`bilateral.case.schema.Change` applied."""
    if change.actor not in sh.actor:
        raise BilateralError(f"scenarios.yaml: {scenario_id}: changes: unknown actor {change.actor!r} — "
                             f"use one of the stakeholders ({', '.join(sh.actor)})")
    i = sh.actor.index(change.actor)
    if change.field == "veto":
        veto = sh.veto.copy()
        veto[i] = bool(change.set)
        return sh.with_values(veto=veto)
    bounds = sh.scale if change.field == "position" else (0.0, 1.0)
    keys = (change.field, f"{change.field}_low", f"{change.field}_high")
    arrays = {k: getattr(sh, k).astype(float).copy() for k in keys}
    for k in keys:
        old = arrays[k][i]
        if change.set is not None:
            new = float(change.set)
        elif change.add is not None:
            new = old + change.add
        else:
            new = old * change.scale
        arrays[k][i] = min(bounds[1], max(bounds[0], new))
    return sh.with_values(**arrays)


def apply_scenario(sh: Stakeholders, scenario: Any) -> Stakeholders:
    """``sh`` with every change of a :class:`bilateral.case.schema.Scenario` applied in order."""
    for change in scenario.changes:
        sh = apply_change(sh, change, scenario.id)
    return sh


def select_scenarios(case: Any, ids: list[str] | None) -> list[Any]:
    """The case's scenarios named in ``ids`` (``["all"]`` or ``None``: every one)."""
    if not ids or ids == ["all"]:
        return list(case.scenarios)
    known = {s.id: s for s in case.scenarios}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise BilateralError(f"unknown scenario(s) {', '.join(unknown)} — known: {', '.join(known)}")
    return [known[i] for i in ids]


def changed_actors(before: Stakeholders, after: Stakeholders) -> list[str]:
    """Actors whose inputs differ between two tables."""
    fields = ("position", "salience", "capability", "veto")
    return [a for i, a in enumerate(before.actor)
            if any(not np.isclose(getattr(before, f)[i], getattr(after, f)[i]) for f in fields)]


def factor_impulses(scenario: Any, effects: Any, start: pd.Period) -> list[Impulse]:
    """The impulses a scenario's factor switches give from ``start``: for each switch, every
    factor effect of that factor with a size for the switch's value (``effects``: the
    ``factor_effects`` of ``dynamics.yaml``). A switch no effect covers moves nothing."""
    out = []
    for switch in scenario.factors:
        for effect in effects:
            size = getattr(effect, switch.set) if effect.factor == switch.factor else None
            if size is not None:
                out.append(Impulse(effect.driver, start, float(size), effect.half_life))
    return out
