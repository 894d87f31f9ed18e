"""Simulate the negotiation: bargaining models behind one interface, ratification (the two-level
game), Monte Carlo over the inputs' uncertainty, sensitivity and scenarios (docs/models.md).

Notebook use::

    from bilateral import simulate
    sh = simulate.load_stakeholders("russia-japan")          # or a CSV path
    simulate.get_model("eum").solve(sh).trace                 # one model, round by round
    simulate.forecast(sh)                                     # every model, bargained and ratifiable
    simulate.monte_carlo(sh, runs=10_000, rng=1).table()      # distributions, p_breakthrough
    sim = simulate.run("russia-japan", runs=10_000, rng=1, scenarios="all")   # all of it, once
    sim.table(); sim.scenarios; sim.outcome("eum").trace

``simulate`` imports only ``case`` and ``errors`` (DESIGN.md §2).
"""

from bilateral.simulate.base import BargainingModel, Batch, BatchResult, Outcome
from bilateral.simulate.compromise import Compromise, weighted_mean
from bilateral.simulate.eum import ExpectedUtility
from bilateral.simulate.forecast import forecast
from bilateral.simulate.inputs import (
    StakeholderError,
    Stakeholders,
    load_stakeholders,
    read_stakeholders,
)
from bilateral.simulate.montecarlo import MonteCarlo, monte_carlo, wilson
from bilateral.simulate.nash import Nash
from bilateral.simulate.ratification import Ratification, ratification
from bilateral.simulate.registry import MODELS, get_model, get_models
from bilateral.simulate.scenario_table import scenario_table
from bilateral.simulate.scenarios import apply_scenario, select_scenarios
from bilateral.simulate.sensitivity import one_at_a_time, sobol
from bilateral.simulate.simulation import Simulation, params_for, run
from bilateral.simulate.smp import SpatialModel
from bilateral.simulate.votes import condorcet_median, win_probability

__all__ = [
    "MODELS",
    "BargainingModel",
    "Batch",
    "BatchResult",
    "Compromise",
    "ExpectedUtility",
    "MonteCarlo",
    "Nash",
    "Outcome",
    "Ratification",
    "Simulation",
    "SpatialModel",
    "StakeholderError",
    "Stakeholders",
    "apply_scenario",
    "condorcet_median",
    "forecast",
    "get_model",
    "get_models",
    "load_stakeholders",
    "monte_carlo",
    "one_at_a_time",
    "params_for",
    "ratification",
    "read_stakeholders",
    "run",
    "scenario_table",
    "select_scenarios",
    "sobol",
    "weighted_mean",
    "wilson",
    "win_probability",
]
