"""Sensitivity: one-at-a-time swings and Sobol indices against cases with known answers."""

import numpy as np
import pytest
from scipy.stats import qmc

from bilateral.simulate import load_stakeholders, one_at_a_time, read_stakeholders, sobol
from bilateral.simulate.sensitivity import sobol_indices


def linear_case(tmp_path):
    # equal weights, fixed saliences and capabilities: the compromise outcome is the mean of the
    # positions, so each first-order index is that position's variance share (uniform: width²)
    path = tmp_path / "lin.csv"
    path.write_text("actor,capability,position,salience,position_low,position_high\n"
                    "a,1,50,1,0,100\nb,1,50,1,30,70\nc,1,50,1,45,55\n")
    return read_stakeholders(path)


def test_one_at_a_time_on_the_case():
    frame = one_at_a_time("russia-japan", "compromise")
    assert len(frame) == 20 * 3
    assert frame["swing"].abs().is_monotonic_decreasing
    top = frame.iloc[0]
    assert (top["actor"], top["input"]) == ("abe", "position")
    sh = load_stakeholders("russia-japan")
    expected_high = sh.weight.copy()
    x = sh.position.copy()
    x[sh.actor.index("abe")] = 100
    assert top["forecast_at_high"] == pytest.approx(float((expected_high * x).sum() / sh.weight.sum()))
    assert (frame["baseline"] == frame.loc[0, "baseline"]).all()


def test_sobol_recovers_known_indices(tmp_path):
    sh = linear_case(tmp_path)
    frame = sobol(sh, "compromise", base_runs=1024, rng=1, distribution="uniform").set_index("actor")
    widths = np.array([100.0, 40.0, 10.0]) ** 2
    expected = widths / widths.sum()
    for actor, share in zip("abc", expected, strict=True):
        assert frame.loc[actor, "s1"] == pytest.approx(share, abs=0.03)
        assert frame.loc[actor, "st"] == pytest.approx(share, abs=0.03)
        assert frame.loc[actor, "s1_low"] <= share + 0.03 and share - 0.03 <= frame.loc[actor, "s1_high"]
    assert frame.index[0] == "a"


def test_sobol_per_input_and_ratified_output():
    frame = sobol("russia-japan", "compromise", base_runs=64, rng=0, groups="input", bootstrap=0)
    assert len(frame) == 60 and frame["st"].notna().all()
    ratified = sobol("russia-japan", "compromise", base_runs=64, rng=0, output="ratified", bootstrap=0)
    top = ratified.iloc[0]["actor"]
    # after ratification the forecast is the ceiling 2·min(Duma, public): only they matter much
    assert top in {"rus_duma", "rus_public"}
    assert ratified.attrs["output"] == "ratified"


def test_sobol_estimators_on_the_ishigami_function():
    """f = sin x₁ + 7 sin² x₂ + 0.1 x₃⁴ sin x₁, xᵢ ~ U(−π, π): S = (0.3139, 0.4424, 0),
    T = (0.5576, 0.4424, 0.2437) (Ishigami & Homma 1990; Saltelli et al. 2010)."""
    def f(x):
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])

    points = -np.pi + 2 * np.pi * qmc.Sobol(d=6, scramble=True, seed=3).random(4096)
    a, b = points[:, :3], points[:, 3:]
    estimates = []
    for i in range(3):
        mixed = a.copy()
        mixed[:, i] = b[:, i]
        estimates.append(sobol_indices(f(a), f(b), f(mixed)))
    first, total, used = (np.array(v) for v in zip(*estimates, strict=True))
    np.testing.assert_allclose(first, [0.3139, 0.4424, 0.0], atol=0.015)
    np.testing.assert_allclose(total, [0.5576, 0.4424, 0.2437], atol=0.015)
    assert (used == 4096).all()
    nan = f(a).copy()
    nan[:10] = np.nan  # runs without a solution are left out
    assert sobol_indices(nan, f(b), f(a))[2] == 4086


def test_one_at_a_time_reuses_the_baseline_forecast():
    from bilateral.simulate import forecast

    fc = forecast("russia-japan", ["eum"])
    frame = one_at_a_time(model="eum", baseline=fc, output="ratified")
    assert (frame["baseline"] == fc.ratification.project(fc.outcomes["eum"].position)).all()
    assert frame["baseline"].iloc[0] == 10  # the EUM's 55 cut back to Z = [0, 10]
    assert frame.attrs == {"sources": list(fc.stakeholders.sources), "model": "eum", "output": "ratified"}
