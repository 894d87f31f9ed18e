"""Baseline against each scenario: every model's bargained and ratifiable outcome, and (with runs)
the Monte Carlo breakthrough probability under each scenario."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bilateral.simulate.forecast import Forecast, forecast
from bilateral.simulate.inputs import Stakeholders, from_case
from bilateral.simulate.montecarlo import MonteCarlo, generator, monte_carlo
from bilateral.simulate.registry import get_models
from bilateral.simulate.scenarios import apply_scenario, changed_actors, select_scenarios


def scenario_table(case: Any, scenarios: list[str] | None = None, models: Any = None, *,
                   runs: int = 0, rng: int | np.random.Generator | None = None, seed: int | None = 0,
                   workers: int = 0, base: Stakeholders | None = None,
                   baseline: Forecast | None = None, baseline_runs: MonteCarlo | None = None,
                   uniforms: np.ndarray | None = None) -> pd.DataFrame:
    """One row per scenario (the baseline first) and model.

    Columns: ``scenario``, ``name``, ``model``, ``bargained``, ``ratifiable`` (projection onto
    Z), ``z_low``, ``z_high``, ``changed``, ``delta_ratifiable`` (change from the baseline) and,
    with ``runs`` > 0, ``p_breakthrough``, ``ci_low``, ``ci_high`` (Wilson): every scenario maps
    the same uniforms through its own ranges (common random numbers), drawn once from ``rng`` (a
    seed or a ``Generator``; ``seed`` is the same as an int ``rng``) unless ``uniforms`` are given.

    The baseline is not solved again when it is given: ``baseline`` (its forecast; its
    stakeholders are then the base and, when ``models`` is None, its models are the models) and
    ``baseline_runs`` (its Monte Carlo, drawn on the same uniforms). ``base`` is the baseline's
    stakeholders otherwise (default: the case's).
    """
    if baseline is not None:
        base = baseline.stakeholders
    base = base or from_case(case)
    if models is None:
        models = list(baseline.outcomes) if baseline is not None else "all"
    chosen_models = get_models(models)
    if runs and uniforms is None:
        uniforms = generator(seed if rng is None else rng).random((runs, 3 * base.n))
    tables = [("baseline", "Baseline", base, [])]
    for sc in select_scenarios(case, scenarios):
        changed = apply_scenario(base, sc)
        tables.append((sc.id, sc.name, changed, changed_actors(base, changed)))
    rows = []
    before: dict[str, float | None] = {}
    for sid, name, sh, actors in tables:
        first = sid == "baseline"
        result = baseline if first and baseline is not None else forecast(sh, chosen_models)
        mc = None
        if runs:
            mc = (baseline_runs if first and baseline_runs is not None else
                  monte_carlo(sh, chosen_models, runs=runs, workers=workers, uniforms=uniforms))
        z = result.ratification
        for row in result.table().to_dict("records"):
            model = row["model"]
            if model not in {m.name for m in chosen_models}:
                continue
            if first:
                before[model] = row["ratifiable"]
            entry = {"scenario": sid, "name": name, "model": model, "bargained": row["bargained"],
                     "ratifiable": row["ratifiable"], "z_low": None if z.empty else z.low,
                     "z_high": None if z.empty else z.high, "changed": ", ".join(actors),
                     "delta_ratifiable": (None if before.get(model) is None or row["ratifiable"] is None
                                          else row["ratifiable"] - before[model])}
            if mc is not None:
                p, lo, hi = mc.breakthrough(model)
                entry.update({"p_breakthrough": p, "ci_low": lo, "ci_high": hi})
            rows.append(entry)
    frame = pd.DataFrame(rows)
    frame.attrs["sources"] = list(base.sources)
    return frame
