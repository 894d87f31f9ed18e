"""The dynamics result (analysis layer), its report section and `bilateral dynamics`."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bilateral import load_case
from bilateral.analysis.dynamics import DynamicsResult, dynamics
from bilateral.cli.dynamics import dynamics as dynamics_command
from bilateral.report.writer import _environment, dynamics_context

RULE = ("no ratifiable agreement above 40 is possible while rus_duma's and rus_public's positions "
        "stay ≤ 20")


def index_series() -> pd.Series:
    """A yearly index 1956–2019 with a step in 1991 and AR(1) noise."""
    g = np.random.default_rng(3)
    idx = pd.period_range("1956", "2019", freq="Y")
    u = np.zeros(len(idx))
    for k in range(1, len(idx)):
        u[k] = 0.4 * u[k - 1] + g.normal(0, 0.05)
    s = pd.Series(0.4 + 0.25 * (idx >= pd.Period("1991", "Y")) + u, index=idx, name="unga.agreement")
    s.attrs["sources"] = ["voeten2009"]
    return s


@pytest.fixture(scope="module")
def result() -> DynamicsResult:
    case = load_case("russia-japan")
    sd = pd.Series(0.02, index=index_series().index)
    best = pd.DataFrame([{"kind": "period", "id": "yeltsin_era", "start": "1992", "end": "1999", "periods": 8,
                          "mean": 1.25, "low": 1.14, "high": 1.36, "p_best": 0.99},
                         {"kind": "period", "id": "cold_war", "start": "1956", "end": "1985", "periods": 30,
                          "mean": -0.5, "low": -0.7, "high": -0.3, "p_best": 0.01}])
    return dynamics(case, index_series(), sd=sd, best=best, paths=150, rng=1, models=["compromise", "smp"],
                    scenarios=["baseline", "thaw"], origins=[2009, 2014], backtest_paths=300)


def test_result_protocol(result):
    table = result.table()
    assert list(table["scenario"].unique()) == ["baseline", "thaw"] and set(table["model"]) == {"compromise", "smp"}
    assert (table["year"] == 2035).all() and set(table["basis"]) == {"Monte Carlo"}
    assert {"seed000", "seed003", "voeten2009"} <= set(table.attrs["sources"])
    s = result.summary()
    json.dumps(s)
    assert s["static_p_breakthrough"] == 0.0 and s["static_rule"].startswith(RULE)
    assert s["coupled_rule"].startswith("not fixed by the inputs: every veto player can reach 25")
    assert s["start"] == "1956" and s["end"] == "2019"
    assert s["best_period"] == {"period": "yeltsin_era", "start": "1992", "end": "1999", "p_best": 0.99}
    assert s["shocks"] == ["end_of_cold_war", "putin_takes_office", "triple_disaster", "crimea_sanctions",
                           "nagato_summit"]
    assert abs(result.fit.params["effect.end_of_cold_war"] - 0.25) < 0.06
    assert set(result.figures()) == {"dynamics_index", "dynamics_shocks", "dynamics_fan", "dynamics_breakthrough"}
    assert list(result.backtest["method"]) == ["dynamic", "persistence", "mean"]
    assert result.backtest["forecasts"].tolist() == [10, 10, 10]
    # the band given enters as measurement variance and is drawn
    assert result.index["high"].sub(result.index["low"]).round(4).eq(round(2 * 1.6449 * 0.02, 4)).all()
    by_year = result.by_year_table()
    assert by_year.groupby(["scenario", "model"]).size().eq(20).all()


def test_no_index_is_unavailable_with_the_reason():
    res = dynamics(load_case("russia-japan"), None, reason="no UN votes: run `bilateral data pull unvotes`")
    assert not res.available and "data pull unvotes" in res.reason
    assert res.table().empty and res.figures() == {}


def test_report_section_renders_the_rule_the_take_and_the_scenarios(result):
    env = _environment()
    html = env.get_template("dynamics.html.j2").render(dynamics=dynamics_context(SimpleNamespace(dynamics=result)))
    assert "Relations over time" in html and RULE.replace("'", "&#39;") in html
    assert "Rapport, sanctions lifted and a popular Kremlin" in html and "Monte Carlo" in html
    assert "putin, rus_duma, rus_public" in html and "+5, +20, +20" not in html  # smp needs more than eum
    assert html.count("<tr>") > 20
    assert "The best period was <b>yeltsin_era</b> (1992–1999)" in html and "99.0%" in html
    empty = env.get_template("dynamics.html.j2").render(dynamics={"available": False, "reason": "no data"})
    assert "Not available: no data" in empty


def test_cli_prints_the_fit_and_the_bounds(monkeypatch):
    from bilateral.analysis import Analysis

    frame = index_series().to_frame()
    monkeypatch.setattr(Analysis, "panel", lambda self, freq="Y": frame)
    app = typer.Typer()
    app.command()(dynamics_command)
    runner = CliRunner()
    out = runner.invoke(app, ["--index", "unga.agreement", "--show", "fit", "--show", "bounds"],
                        env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "effect.end_of_cold_war" in out.output and "What it would take" in out.output
    assert "rus_duma" in out.output and "0 by construction" in out.output
    assert "With the couplings of dynamics.yaml: not fixed by the inputs" in out.output
    csv = runner.invoke(app, ["--index", "unga.agreement", "--show", "forecast", "--format", "csv"])
    assert csv.exit_code == 0 and csv.output.splitlines()[0].startswith("period,median,low_0.5")
    assert len(csv.output.splitlines()) == 21
    bad = runner.invoke(app, ["--index", "unga.agreement", "--output", "x.csv"])
    assert bad.exit_code != 0 and "single --show" in str(bad.exception) + bad.output
    missing = runner.invoke(app, ["--index", "trade.total", "--show", "fit"])
    assert missing.exit_code != 0 and "not in the yearly panel" in str(missing.exception) + missing.output
