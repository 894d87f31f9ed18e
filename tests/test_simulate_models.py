"""Compromise, Nash and the KTAB-style spatial model; every model on the public BDM inputs."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilateral import BilateralError
from bilateral.simulate import (
    MODELS,
    Batch,
    Compromise,
    ExpectedUtility,
    Nash,
    SpatialModel,
    get_model,
    get_models,
    load_stakeholders,
    read_stakeholders,
)
from bilateral.simulate.nash import feasible_interval, gain, nash_slope
from bilateral.simulate.smp import (
    PREVAIL,
    VOTE_RULES,
    bargain,
    prevail_probability,
    risk_attitude,
    utility,
    victory_probability,
    vote,
)
from eum_reference import run_reference


def table(tmp_path: Path, rows: str, **kw):
    path = tmp_path / "t.csv"
    path.write_text("Actor,Capability,Position,Salience\n" + rows)
    return read_stakeholders(path, **kw)


def test_one_interface_for_every_model():
    sh = load_stakeholders("russia-japan")
    assert set(MODELS) == {"compromise", "nash", "eum", "smp"}
    for model in get_models("all"):
        out = model.solve(sh)
        assert out.model == model.name
        assert out.position is None or sh.scale[0] <= out.position <= sh.scale[1]
        assert isinstance(model.get_params(), dict)
    assert get_model("eum", max_rounds=7).get_params()["max_rounds"] == 7
    assert "ExpectedUtility(max_rounds=100" in repr(ExpectedUtility())
    with pytest.raises(Exception, match="unknown model 'median'"):
        get_model("median")


def test_compromise_is_the_weighted_mean(tmp_path):
    sh = table(tmp_path, "a,1,0,1\nb,3,100,1\nc,0,50,1\n")
    out = Compromise().solve(sh)
    assert out.position == pytest.approx(75.0)
    assert out.diagnostics["weights"] == {"a": 0.25, "b": 0.75, "c": 0.0}
    assert Compromise().solve(table(tmp_path, "a,0,0,1\nb,0,100,1\n")).status == "no solution"


def test_russia_japan_compromise_value():
    sh = load_stakeholders("russia-japan")
    expected = float((sh.weight * sh.position).sum() / sh.weight.sum())
    assert Compromise().solve(sh).position == pytest.approx(expected) == pytest.approx(38.7607758621)


def test_nash_no_solution_when_an_actor_sits_on_the_status_quo():
    sh = load_stakeholders("russia-japan")
    out = Nash().solve(sh)
    assert out.position is None and out.status == "no solution"
    assert "rus_military, rus_nationalists, kuril_residents sit on the status quo 0" in out.message


def test_nash_no_solution_with_actors_on_both_sides(tmp_path):
    out = Nash().solve(table(tmp_path, "a,1,20,1\nb,1,80,1\n", status_quo=50))
    assert out.position is None and "both sides of the status quo 50" in out.message
    assert Nash().solve(table(tmp_path, "a,1,20,1\nb,1,80,1\n")).message.startswith("no status quo")


def test_nash_solution_satisfies_its_first_order_condition(tmp_path):
    sh = table(tmp_path, "a,1,40,0.5\nb,2,70,0.9\nc,0.5,90,0.3\n", status_quo=0)
    out = Nash().solve(sh)
    x = out.position
    low, high = out.diagnostics["feasible"]
    assert (low, high) == (0.0, 80.0) and low < x < high
    assert all(gain(x, sh.position, sh.salience, 0) > 0)
    assert abs(nash_slope(np.array([x]), sh.position, sh.salience, sh.capability, 0.0)[0]) < 1e-6
    w = np.array(list(out.diagnostics["fixed_point_weights"].values()))
    assert x == pytest.approx(float((w * sh.position).sum()), abs=1e-4)  # x* = Σ wᵢxᵢ / Σ wᵢ
    objective = lambda y: np.sum(sh.capability * np.log(gain(y, sh.position, sh.salience, 0)))  # noqa: E731
    grid = np.linspace(low + 1e-6, high - 1e-6, 20001)
    assert objective(x) >= max(objective(g) for g in grid) - 1e-9


def test_nash_tends_to_the_weighted_mean_when_gains_equalise(tmp_path):
    # with equal saliences and a distant status quo every gain is ≈ sᵢq², so the FOC weights
    # cᵢsᵢ/gᵢ become proportional to cᵢsᵢ: the compromise model
    sh = table(tmp_path, "a,1,40,0.5\nb,2,60,0.5\n", status_quo=-1e5, scale=(-1e5, 1e5))
    assert Nash().solve(sh).position == pytest.approx(Compromise().solve(sh).position, abs=0.01)


def test_nash_between_close_actors_and_the_feasible_interval(tmp_path):
    sh = table(tmp_path, "a,1,90,1\nb,1,95,1\n", status_quo=0)
    x = Nash().solve(sh).position
    assert 90 < x < 92.5  # pulled toward a, whose gain interval (0, 180) is the narrower
    assert abs(nash_slope(np.array([x]), sh.position, sh.salience, sh.capability, 0.0)[0]) < 1e-9
    low, high = feasible_interval(sh.position[None], sh.salience[None], sh.capability[None], 0, (0, 91))
    assert (low[0], high[0]) == (0, 91)


def test_smp_building_blocks():
    assert utility(0.0, 0.5) == 1.0 and utility(1.0, -1.0) == 0.0 and utility(0.5, 1.0) == 0.75
    assert vote(2.0, 0.25, VOTE_RULES["binary"]) == 2.0 and vote(2.0, 0.5, VOTE_RULES["cubic"]) == 0.25
    assert vote(1.0, -0.5, VOTE_RULES["propbin"]) == pytest.approx(-0.6) and vote(3.0, 0.5, 0) == 1.5
    assert victory_probability(3.0, 1.0, 1.0) == pytest.approx(0.75)
    assert victory_probability(0.0, 0.0, 1.0) == 0.5  # the floor avoids 0/0
    p = np.array([[0.5, 0.75], [0.25, 0.5]])
    same = np.eye(2, dtype=bool)
    prob, work = np.empty(2), np.empty((2, 2))
    prevail_probability(p, same, same.sum(axis=1).astype(float), PREVAIL["conditional"], prob, work)
    assert prob.sum() == pytest.approx(1) and prob[0] == pytest.approx(0.75)
    prevail_probability(p, same, same.sum(axis=1).astype(float), PREVAIL["markov"], prob, work)
    assert prob.sum() == pytest.approx(1) and prob[0] == pytest.approx(0.75)  # P₀ = (0.5·2P₀ + 0.75)/2
    # two actors on one position count as one option whose mass they share
    p3 = np.array([[0.5, 0.5, 0.8], [0.5, 0.5, 0.8], [0.2, 0.2, 0.5]])
    same3 = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]], bool)
    prob3, work3 = np.empty(3), np.empty((2, 3))
    prevail_probability(p3, same3, same3.sum(axis=1).astype(float), PREVAIL["conditional"], prob3, work3)
    assert prob3[0] == prob3[1] and prob3[:2].sum() == pytest.approx(0.8)
    risk = np.empty(3)
    risk_attitude(np.array([0.2, 0.3, 0.5]), risk)
    assert risk.tolist() == [-1.0, pytest.approx(-1 / 3), 1.0]
    risk_attitude(np.full(3, 1 / 3), risk)
    assert risk.tolist() == [0.0, 0.0, 0.0]
    # weights s²p²: (0.25·0 + 1·1)/(0.25 + 1); no weight on either side: the midpoint
    assert bargain(0.0, 1.0, 1.0, 2.0, 0.5, 0.5) == pytest.approx(0.8) and bargain(0.2, 0.6, 0.0, 0.0, 1, 1) == 0.4


def test_smp_forecast_is_the_expected_outcome(shared):
    sh = read_stakeholders(shared / "data/bdm/ExampleActors.csv")
    out = SpatialModel().solve(sh)
    prob = np.array(list(out.diagnostics["prevail"].values()))
    assert prob.sum() == pytest.approx(1, abs=1e-5)
    final = out.trace.iloc[-1][list(sh.actor)].to_numpy(float)
    assert out.position == pytest.approx(float((prob * final).sum()), abs=1e-4)
    assert 4 <= out.position <= 10 and out.converged
    for rule in ("binary", "cubic", "propbin", "propcubic"):
        assert 4 <= SpatialModel(vote_rule=rule).solve(sh).position <= 10
    assert 4 <= SpatialModel(prevail="markov").solve(sh).position <= 10


@pytest.mark.parametrize(("name", "options"), [
    ("ChinaData.csv", {}),
    ("HondurasCrisisData.csv", {"scale": (0, 1)}),
    ("KTAB_SOE-Policy.csv", {}),
])
def test_models_on_the_other_public_inputs(shared, name, options):
    path = shared / "data/bdm" / name
    sh = read_stakeholders(path, **options)
    raw = pd.read_csv(path, skiprows=1 if name.startswith("KTAB") else 0)
    raw.columns = [c.strip() for c in raw.columns]
    cap = raw.get("Resources", raw.get("Influence")).to_numpy(float)
    pos = raw.get("Position", raw.get("Policy Position")).to_numpy(float)
    sal = raw.get("Salience", raw.get("Policy Salience")).to_numpy(float)
    expected = float((cap * sal * pos).sum() / (cap * sal).sum())
    assert Compromise().solve(sh).position == pytest.approx(expected)
    eum = ExpectedUtility().solve(sh)
    ref = run_reference(sh.position, sh.salience, sh.capability, sh.scale)
    assert eum.position == pytest.approx(ref.median, abs=1e-9) and eum.rounds == ref.rounds
    assert eum.position in set(eum.trace.iloc[-1][list(sh.actor)])  # the median is an actor's position
    smp = SpatialModel().solve(sh)
    assert sh.position.min() <= smp.position <= sh.position.max()
    assert Nash().solve(sh).status == "no solution"  # these inputs give no status quo
    nash = Nash().solve(sh.with_values(status_quo=float(sh.position.min())))
    assert nash.status == "no solution"  # an actor sits on that status quo


def test_published_forecasts_on_the_public_inputs(shared):
    china = read_stakeholders(shared / "data/bdm/ChinaData.csv")
    ktab = read_stakeholders(shared / "data/bdm/KTAB_SOE-Policy.csv")
    honduras = read_stakeholders(shared / "data/bdm/HondurasCrisisData.csv", scale=(0, 1))
    assert ExpectedUtility().solve(china).position == 20.0
    assert ExpectedUtility().solve(honduras).position == 0.5
    assert ExpectedUtility().solve(ktab).position == pytest.approx(37.558984686, abs=1e-6)


def test_batch_and_single_solve_agree():
    sh = load_stakeholders("russia-japan")
    batch = Batch.of(sh)
    for model in get_models("all"):
        single = model.solve(sh).position
        many = model.solve_batch(Batch(np.repeat(batch.position, 3, 0), np.repeat(batch.salience, 3, 0),
                                       np.repeat(batch.capability, 3, 0), sh.scale, sh.status_quo))
        if single is None:
            assert np.isnan(many.position).all()
        else:
            np.testing.assert_allclose(many.position, single, atol=1e-9)


def test_set_params_and_clone_follow_scikit_learn():
    model = ExpectedUtility()
    assert model.set_params(max_rounds=7, voters="exclude_i") is model
    assert model.get_params()["max_rounds"] == 7 and model.voters == "exclude_i"
    twin = model.clone()
    assert twin is not model and twin.get_params() == model.get_params()
    twin.set_params(max_rounds=9)
    assert model.max_rounds == 7
    smp = SpatialModel(vote_rule="cubic")
    copy = get_model(smp, max_rounds=3)
    assert copy is not smp and copy.get_params() == {**smp.get_params(), "max_rounds": 3}
    assert get_model(smp) is smp and Compromise().clone().get_params() == {}
    assert Nash().set_params(iterations=10).solve_batch(Batch.of(load_stakeholders("russia-japan"))).rounds[0] == 10


@pytest.mark.parametrize(("name", "params", "message"), [
    ("eum", {"voters": "everyone"}, "eum: parameter voters='everyone' is not a variant — use one of all, "
                                    "exclude_i, third_parties"),
    ("eum", {"perception": "theirs"}, "use one of own, receiver"),
    ("eum", {"offer_choice": "first"}, "use one of smallest_move, largest_gain"),
    ("eum", {"anchor": "mode"}, "use one of mean, median"),
    ("eum", {"max_rounds": -1}, "eum: parameter max_rounds=-1 is not a whole number ≥ 0"),
    ("eum", {"max_rounds": 2.5}, "max_rounds=2.5 is not a whole number"),
    ("eum", {"tolerance": 0}, "tolerance=0 is not a number > 0"),
    ("eum", {"q": 1.5}, "q=1.5 is not a number ≥ 0 and ≤ 1"),
    ("eum", {"t": float("nan")}, "t=nan is not a number ≥ 0 and ≤ 1"),
    ("smp", {"vote_rule": "loud"}, "smp: parameter vote_rule='loud' is not a variant — use one of proportional, "
                                   "binary, cubic, propbin, propcubic"),
    ("smp", {"prevail": "chance"}, "use one of conditional, markov"),
    ("smp", {"stop_ratio": 2}, "stop_ratio=2 is not a number ≥ 0 and ≤ 1"),
    ("smp", {"max_rounds": True}, "max_rounds=True is not a whole number"),
    ("nash", {"iterations": 0}, "nash: parameter iterations=0 is not a whole number ≥ 1"),
    ("eum", {"rounds": 5}, "eum: unknown parameter(s) rounds — its parameters are max_rounds, tolerance, "
                           "voters, perception, offer_choice, anchor, q, t"),
    ("compromise", {"weights": 1}, "compromise: unknown parameter(s) weights — its parameters are none"),
])
def test_parameters_are_validated(name, params, message):
    with pytest.raises(BilateralError) as err:
        get_model(name, **params)
    assert message in str(err.value)
    model = get_model(name)
    with pytest.raises(BilateralError):
        model.set_params(**params)
    assert model.get_params() == get_model(name).get_params()  # a refused value is not set
    if name != "compromise" and "rounds" not in params:
        with pytest.raises(BilateralError):
            MODELS[name](**params)


def test_a_refused_set_params_changes_nothing():
    model = ExpectedUtility()
    with pytest.raises(BilateralError, match="voters=3"):
        model.set_params(max_rounds=5, voters=3)
    assert model.max_rounds == 100
