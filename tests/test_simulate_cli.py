"""``bilateral simulate`` in-process (Typer's CliRunner on the real app)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilateral import BilateralError
from bilateral.cli import app
from bilateral.simulate import run as simulate_run

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["simulate", *args], env={"COLUMNS": "220"})


def test_point_forecasts_and_ratification():
    result = run("russia-japan", "--model", "all", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "compromise" in result.output and "no solution" in result.output
    assert "Ratification: W_RUS = [0, 10]" in result.output
    assert "agreement set Z = [0, 10]" in result.output


def test_monte_carlo_json_is_parseable():
    result = run("russia-japan", "-m", "compromise", "--runs", "200", "--seed", "1", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0]["model"] == "compromise" and rows[0]["runs"] == 200
    assert rows[0]["p_breakthrough"] == 0 and 0 < rows[0]["ci_high"] < 0.02
    again = json.loads(run("russia-japan", "-m", "compromise", "--runs", "200", "--seed", "1",
                           "-f", "json").stdout)
    assert again == rows


def test_breakthrough_sentence_in_the_table_view():
    result = run("russia-japan", "-m", "compromise", "--runs", "100", "--workers", "1")
    assert result.exit_code == 0
    assert "probability of a ratifiable agreement at or above 50 (1956 Joint Declaration formula)" in \
        " ".join(result.output.split())


def test_trace_as_csv_and_plot(tmp_path: Path, shared: Path):
    out, fig = tmp_path / "trace.csv", tmp_path / "trace.html"
    result = run(str(shared / "data/bdm/ExampleActors.csv"), "-m", "eum", "--trace", "-f", "csv",
                 "-o", str(out), "--plot", str(fig))
    assert result.exit_code == 0, result.output
    golden = (Path(__file__).parent / "data" / "eum_ec_trace.csv").read_text().splitlines()
    lines = out.read_text().splitlines()
    assert lines[0] == golden[0] and len(lines) == len(golden)
    assert "plotly" in fig.read_text()[:5000].lower()


def test_csv_input_with_status_quo(shared: Path):
    result = run(str(shared / "data/bdm/ExampleActors.csv"), "-m", "all", "--status-quo", "4",
                 "--scale", "0:10", "-f", "json", "--workers", "1")
    rows = {r["model"]: r for r in json.loads(result.stdout)}
    assert rows["compromise"]["bargained"] == pytest.approx(7.38995568685)
    assert rows["eum"]["bargained"] == 7.0
    assert rows["nash"]["status"] == "no solution"  # Netherlands, Germany… sit on 4


def test_scenarios_table():
    result = run("russia-japan", "-m", "compromise", "-s", "russia_yields_four_islands,fishing_incident",
                 "-f", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("scenario,name,model,bargained,ratifiable")
    assert [line.split(",")[0] for line in lines[1:]] == ["baseline", "russia_yields_four_islands",
                                                          "fishing_incident"]


def error(result) -> str:
    """A user mistake: exit 2 and the message on stderr, without a traceback."""
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, BilateralError) and "Traceback" not in result.output
    return " ".join(result.stderr.split())


def test_mistakes_raise_clear_errors(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Actor,Capability,Position,Salience\na,-2,10,0.5\n")
    message = error(run(str(bad)))
    assert "bad.csv:2: capability: capability -2 is negative" in message
    assert "bad.csv:0" not in message and "two or more" in message
    for args, expected in [(("russia-japan", "-m", "median"), "unknown model 'median'"),
                           (("russia-japan", "-s", "utopia"), "unknown scenario(s) utopia"),
                           ((str(bad).replace("bad", "none"),), "no such stakeholder file"),
                           (("russia-japan", "--scale", "zero"), "--scale 'zero' is not LO:HI"),
                           (("russia-japan", "--salience-scale", "tenths"),
                            "salience_scale='tenths': use one of auto, unit, percent")]:
        assert expected in error(run(*args)), args


def test_plots_of_distributions_and_win_sets(tmp_path: Path):
    dist, wins = tmp_path / "dist.html", tmp_path / "wins.html"
    assert run("russia-japan", "-m", "compromise", "--runs", "50", "--workers", "1", "-f", "csv",
               "-o", str(tmp_path / "t.csv"), "--plot", str(dist)).exit_code == 0
    assert '"type":"violin"' in dist.read_text()
    assert run("russia-japan", "-m", "compromise", "--plot", str(wins)).exit_code == 0
    text = wins.read_text()
    assert '"type":"bar"' in text and "rus_duma" in text and "1956 Joint Declaration" in text


def test_json_rows_are_the_simulation_table():
    rows = json.loads(run("russia-japan", "--runs", "60", "--seed", "2", "-f", "json", "-w", "1").stdout)
    table = simulate_run("russia-japan", runs=60, rng=2, workers=1).table()
    assert [r["model"] for r in rows] == list(table["model"])
    for row, expected in zip(rows, table.to_dict("records"), strict=True):
        assert row["bargained_p50"] == pytest.approx(expected["bargained_p50"])
        assert row["ci_high"] == pytest.approx(expected["ci_high"]) and row["p_breakthrough"] == 0


def test_max_rounds_and_tolerance_reach_the_models(tmp_path: Path):
    out = tmp_path / "trace.csv"
    result = run("russia-japan", "-m", "compromise", "--trace", "--max-rounds", "5", "-f", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 1 + 6  # header, round 0 and five rounds
    rows = json.loads(run("russia-japan", "-m", "smp", "--max-rounds", "3", "-f", "json").stdout)
    assert rows[0]["rounds"] == 3 and rows[0]["status"] == "not converged"
    rows = json.loads(run("russia-japan", "-m", "eum", "--tolerance", "0.5", "-f", "json").stdout)
    assert rows[0]["rounds"] < 59  # a looser tolerance stops sooner than the default's 59 rounds


def test_bad_seed_and_too_many_runs_exit_2(shared: Path):
    assert "Invalid value for '--seed': Input should be greater than or equal to 0" in error(
        run("russia-japan", "--seed", "-1"))
    assert "Invalid value for '--runs' / '-n': Input should be less than or equal to 1000000" in error(
        run("russia-japan", "--runs", "2000000"))
    assert "scenarios need a case" in error(run(str(shared / "data/bdm/ExampleActors.csv"), "-s", "all"))
