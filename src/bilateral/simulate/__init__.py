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

The relations over time (docs/models.md §13–15)::

    fit = simulate.fit_relations(index, shocks)                # inertia, norm, shocks, half-lives
    fit.table(); fit.forecast(20, rng=1)                       # intervals; the fan chart
    simulate.bound(sh).describe()                              # when the inputs fix the answer
    simulate.what_it_would_take(sh)                            # the smallest moves that open a deal
    simulate.breakthrough_scenarios(fit, case, dyn, rng=1).table()   # P(breakthrough by 2035)

``simulate`` imports only ``case`` and ``errors`` (DESIGN.md §2).
"""

from bilateral.simulate.base import BargainingModel, Batch, BatchResult, Outcome
from bilateral.simulate.bounds import Bound, bound, what_it_would_take
from bilateral.simulate.breakthrough import BreakthroughRuns, breakthrough_scenarios, compile_scenario
from bilateral.simulate.compromise import Compromise, weighted_mean
from bilateral.simulate.coupling import NegotiationRecorder, couple
from bilateral.simulate.dynamics import (
    Impulse,
    Process,
    Recorder,
    RelationsFit,
    RelationsProcess,
    StateRecorder,
    backtest,
    backtest_summary,
    fit_relations,
    sweep,
)
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
from bilateral.simulate.scenarios import apply_scenario, factor_impulses, select_scenarios
from bilateral.simulate.sensitivity import one_at_a_time, sobol
from bilateral.simulate.shocks import Shock
from bilateral.simulate.simulation import Simulation, params_for, run
from bilateral.simulate.smp import SpatialModel
from bilateral.simulate.votes import condorcet_median, win_probability

__all__ = [
    "MODELS",
    "BargainingModel",
    "Batch",
    "BatchResult",
    "Bound",
    "BreakthroughRuns",
    "Compromise",
    "ExpectedUtility",
    "Impulse",
    "MonteCarlo",
    "Nash",
    "NegotiationRecorder",
    "Outcome",
    "Process",
    "Ratification",
    "Recorder",
    "RelationsFit",
    "RelationsProcess",
    "Shock",
    "Simulation",
    "SpatialModel",
    "StakeholderError",
    "Stakeholders",
    "StateRecorder",
    "apply_scenario",
    "backtest",
    "backtest_summary",
    "bound",
    "breakthrough_scenarios",
    "compile_scenario",
    "condorcet_median",
    "couple",
    "factor_impulses",
    "fit_relations",
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
    "sweep",
    "weighted_mean",
    "what_it_would_take",
    "wilson",
    "win_probability",
]
