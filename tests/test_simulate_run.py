"""simulate.run: one call, one Simulation, each model solved once per distinct input."""

import hashlib
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from bilateral import BilateralError, load_case
from bilateral.simulate import (
    MODELS,
    Batch,
    Simulation,
    monte_carlo,
    one_at_a_time,
    run,
)
from bilateral.simulate.simulation import SENSITIVITY_TOP


def fingerprint(batch: Batch) -> str:
    h = hashlib.sha256()
    for values in (batch.position, batch.salience, batch.capability):
        h.update(np.ascontiguousarray(values, float).tobytes())
    h.update(repr((batch.scale, batch.status_quo)).encode())
    return h.hexdigest()


@pytest.fixture
def solves(monkeypatch):
    """Every top-level solve/solve_batch call, as (model, input fingerprint); a call made from
    inside another one (a model's solve using its own solve_batch) is the same solve."""
    calls: Counter = Counter()
    depth = [0]

    def counted(method, as_batch):
        def wrapper(self, arg, *args, **kwargs):
            if depth[0] == 0:
                calls[(self.name, fingerprint(Batch.of(arg) if as_batch else arg))] += 1
            depth[0] += 1
            try:
                return method(self, arg, *args, **kwargs)
            finally:
                depth[0] -= 1
        return wrapper

    for cls in MODELS.values():
        monkeypatch.setattr(cls, "solve", counted(cls.solve, True))
        monkeypatch.setattr(cls, "solve_batch", counted(cls.solve_batch, False))
    return calls


@pytest.mark.parametrize("scenario_runs", [0, 50, 30])
def test_each_model_is_solved_once_per_distinct_input(solves, scenario_runs):
    sim = run("russia-japan", scenarios="all", sensitivity=("compromise", "eum"), runs=50,
              scenario_runs=scenario_runs, workers=1)
    twice = {key: n for key, n in solves.items() if n > 1}
    assert twice == {}
    scenarios = len(load_case("russia-japan").scenarios)
    per_model = Counter(name for name, _ in solves)
    # point values + Monte Carlo + each scenario's point values (+ its runs when they differ from
    # the Monte Carlo's) + the one-at-a-time batch for the two models named in sensitivity
    expected = 2 + scenarios + (scenarios if scenario_runs else 0) + (scenario_runs not in (0, 50))
    for name in ("nash", "smp"):
        assert per_model[name] == expected
    for name in ("compromise", "eum"):
        assert per_model[name] == expected + 1
    assert len(sim.scenarios) == 4 * (1 + scenarios)


def test_a_model_not_run_is_solved_once_on_demand(solves):
    sim = run("russia-japan", "compromise", sensitivity=("eum",), params={"eum": {"max_rounds": 30}})
    eum = sim.outcome("eum")
    assert sim.outcome("eum") is eum and eum.rounds == 30 and not eum.converged
    assert sim.models == ["compromise"] and list(sim.sensitivity["model"].unique()) == ["eum"]
    assert max(solves.values()) == 1 and sum(n for (m, _), n in solves.items() if m == "eum") == 2


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return run("russia-japan", runs=200, rng=0, scenarios=["russia_yields_four_islands"],
               scenario_runs=200, sensitivity="compromise", workers=1)


def test_the_simulation_holds_every_part(sim):
    assert sim.case.info.name == "russia-japan" and sim.stakeholders.n == 20
    assert sim.threshold_label == "1956 Joint Declaration formula"
    assert sim.models == ["compromise", "nash", "eum", "smp"]
    assert sim.outcome("eum").position == 55.0 and sim.outcome("nash").position is None
    table = sim.table()
    assert list(table["model"]) == sim.models
    for column in ("bargained", "ratifiable", "bargained_p5", "bargained_p95", "ratified_p50",
                   "converged_share", "ratifiable_share", "defined_share", "p_breakthrough", "ci_low",
                   "ci_high"):
        assert column in table
    assert all(c == c.lower() and " " not in c for c in table.columns)
    assert (table["p_breakthrough"] == 0).all() and table.attrs["sources"] == list(sim.stakeholders.sources)
    assert table.set_index("model").loc["compromise", "ratifiable"] == 10


def test_the_same_numbers_as_the_parts(sim):
    alone = monte_carlo(sim.stakeholders, runs=200, seed=0, workers=1)
    for name, runs in alone.models.items():
        np.testing.assert_array_equal(sim.monte_carlo.models[name].bargained, runs.bargained)
    tornado = one_at_a_time(sim.stakeholders, "compromise").head(SENSITIVITY_TOP)
    pd.testing.assert_frame_equal(sim.sensitivity.drop(columns="model"), tornado, check_like=True)
    base = sim.scenarios.query("scenario == 'baseline'").set_index("model")
    for name in sim.models:  # the baseline's runs are the Monte Carlo's (common random numbers)
        assert tuple(base.loc[name, ["p_breakthrough", "ci_low", "ci_high"]]) == sim.monte_carlo.breakthrough(name)
    eum = sim.outcome("eum")
    for table in (sim.scenarios, sim.sensitivity, sim.ratification.table(), eum.trace, eum.diagnostics["moves"],
                  sim.outcome("smp").trace, sim.stakeholders.frame()):
        assert table.attrs["sources"] == list(sim.stakeholders.sources)
        assert all(" " not in c for c in table.columns)


def test_rng_is_a_seed_or_a_generator():
    by_seed = run("russia-japan", ["compromise", "nash"], runs=40, rng=3)
    by_generator = run("russia-japan", ["compromise", "nash"], runs=40, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(by_seed.monte_carlo.models["nash"].bargained,
                                  by_generator.monte_carlo.models["nash"].bargained)
    assert by_seed.monte_carlo.seed == 3 and by_generator.monte_carlo.seed is None
    other = run("russia-japan", ["compromise"], runs=40, rng=4)
    assert not np.array_equal(other.monte_carlo.models["compromise"].bargained,
                              by_seed.monte_carlo.models["compromise"].bargained)
    for bad in (-1, 2.5, "seven"):
        with pytest.raises(BilateralError, match=r"rng=.*give a seed \(a whole number ≥ 0\) or a numpy Generator"):
            run("russia-japan", "compromise", runs=10, rng=bad)


def test_params_go_to_their_models():
    sim = run("russia-japan", ["eum", "smp"], params={"eum": {"max_rounds": 5, "tolerance": 0.01},
                                                      "smp": {"max_rounds": 4}})
    assert sim.outcome("eum").rounds == 5 and sim.outcome("smp").rounds == 4
    assert sim.params == {"eum": {"max_rounds": 5, "tolerance": 0.01}, "smp": {"max_rounds": 4}}
    with pytest.raises(BilateralError, match=r"params for unknown model.* 'median' — use compromise, nash, eum, smp"):
        run("russia-japan", params={"median": {}})
    with pytest.raises(BilateralError, match=r"eum: unknown parameter.* rounds — its parameters are max_rounds, "
                                             "tolerance, voters"):
        run("russia-japan", "compromise", params={"eum": {"rounds": 5}})
    with pytest.raises(BilateralError, match="smp: parameter vote_rule='loud' is not a variant — use one of "
                                             "proportional, binary"):
        run("russia-japan", params={"smp": {"vote_rule": "loud"}})


def test_inputs_and_their_mistakes(shared, tmp_path):
    csv = shared / "data/bdm/ExampleActors.csv"
    sim = run(str(csv), status_quo=4, scale=(0, 10), threshold=8)
    assert sim.case is None and sim.threshold_label == "" and sim.stakeholders.breakthrough == 8
    assert sim.outcome("eum").position == 7.0 and sim.monte_carlo is None and sim.scenarios is None
    assert run(sim.stakeholders, "compromise").outcome("compromise").position == pytest.approx(7.38995568685)
    assert run(load_case("russia-japan"), "compromise", threshold=10).table()["breakthrough"].tolist() == [True]
    with pytest.raises(BilateralError, match=r"scenarios need a case .* give a case name or folder"):
        run(str(csv), scenarios="all")
    with pytest.raises(BilateralError, match="salience_scale='tenths': use one of auto, unit, percent"):
        run(str(csv), salience_scale="tenths")
    with pytest.raises(BilateralError, match="runs=-5: give a whole number of Monte Carlo runs ≥ 0"):
        run("russia-japan", runs=-5)
    with pytest.raises(BilateralError, match=r"sensitivity: unknown model.* median"):
        run("russia-japan", sensitivity=("median",))
    with pytest.raises(BilateralError, match=r"unknown scenario\(s\) utopia"):
        run("russia-japan", scenarios="utopia")


def test_compact_reprs_and_html(sim):
    fc = sim.forecast
    assert len(repr(fc)) < 400 and repr(fc).startswith("Forecast(20 actors; compromise 38.76, nash none")
    assert repr(sim.outcome("eum")).startswith("Outcome('eum', position=55, status='ok', rounds=59; trace 60 rows")
    assert repr(sim.monte_carlo) == ("MonteCarlo(200 runs, seed 0, triangular, threshold 50.0; models "
                                     "compromise, nash, eum, smp)")
    assert len(repr(sim).splitlines()) == 5 and len(repr(sim)) < 600
    assert repr(sim.stakeholders) == ("Stakeholders(20 actors from stakeholders.csv, scale 0–100, status quo 0, "
                                      "breakthrough 50.0)")
    assert sim.ratification._repr_html_().count("<tr>") == 3  # RUS, JPN and Z
    for obj in (sim, fc, sim.monte_carlo, sim.stakeholders):
        html = obj._repr_html_()
        assert html.startswith("<table") and html.count("<tr>") >= 4
    assert "p_breakthrough" in sim._repr_html_()


def test_a_scenario_that_leaves_the_models_inputs_alone_reuses_their_solutions(case_copy, solves):
    path = case_copy / "scenarios.yaml"
    path.write_text(path.read_text() + """- id: duma_loses_its_veto
  name: The Duma loses its veto
  description: Only who ratifies changes.
  changes:
  - {actor: rus_duma, field: veto, set: false}
  source: seed000
  locator: 000_7f62de5ec775ad22.txt:L8-12
""")
    sim = run(str(case_copy), ["compromise", "eum"], runs=30, scenarios=["duma_loses_its_veto"], scenario_runs=30,
              workers=1)
    assert max(solves.values()) == 1 and sum(solves.values()) == 2 * 2  # point values and runs, per model
    rows = sim.scenarios.set_index(["scenario", "model"])
    # the same bargained outcome, but the public alone now bounds Russia's win-set: still [0, 10]
    assert rows.loc[("duma_loses_its_veto", "eum"), "bargained"] == rows.loc[("baseline", "eum"), "bargained"]
    assert rows.loc[("duma_loses_its_veto", "eum"), "z_high"] == 10
