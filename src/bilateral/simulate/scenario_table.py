"""Baseline against each scenario: every model's bargained and ratifiable outcome, and (with runs)
the Monte Carlo breakthrough probability under each scenario."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bilateral.simulate.forecast import forecast
from bilateral.simulate.inputs import Stakeholders, from_case
from bilateral.simulate.montecarlo import monte_carlo
from bilateral.simulate.scenarios import apply_scenario, changed_actors, select_scenarios


def scenario_table(case: Any, scenarios: list[str] | None = None, models: Any = "all", *,
                   runs: int = 0, seed: int | None = 0, workers: int = 0,
                   base: Stakeholders | None = None) -> pd.DataFrame:
    """One row per scenario (the baseline first) and model.

    Columns: scenario, model, bargained, ratifiable (projection onto Z), Z bounds, the change in
    the ratifiable outcome from the baseline, and with ``runs`` > 0 the breakthrough probability
    with its Wilson interval (the same seed for every scenario: common random numbers).
    """
    base = base or from_case(case)
    chosen = select_scenarios(case, scenarios)
    tables = [("baseline", "Baseline", base, [])]
    for sc in chosen:
        changed = apply_scenario(base, sc)
        tables.append((sc.id, sc.name, changed, changed_actors(base, changed)))
    rows = []
    baseline: dict[str, float | None] = {}
    for sid, name, sh, actors in tables:
        result = forecast(sh, models)
        table = result.table()
        mc = monte_carlo(sh, models, runs=runs, seed=seed, workers=workers) if runs else None
        for row in table.to_dict("records"):
            model = row["model"]
            entry = {"scenario": sid, "name": name, "model": model, "bargained": row["bargained"],
                     "ratifiable": row["ratifiable"],
                     "Z low": None if result.ratification.empty else result.ratification.low,
                     "Z high": None if result.ratification.empty else result.ratification.high,
                     "changed": ", ".join(actors)}
            if sid == "baseline":
                baseline[model] = row["ratifiable"]
            before = baseline.get(model)
            entry["Δ ratifiable"] = (None if before is None or row["ratifiable"] is None
                                     else row["ratifiable"] - before)
            if mc is not None:
                p, lo, hi = mc.breakthrough(model)
                entry.update({"P(breakthrough)": p, "ci low": lo, "ci high": hi})
            rows.append(entry)
    frame = pd.DataFrame(rows)
    frame.attrs["sources"] = list(base.sources)
    return frame
