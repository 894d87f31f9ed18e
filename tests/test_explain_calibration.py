"""The calibration study, small and seeded: every method's false alarm at α = 0.05 stays in band on
simulated AR(1) series like the case's, and the planted effects are found. The full study (1,000
replications a cell) is benchmarks/bench_calibration.py; its table is in docs/explain.md."""

import io

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from bilateral import BilateralError
from bilateral.cli import app
from bilateral.explain.calibration import BAND, LENGTHS, calibrate

REPS = 60


@pytest.fixture(scope="module")
def study() -> pd.DataFrame:
    shortest = {method: lengths[:1] for method, lengths in LENGTHS.items()}
    return calibrate(REPS, seed=12, lengths=shortest, power=False)


@pytest.mark.parametrize("method", list(LENGTHS))
def test_each_method_keeps_its_false_alarm_in_band_whatever_the_persistence(study, method):
    cells = study[study["method"] == method]
    assert list(cells["phi"]) == [0.0, 0.5, 0.9]
    series = 3 * REPS
    alarms = round(float(cells["false_alarm"].mean()) * series)
    # 180 null series cannot place a rate within ±0.02 (their binomial sd is 0.016), so the suite
    # asks that the count be consistent with a true rate inside the band (one-sided binomial tests
    # at 0.01); the band itself is shown with 1,000 replications a cell (docs/explain.md).
    assert stats.binom.sf(alarms - 1, series, BAND[1]) > 0.01, cells
    assert stats.binom.cdf(alarms, series, BAND[0]) > 0.01, cells
    # the old Newey–West tests reached 0.40–0.97 at φ = 0.9; no cell may come near (0.05 + 4 binomial
    # standard errors at 60 replications is 0.16)
    assert cells["false_alarm"].max() <= 0.16, cells
    assert (cells["mde"] > 0).all()


def test_planted_effects_are_found_where_the_series_is_long_enough():
    found = calibrate(40, seed=3, methods=["period_comparison", "granger", "change_points"],
                      lengths={"period_comparison": (60,), "granger": (120,), "change_points": (120,)},
                      phis=[0.0])
    power = found.set_index("method")["power"]
    assert power["period_comparison"] > 0.15 and power["granger"] > 0.8 and power["change_points"] > 0.9
    assert (found["false_alarm"] < power.to_numpy()).all()


def test_a_cell_gives_the_same_numbers_alone_or_in_the_full_study(study):
    alone = calibrate(REPS, seed=12, methods=["trend"], lengths={"trend": (8,)}, phis=[0.9], power=False)
    full = study[(study["method"] == "trend") & (study["phi"] == 0.9)]
    assert alone["false_alarm"].iloc[0] == full["false_alarm"].iloc[0]


def test_bad_calibration_arguments_name_the_fix():
    with pytest.raises(BilateralError, match="unknown calibration method\\(s\\) tarot: use any of period_comparison"):
        calibrate(5, methods=["tarot"])
    with pytest.raises(BilateralError, match="reps=0: give at least 1"):
        calibrate(0)


def test_cli_calibrate_prints_the_table(monkeypatch):
    result = CliRunner().invoke(app, ["explain", "--calibrate", "--reps", "4", "--method", "decoupling",
                                      "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = pd.read_json(io.StringIO(result.stdout[result.stdout.index("["):]))
    assert list(rows["method"].unique()) == ["decoupling"] and set(rows["n"]) == {20, 60}
    assert set(np.round(rows["phi"], 1)) == {0.0, 0.5, 0.9} and (rows["reps"] == 4).all()
    bad = CliRunner().invoke(app, ["explain", "--calibrate", "--method", "tarot"])
    assert bad.exit_code == 2 and "unknown calibration method" in bad.output
