"""Monte Carlo: draws, reproducibility, workers, the breakthrough probability and its interval."""

import numpy as np
import pytest

from bilateral.report.prose import breakthrough_sentence, caveats
from bilateral.simulate import load_stakeholders, monte_carlo, read_stakeholders, wilson
from bilateral.simulate.montecarlo import draw, triangular
from bilateral.simulate.ratification import ratification


def test_triangular_inverse_cdf():
    u = np.random.default_rng(0).random(200_000)
    x = triangular(np.full_like(u, 0.0), np.full_like(u, 20.0), np.full_like(u, 50.0), u)
    assert x.min() >= 0 and x.max() <= 50
    assert x.mean() == pytest.approx((0 + 20 + 50) / 3, abs=0.1)
    assert np.median(x) == pytest.approx(50 - np.sqrt(0.5 * 50 * 30), abs=0.15)
    assert triangular(np.array([5.0]), np.array([5.0]), np.array([5.0]), np.array([0.3]))[0] == 5.0
    edge = triangular(np.array([0.0]), np.array([0.0]), np.array([10.0]), np.array([0.5]))[0]
    assert edge == pytest.approx(10 - np.sqrt(50))


def test_triangular_is_the_closed_form_inverse_cdf():
    """scipy's triang.ppf gives the numbers of the closed form it replaced: a + √(u(b−a)(c−a)) for
    u < (c−a)/(b−a), else b − √((1−u)(b−a)(b−c)); the value itself on an empty range."""
    rng = np.random.default_rng(5)
    low = rng.uniform(0, 50, (400, 12))
    high = low + rng.uniform(0, 50, (400, 12))
    mode = low + rng.uniform(0, 1, (400, 12)) * (high - low)
    mode[:, 1], mode[:, 2], high[:, 3] = low[:, 1], high[:, 2], low[:, 3]  # modes at the ends, empty range
    mode[:, 3] = low[:, 3]
    u = rng.random((400, 12))
    width = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        cut = np.where(width > 0, (mode - low) / width, 0.5)
    closed = np.where(width > 0, np.where(u < cut, low + np.sqrt(u * width * (mode - low)),
                                          high - np.sqrt((1 - u) * width * (high - mode))), mode)
    np.testing.assert_allclose(triangular(low, mode, high, u), closed, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(triangular(low, mode, high, u)[:, 3], low[:, 3])


def test_draws_stay_in_the_ranges():
    sh = load_stakeholders("russia-japan")
    batch = draw(sh, 5000, np.random.default_rng(1))
    for field in ("position", "salience", "capability"):
        values = getattr(batch, field)
        assert np.all(values >= getattr(sh, f"{field}_low") - 1e-12)
        assert np.all(values <= getattr(sh, f"{field}_high") + 1e-12)
    uniform = draw(sh, 5000, np.random.default_rng(1), "uniform")
    mid = (sh.position_low + sh.position_high) / 2
    np.testing.assert_allclose(uniform.position.mean(axis=0), mid, atol=1.5)


def test_wilson_interval():
    p, lo, hi = wilson(0, 10_000)
    assert p == 0 and lo == 0 and hi == pytest.approx(3.84 / (10_000 + 3.84), rel=1e-3)
    p, lo, hi = wilson(50, 100)
    assert p == 0.5 and lo == pytest.approx(0.4038, abs=1e-4) and hi == pytest.approx(0.5962, abs=1e-4)


def test_same_seed_same_numbers_and_workers_do_not_matter():
    a = monte_carlo("russia-japan", ["compromise", "nash", "smp"], runs=60, seed=3)
    b = monte_carlo("russia-japan", ["compromise", "nash", "smp"], runs=60, seed=3, workers=2)
    for name in a.models:
        np.testing.assert_array_equal(a.models[name].bargained, b.models[name].bargained)
        np.testing.assert_array_equal(a.models[name].ratified, b.models[name].ratified)
    c = monte_carlo("russia-japan", ["compromise"], runs=60, seed=4)
    assert not np.array_equal(a.models["compromise"].bargained, c.models["compromise"].bargained)
    rng = monte_carlo("russia-japan", ["compromise"], runs=60, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(rng.models["compromise"].bargained, a.models["compromise"].bargained)


def test_russia_japan_breakthrough_is_blocked_by_ratification():
    mc = monte_carlo("russia-japan", "all", runs=200, seed=0)
    table = mc.table().set_index("model")
    assert list(table.index) == ["compromise", "nash", "eum", "smp"]
    assert (table["p_breakthrough"] == 0).all()
    # Russia's veto players (Duma, public) range over 0–20: Z never reaches 50
    assert mc.z_high.max() < 50 and mc.agreement_share == 1.0
    assert table.loc["compromise", "bargained_p50"] > table.loc["compromise", "ratified_p50"]
    assert table.loc["nash", "defined_share"] == 1.0  # positions drawn off the status quo
    sentence = breakthrough_sentence(mc, "1956 Joint Declaration formula")
    assert "zero for every model" in sentence and "Wilson upper bound is 1.9%" in sentence
    notes = caveats(mc, ratification(mc.stakeholders))
    assert any("bound by rus_duma and rus_public" in n for n in notes)


def test_a_breakthrough_probability_that_can_be_checked(tmp_path):
    """Two actors, compromise model: the outcome is the mean of two uniform positions."""
    path = tmp_path / "two.csv"
    path.write_text("actor,capability,position,salience,position_low,position_high\n"
                    "a,1,50,1,0,100\nb,1,50,1,50,50\n")
    sh = read_stakeholders(path, breakthrough=60)
    mc = monte_carlo(sh, ["compromise"], runs=20_000, seed=2, distribution="uniform")
    p, lo, hi = mc.breakthrough("compromise")
    # (x + 50)/2 ≥ 60 ⇔ x ≥ 70: probability 0.3
    assert lo < 0.3 < hi and p == pytest.approx(0.3, abs=0.015)
    assert mc.table().loc[0, "ratifiable_share"] == 1.0  # no veto players: nothing to ratify


def test_no_threshold_no_probability(shared):
    sh = read_stakeholders(shared / "data/bdm/ExampleActors.csv")
    mc = monte_carlo(sh, ["compromise"], runs=10, seed=0)
    assert "p_breakthrough" not in mc.table() and np.isnan(mc.breakthrough("compromise")[0])
    assert breakthrough_sentence(mc).startswith("No breakthrough threshold")
    # point values without ranges: every run equals the point forecast
    np.testing.assert_allclose(mc.models["compromise"].bargained, 7.38995568685, atol=1e-10)
