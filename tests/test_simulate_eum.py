"""The expected utility model: EC car-emissions checks, the golden trace, the loop oracle."""

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilateral.simulate import (
    Batch,
    ExpectedUtility,
    condorcet_median,
    load_stakeholders,
    read_stakeholders,
    weighted_mean,
)
from bilateral.simulate.eum import (
    MOVE_TOLERANCE,
    better_offer,
    expected_utility,
    net_vote,
    offer,
    risk_exponents,
)
from bilateral.simulate.votes import win_probability
from eum_reference import median_position, run_reference, vote_probability

GOLDEN = Path(__file__).parent / "data" / "eum_ec_trace.csv"
VARIANTS = [
    {},
    {"voters": "exclude_i"},
    {"voters": "third_parties"},
    {"perception": "receiver"},
    {"offer_choice": "largest_gain"},
    {"anchor": "median", "voters": "exclude_i"},
    {"q": 0.5, "t": 0.75},
    {"perception": "receiver", "q": 0.5, "t": 0.5},
    {"probability": "net"},
]
#: Every combination of the variant choices, with and without a status-quo term (Q < 1).
ALL_VARIANTS = [
    {"voters": v, "probability": pr, "perception": p, "offer_choice": o, "anchor": a, **qt}
    for v, pr, p, o, a, qt in itertools.product(("all", "exclude_i", "third_parties"), ("share", "net"),
                                                ("own", "receiver"), ("smallest_move", "largest_gain"),
                                                ("mean", "median"), ({}, {"q": 0.5, "t": 0.5}))
]
#: dmasad/BDM_DecisionModel_Replication @ aa3899a, Testing.ipynb: round 1 on the EC data (Q = T = 1)
#: with the net-vote P — each actor's risk exponent and Belgium's expected utility against each rival.
DMASAD_RISK = {"Netherlands": 1.1271980463013587, "Belgium": 0.7809178391316438, "Luxembourg": 0.5000000000000001,
               "Germany": 1.1271980463013587, "France": 1.0778922989239863, "Italy": 1.0778922989239863,
               "UK": 2.000000000000001, "Ireland": 0.5247821721738853, "Denmark": 1.4716965449819073,
               "Greece": 1.1404794480175189}
DMASAD_BELGIUM_EU = {"Denmark": -0.3751669542544107, "France": -0.12290936745034992, "Germany": -0.1055122924983457,
                     "Greece": 0.0, "Ireland": 0.0, "Italy": -0.12290936745034992, "Luxembourg": 0.7034516927698495,
                     "Netherlands": -0.1055122924983457, "UK": -0.6709172284384823}


@pytest.fixture(scope="module")
def ec(shared: Path):
    return read_stakeholders(shared / "data/bdm/ExampleActors.csv")


def test_ec_weighted_mean_and_condorcet_winner(ec):
    assert weighted_mean(ec.position, ec.salience, ec.capability) == pytest.approx(7.38995568685, abs=1e-11)
    assert pytest.approx(7.38995568685, abs=1e-11) == 500.3 / 67.7
    assert condorcet_median(ec.position[None], ec.weight[None])[0] == 7.0
    assert median_position(list(ec.position), list(ec.salience), list(ec.capability)) == 7.0


def test_condorcet_winner_beats_every_other_position_pairwise(ec):
    x, w = ec.position, ec.weight
    for b in set(x) - {7.0}:
        votes = sum(wk * (abs(xk - b) - abs(xk - 7.0)) for xk, wk in zip(x, w, strict=True))
        assert votes > 0


def test_ec_golden_trace(ec):
    """The round-by-round positions on the EC data with the default variant (docs/models.md)."""
    outcome = ExpectedUtility().solve(ec)
    golden = pd.read_csv(GOLDEN)
    assert list(outcome.trace.columns) == list(golden.columns)
    assert len(outcome.trace) == len(golden) == outcome.rounds + 1 == 55
    np.testing.assert_allclose(outcome.trace.to_numpy(float), golden.to_numpy(float), atol=1e-9)
    assert outcome.position == 7.0 and outcome.converged and outcome.status == "ok"
    assert outcome.diagnostics["mean"] == pytest.approx(golden["mean"].iloc[-1], abs=1e-9)
    first = outcome.diagnostics["moves"].query("round == 1").set_index("actor")
    assert first.loc["Belgium", "accepts"] == "Netherlands"
    assert first.loc["Belgium", "kind"] == "confrontation"
    assert first.loc["Denmark", "kind"] == "compromise"


def test_ec_risk_exponents_round_one(ec):
    risk = ExpectedUtility().solve(ec).diagnostics["risk_exponents_round_1"]
    assert risk["Luxembourg"] == pytest.approx(0.5) and risk["UK"] == pytest.approx(2.0)
    assert risk["Netherlands"] == pytest.approx(risk["Germany"])  # same position and salience
    assert all(0.5 - 1e-12 <= r <= 2 + 1e-12 for r in risk.values())
    ref = run_reference(ec.position, ec.salience, ec.capability, ec.scale)
    np.testing.assert_allclose(list(risk.values()), ref.risk[0], atol=1e-9)


def _name(params: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in params.items()) or "default"


@pytest.mark.parametrize("params", VARIANTS, ids=_name)
def test_vectorised_equals_loop_oracle_on_ec(ec, params):
    outcome = ExpectedUtility(**params).solve(ec)
    ref = run_reference(ec.position, ec.salience, ec.capability, ec.scale, **params)
    assert outcome.rounds == ref.rounds and outcome.converged == ref.converged
    history = outcome.trace[list(ec.actor)].to_numpy(float)
    np.testing.assert_allclose(history, np.array(ref.history), atol=1e-9, rtol=0)
    assert outcome.position == pytest.approx(ref.median, abs=1e-9)
    assert outcome.diagnostics["mean"] == pytest.approx(ref.mean, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_vectorised_equals_loop_oracle_on_random_inputs(seed):
    rng = np.random.default_rng(seed)
    runs, n = 12, int(rng.integers(3, 9))
    x = rng.uniform(0, 100, (runs, n))
    x[:, 0] = np.round(x[:, 0], -1)  # some exact ties help exercise the tie rules
    s, c = rng.uniform(0.05, 1, (runs, n)), rng.uniform(0, 1, (runs, n))
    params = VARIANTS[seed % len(VARIANTS)]
    result = ExpectedUtility(max_rounds=60, **params).solve_batch(Batch(x, s, c, (0, 100)))
    for k in range(runs):
        ref = run_reference(x[k], s[k], c[k], (0, 100), max_rounds=60, **params)
        assert result.rounds[k] == ref.rounds
        np.testing.assert_allclose(result.extra["final"][k], ref.positions, atol=1e-9, rtol=0)
        assert result.position[k] == pytest.approx(ref.median, abs=1e-9)


def _tied_inputs(seed: int, runs: int = 4, n: int = 6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random draws with two identical actors (0 and 1), a near-tie (actor 3 within 10⁻¹³ of
    actor 2, same salience and capability) and a position on a round number (exact ties)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (runs, n))
    s, c = rng.uniform(0.05, 1, (runs, n)), rng.uniform(0, 1, (runs, n))
    for a in (x, s, c):
        a[:, 1], a[:, 3] = a[:, 0], a[:, 2]
    x[:, 3] += 1e-13
    x[:, 4] = np.round(x[:, 4], -1)
    return x, s, c


@pytest.mark.parametrize("params", ALL_VARIANTS, ids=_name)
def test_compiled_equals_loop_oracle_with_ties_on_every_variant(params):
    """Same rounds and positions to 10⁻⁹ on every variant combination, with identical and near-identical
    actors: with Q < 1 a rounding difference used to let a 10⁻¹⁴ move between two identical actors
    win the smallest-move rule (up to 22 points apart from the oracle before MOVE_TOLERANCE)."""
    x, s, c = _tied_inputs(len(_name(params)))
    result = ExpectedUtility(max_rounds=40, **params).solve_batch(Batch(x, s, c, (0, 100)))
    for k in range(len(x)):
        ref = run_reference(x[k], s[k], c[k], (0, 100), max_rounds=40, **params)
        assert (result.rounds[k], bool(result.converged[k])) == (ref.rounds, ref.converged)
        np.testing.assert_allclose(result.extra["final"][k], ref.positions, atol=1e-9, rtol=0)
        assert result.position[k] == pytest.approx(ref.median, abs=1e-9)
        final = result.extra["final"][k]
        assert abs(final[0] - final[1]) < 1e-9  # identical actors stay together


def test_identical_actors_do_not_trade_rounding_moves():
    """Seed 4 of the tie study: actor 0 used to accept its twin's 'confrontation' of ~10⁻¹⁴ in round 2
    and stay at 79.93 while the oracle (and its twin) moved to 60.74."""
    rng = np.random.default_rng(4)
    x, s, c = rng.uniform(0, 100, (1, 6)), rng.uniform(0.05, 1, (1, 6)), rng.uniform(0, 1, (1, 6))
    for a in (x, s, c):
        a[0, 1] = a[0, 0]
    hist = ExpectedUtility(q=0.5, t=0.5).history(Batch(x, s, c, (0, 100)))
    assert hist["x"][1, 0] == pytest.approx(hist["x"][1, 1], abs=1e-12)
    assert hist["sender"][1, 0] != 1 and hist["sender"][1, 1] != 0
    ref = run_reference(x[0], s[0], c[0], (0, 100), q=0.5, t=0.5)
    np.testing.assert_allclose(hist["x"][1], ref.history[2], atol=1e-9, rtol=0)


def test_offer_and_move_tolerances():
    """Moves within MOVE_TOLERANCE·R are no offers and ties between offers; B = A within EU_TOLERANCE
    is no confrontation."""
    assert offer(0.3, 0.5, 1.0, 1.0 + 1e-14, 1e-8)[1] == 0  # a rounding-size move is no offer
    assert offer(0.3, 0.3 + 1e-14, 1.0, 5.0)[1] == 0  # B = A: i does not lose
    assert offer(0.3, 0.3 + 1e-9, 1.0, 5.0)[1] == 1
    assert not better_offer(0, 2.0 - 1e-12, 0.1, 2.0, 0.5, 1e-10)  # equal moves: the first sender stays
    assert better_offer(0, 1.9, 0.1, 2.0, 0.5, 1e-10)
    assert better_offer(1, 3.0, 0.5 + 1e-9, 2.0, 0.5, 1e-10)  # larger gain first
    assert not better_offer(1, 3.0, 0.5 + 1e-14, 2.0, 0.5, 1e-10)  # equal gain, longer move
    assert better_offer(1, 1.0, 0.5 + 1e-14, 2.0, 0.5, 1e-10)  # equal gain, shorter move
    assert MOVE_TOLERANCE * 100 < 1e-3 * 100 * 1e-3  # far below the stopping rule's 10⁻³·R


def test_equal_securities_give_neutral_risk():
    r = np.empty(3)
    risk_exponents(np.array([1.0, 1.0 + 1e-15, 1.0 - 1e-15]), r)  # rounding noise only
    assert np.all(r == 1.0)


def belgium_expected_utilities(ec, model: ExpectedUtility) -> dict[str, float]:
    """Belgium's EUᵢ(j) against each rival in round 1, from the compiled pieces: the model's round-1
    risk exponent, P from ``win_probability`` (and ``net_vote`` for the net variant)."""
    r = model.history(Batch.of(ec))["r"][0]
    x = ec.position
    y = (x - x.min()) / (x.max() - x.min())
    p = win_probability(y[None], ec.weight[None], model.voters)[0]
    if model.probability == "net":
        net_vote(p)
    b = list(ec.actor).index("Belgium")
    out = {}
    for j, name in enumerate(ec.actor):
        if j != b:
            d = abs(y[b] - y[j])
            us, uf, usq = 2 - 4 * (0.5 - 0.5 * d) ** r[b], 2 - 4 * (0.5 + 0.5 * d) ** r[b], 2 - 4 * 0.5 ** r[b]
            out[name] = expected_utility(p[b, j], ec.salience[j], us, uf, usq)
    return out


def test_net_vote_reproduces_dmasads_replication(ec):
    """With ``probability="net"`` the round-1 risk exponents and Belgium's expected utilities equal the
    output of dmasad's independent implementation (its Testing notebook) to 1e-12."""
    model = ExpectedUtility(probability="net")
    risk = dict(zip(ec.actor, model.history(Batch.of(ec))["r"][0], strict=True))
    assert risk == pytest.approx(DMASAD_RISK, abs=1e-12)
    assert belgium_expected_utilities(ec, model) == pytest.approx(DMASAD_BELGIUM_EU, abs=1e-12)
    default = belgium_expected_utilities(ec, ExpectedUtility())
    assert default != pytest.approx(DMASAD_BELGIUM_EU, abs=1e-3)  # the share P is another reading


def test_net_vote_is_the_clipped_margin():
    """P_net = max(0, 2P − 1) of the share P; against the oracle's direct signed sum."""
    rng = np.random.default_rng(3)
    x, w = rng.uniform(0, 1, (1, 7)), rng.uniform(0, 1, (1, 7))
    for voters in ("all", "exclude_i", "third_parties"):
        p = win_probability(x, w, voters)[0]
        net_vote(p)
        for i in range(7):
            for j in range(7):
                expected = vote_probability(i, j, list(x[0]), list(w[0]), voters, "net") if i != j else 0.0
                assert p[i, j] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("voters", ["all", "exclude_i", "third_parties"])
def test_win_probability_matches_the_direct_sum(voters):
    rng = np.random.default_rng(7)
    x, w = rng.uniform(0, 1, (20, 9)), rng.uniform(0, 1, (20, 9))
    x[:, 3] = x[:, 5]  # a tie
    p = win_probability(x, w, voters)
    for r in range(20):
        for i in range(9):
            for j in range(9):
                expected = vote_probability(i, j, list(x[r]), list(w[r]), voters) if i != j else 0.0
                assert p[r, i, j] == pytest.approx(expected, abs=1e-12)
    if voters == "all":
        off = ~np.eye(9, dtype=bool) & (x[:, :, None] != x[:, None, :])
        np.testing.assert_allclose((p + p.transpose(0, 2, 1))[off], 1.0, atol=1e-12)


def test_risk_exponent_range_and_equal_security():
    r = np.empty(6)
    risk_exponents(np.random.default_rng(0).normal(size=6), r)
    assert r.min() == pytest.approx(0.5) and r.max() == pytest.approx(2.0)
    risk_exponents(np.array([1.0, 3.0, 2.0]), r[:3])
    assert r[:3].tolist() == pytest.approx([2.0, 0.5, 1.0])  # highest Sec gets 0.5, lowest 2
    risk_exponents(np.zeros(4), r[:4])
    assert np.all(r[:4] == 1.0)


def test_identical_positions_converge_at_once():
    sh = load_stakeholders("russia-japan")
    same = sh.with_values(position=np.full(sh.n, 30.0))
    out = ExpectedUtility().solve(same)
    assert out.position == 30.0 and out.rounds == 0 and out.converged


def test_non_convergence_is_reported(ec):
    out = ExpectedUtility(max_rounds=5).solve(ec)
    assert not out.converged and out.status == "not converged" and out.rounds == 5
    assert "no convergence within 5 rounds" in out.message
    assert out.position == 7.0  # the median of round 5


def test_russia_japan_eum():
    sh = load_stakeholders("russia-japan")
    out = ExpectedUtility().solve(sh)
    ref = run_reference(sh.position, sh.salience, sh.capability, sh.scale)
    assert out.position == ref.median and out.rounds == ref.rounds
    assert sh.scale[0] <= out.position <= sh.scale[1]


def test_offer_rules():
    """offer(A, B, xᵢ, xⱼ): confrontation, compromise, capitulation, or none."""
    assert offer(0.3, 0.5, 1.0, 5.0) == (5.0, 1, 4.0)  # A > 0, B > A: i loses the challenge
    assert offer(0.5, 0.3, 1.0, 5.0)[1] == 0  # A > 0, B ≤ A: i wins and stays
    assert offer(-0.1, 0.4, 1.0, 5.0) == (pytest.approx(2.0), 2, pytest.approx(1.0))  # |A/B| = 0.25
    assert offer(-0.4, 0.4, 1.0, 5.0) == (5.0, 3, 4.0)  # |A| ≥ B: capitulation
    assert offer(-0.1, 0.0, 1.0, 5.0)[1] == 0 and offer(0.3, 0.5, 5.0, 5.0)[1] == 0  # no gain, no move


def test_history_records_each_round(ec):
    model = ExpectedUtility()
    hist = model.history(Batch.of(ec))
    outcome = model.solve(ec)
    assert hist["rounds"] == outcome.rounds == 54 and hist["converged"]
    np.testing.assert_allclose(hist["x"], outcome.trace[list(ec.actor)].to_numpy(float)[1:])
    first = outcome.diagnostics["moves"].query("round == 1")
    assert (hist["kind"][0] == 1).sum() == 6 == (first["kind"] == "confrontation").sum()  # six in the EC's round 1
    senders = [ec.actor[j] if j >= 0 else None for j in hist["sender"][0]]
    assert senders[list(ec.actor).index("Belgium")] == "Netherlands"
