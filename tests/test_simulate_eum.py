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
from bilateral.simulate.eum import MOVE_TOLERANCE, better_offer, offer, risk_exponents
from bilateral.simulate.votes import win_probability
from eum_reference import median_position, probability, run_reference

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
]
#: Every combination of the variant choices, with and without a status-quo term (Q < 1).
ALL_VARIANTS = [
    {"voters": v, "perception": p, "offer_choice": o, "anchor": a, **qt}
    for v, p, o, a, qt in itertools.product(("all", "exclude_i", "third_parties"), ("own", "receiver"),
                                            ("smallest_move", "largest_gain"), ("mean", "median"),
                                            ({}, {"q": 0.5, "t": 0.5}))
]


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


@pytest.mark.parametrize("voters", ["all", "exclude_i", "third_parties"])
def test_win_probability_matches_the_direct_sum(voters):
    rng = np.random.default_rng(7)
    x, w = rng.uniform(0, 1, (20, 9)), rng.uniform(0, 1, (20, 9))
    x[:, 3] = x[:, 5]  # a tie
    p = win_probability(x, w, voters)
    for r in range(20):
        for i in range(9):
            for j in range(9):
                expected = probability(i, j, list(x[r]), list(w[r]), voters) if i != j else 0.0
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
