"""The relations dynamics: shocks, the fitted model (recovery, intervals), forecasts, the back-test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.stats import binom, norm

from bilateral.errors import BilateralError
from bilateral.simulate.dynamics import (
    Impulse,
    StateRecorder,
    backtest,
    backtest_summary,
    crps_ensemble,
    crps_normal,
    fit_relations,
    sweep,
)
from bilateral.simulate.shocks import Shock, elapsed, exposure, half_life_of

YEARS = pd.period_range("1900", periods=100, freq="Y")
SHOCKS = [Shock("step", pd.Period("1940", "Y"), "persistent"),
          Shock("pulse", pd.Period("1970", "Y"), "decaying", (0.5, 20))]
TRUE = {"norm": 0.5, "inertia": 0.6, "effect.step": 0.3, "effect.pulse": 0.4, "half_life.pulse": 3.0}


def simulated(seed: int) -> pd.Series:
    """y = 0.5 + 0.3·step(1940) + 0.4·pulse(1970, half-life 3) + AR(1) with ρ 0.6, σ 0.1."""
    g = np.random.default_rng(seed)
    e = g.normal(0, 0.1, len(YEARS))
    u = np.zeros(len(YEARS))
    for k in range(len(YEARS)):
        u[k] = (0.6 * u[k - 1] if k else e[0] / np.sqrt(1 - 0.36)) + (e[k] if k else 0)
    x1 = exposure(elapsed(YEARS, SHOCKS[0].start), "persistent")
    x2 = exposure(elapsed(YEARS, SHOCKS[1].start), "decaying", 3.0)
    return pd.Series(0.5 + 0.3 * x1 + 0.4 * x2 + u, index=YEARS)


def test_exposure_halves_after_one_half_life_and_steps_persist():
    months = pd.period_range("2010-01", periods=40, freq="M")
    steps = elapsed(months, pd.Period("2011-03", "M"))
    assert steps[14] == 0 and steps[0] == -14
    x = exposure(steps, "decaying", 12.0)
    assert x[13] == 0 and x[14] == 1 and x[26] == pytest.approx(0.5) and x[38] == pytest.approx(0.25)
    assert exposure(steps, "persistent")[[13, 14, 39]].tolist() == [0, 1, 1]
    assert half_life_of(0.5) == pytest.approx(1.0) and half_life_of(0.5 ** (1 / 3)) == pytest.approx(3.0)
    # a yearly shock given by month starts in that year
    assert elapsed(YEARS, pd.Period("1940-06", "M"))[40] == 0


def test_fit_recovers_known_parameters_and_intervals_cover():
    """90 % intervals of ρ and the two effects, over 12 simulated histories, cover the truth at
    a rate a 90 % interval allows (≥ 27 of 36: P(fewer | 0.9) < 1 %)."""
    covered, estimates = 0, []
    for seed in range(12):
        fit = fit_relations(simulated(seed), SHOCKS, level=0.9)
        table = fit.table().set_index("parameter")
        for name in ("inertia", "effect.step", "effect.pulse"):
            covered += table.loc[name, "low"] <= TRUE[name] <= table.loc[name, "high"]
        estimates.append(table["estimate"])
    assert binom.cdf(26, 36, 0.9) < 0.01
    assert covered >= 27
    mean = pd.concat(estimates, axis=1).mean(axis=1)
    assert mean["norm"] == pytest.approx(0.5, abs=0.03)
    assert mean["effect.step"] == pytest.approx(0.3, abs=0.05)
    assert mean["effect.pulse"] == pytest.approx(0.4, abs=0.08)
    assert 2.0 < mean["half_life.pulse"] < 4.5
    assert 0.4 < mean["inertia"] < 0.7


def test_fit_rejects_bad_input_and_drops_unobserved_shocks():
    with pytest.raises(BilateralError, match="PeriodIndex"):
        fit_relations(pd.Series([1.0, 2.0]), SHOCKS)
    with pytest.raises(BilateralError, match="at least 12"):
        fit_relations(simulated(0).iloc[:8], SHOCKS)
    late = Shock("late", pd.Period("1998", "Y"), "persistent")
    fit = fit_relations(simulated(1), [*SHOCKS, late])
    assert fit.dropped == ("late",) and [s.id for s in fit.shocks] == ["step", "pulse"]


def test_forecast_fan_converges_to_the_stationary_band():
    fit = fit_relations(simulated(2), SHOCKS)
    fan = fit.forecast(40, paths=4000, rng=3)
    assert list(fan["period"][:2]) == ["2000", "2001"]
    far = fan.iloc[-1]
    level = fit.norm + fit.params["effect.step"]          # the pulse has faded by 2039
    z = norm.ppf(0.95)
    assert far["median"] == pytest.approx(level, abs=0.02)
    # the 90 % band far out: ±z·σ/√(1−ρ²), widened a little by parameter uncertainty
    assert far["high_0.9"] - far["low_0.9"] == pytest.approx(2 * z * fit.spread, rel=0.25)
    assert (fan["high_0.9"] >= fan["high_0.5"]).all() and (fan["low_0.5"] >= fan["low_0.9"]).all()


def test_same_seed_same_paths_and_recorder_sees_every_step():
    fit = fit_relations(simulated(3), SHOCKS)
    periods = pd.period_range("2000", periods=5, freq="Y")
    runs = []
    for _ in range(2):
        gen = np.random.default_rng(7)
        rec = StateRecorder(("relation", "z"))
        sweep(fit.process(50, gen), periods, gen, [rec])
        runs.append(rec.frame("relation"))
    pd.testing.assert_frame_equal(runs[0], runs[1])
    assert runs[0].shape == (5, 50) and list(runs[0].index.astype(str)) == [str(p) for p in periods]


def test_impulse_on_the_relation_moves_z_by_its_size():
    fit = fit_relations(simulated(4), SHOCKS)
    periods = pd.period_range("2000", periods=6, freq="Y")
    push = Impulse("relation", pd.Period("2003", "Y"), 2.0, None)
    frames = []
    for impulses in ((), (push,)):
        gen = np.random.default_rng(11)
        rec = StateRecorder(("z", "relation"))
        sweep(fit.process(200, gen, impulses, parameter_uncertainty=False), periods, gen, [rec])
        frames.append(rec)
    dz = frames[1].frame("z") - frames[0].frame("z")
    assert np.allclose(dz.iloc[:3], 0) and np.allclose(dz.iloc[3:], 2.0)
    drel = frames[1].frame("relation") - frames[0].frame("relation")
    assert np.allclose(drel.iloc[3:], 2.0 * fit.spread)


def test_crps_formulas_against_numerical_integration():
    """CRPS(F, y) = ∫ (F(x) − 1{x ≥ y})² dx, integrated by scipy, is the closed form; an
    ensemble of many normal draws gives the same number."""
    for mean, sd, y in ((0.0, 1.0, 0.3), (2.0, 0.5, 3.1)):
        dist = norm(mean, sd)
        exact = (integrate.quad(lambda x, d=dist: d.cdf(x) ** 2, -np.inf, y)[0]
                 + integrate.quad(lambda x, d=dist: d.sf(x) ** 2, y, np.inf)[0])
        assert crps_normal(mean, sd, y) == pytest.approx(exact, rel=1e-6)
        draws = np.random.default_rng(0).normal(mean, sd, 200_000)
        assert crps_ensemble(draws, y) == pytest.approx(exact, rel=0.01)
    assert crps_ensemble(np.array([1.0, 1.0]), 1.0) == 0.0


def test_backtest_on_simulated_history_beats_the_mean_and_covers():
    """On data from the model itself, the fitted model's forecasts score better than the mean
    baseline and its 90 % intervals cover near 90 %."""
    series = simulated(5)
    scores = backtest(series, SHOCKS, [1975, 1980, 1985, 1990], horizon=5, paths=1000, rng=1)
    table = backtest_summary(scores).set_index("method")
    assert table.loc["dynamic", "forecasts"] == 20
    assert table.loc["dynamic", "crps"] < table.loc["mean", "crps"]
    assert table.loc["dynamic", "coverage"] >= 0.75
    with pytest.raises(BilateralError, match="nothing to score"):
        backtest(series, SHOCKS, [1999], horizon=3)


def test_backtest_table_on_un_votes(shared, monkeypatch):
    """The back-test of docs/models.md §12 on RUS–JPN UN vote agreement, 1956–2019 (fit to Y,
    forecast Y+1…Y+5, Y = 1995, 2000, 2005, 2010, 2014): the table the docs show."""
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))
    import bilateral
    from bilateral.case.dynamics import load_dynamics
    from bilateral.simulate.breakthrough import shocks_of

    series = bilateral.panel("RUS", "JPN").add_unga()["unga.agreement"]
    dyn = load_dynamics(bilateral.load_case("russia-japan"))
    scores = backtest(series, shocks_of(dyn, series.index.freqstr), [1995, 2000, 2005, 2010, 2014],
                      horizon=5, paths=2000, rng=1)
    table = backtest_summary(scores).set_index("method").round(3)
    assert table["forecasts"].tolist() == [25, 25, 25]
    assert table.loc["persistence", "crps"] == pytest.approx(0.067, abs=0.001)
    assert table.loc["mean", "crps"] == pytest.approx(0.089, abs=0.001)
    assert table.loc["dynamic", "crps"] == pytest.approx(DOCS_DYNAMIC_CRPS, abs=0.003)
    assert table.loc["dynamic", "crps_vs_persistence"] < 0.85
    assert table.loc["dynamic", "coverage"] >= 0.9


DOCS_DYNAMIC_CRPS = 0.047
