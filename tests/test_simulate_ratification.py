"""The two-level game: win-sets, the agreement set, projection, "no ratifiable agreement"."""

import numpy as np
import pytest

from bilateral.simulate import forecast, load_stakeholders, ratification, read_stakeholders
from bilateral.simulate.ratification import agreement_bounds, interval_of, ratify, win_set_bounds


def csv(tmp_path, rows: str, **kw):
    path = tmp_path / "s.csv"
    path.write_text("actor,capability,position,salience,veto,state\n" + rows)
    return read_stakeholders(path, **kw)


def test_russia_japan_win_sets():
    rat = ratification(load_stakeholders("russia-japan"))
    sets = {w.state: w for w in rat.win_sets}
    assert (sets["RUS"].low, sets["RUS"].high) == (0, 10)  # the Duma and the public at 5: 2·5 − 0
    assert sets["RUS"].ratifiers == ("putin", "rus_duma", "rus_public")
    assert sets["RUS"].pivotal == "rus_duma and rus_public"
    assert (sets["JPN"].low, sets["JPN"].high) == (0, 100)  # Abe at 55: 110, cut to the scale
    assert (rat.low, rat.high) == (0, 10) and not rat.empty
    assert rat.project(38.76) == 10 and rat.project(4.0) == 4.0 and rat.project(None) is None
    assert rat.describe().endswith("agreement set Z = [0, 10]")
    assert list(rat.table()["state"]) == ["RUS", "JPN", "agreement set Z"]


def test_every_model_is_reported_bargained_and_ratifiable():
    table = forecast("russia-japan").table().set_index("model")
    assert table.loc["compromise", "ratifiable"] == 10 and not table.loc["compromise", "breakthrough"]
    assert np.isnan(table.loc["nash", "ratifiable"]) or table.loc["nash", "ratifiable"] is None
    assert table.loc["eum", "ratifiable"] == 10.0
    assert "outside Z = [0, 10]: projected" in table.loc["eum", "note"]


def test_win_set_interval_formula():
    low, high = interval_of(np.array([30.0, 70.0]), 50.0, (0, 100))
    assert low.tolist() == [10, 50] and high.tolist() == [50, 90]
    low, high = win_set_bounds(np.array([[60.0, 80.0]]), 20.0, (0, 100))
    assert (low[0], high[0]) == (20, 100)  # 2·60 − 20 = 100, 2·80 − 20 = 140 → cut to 100
    low, high = win_set_bounds(np.zeros((3, 0)), 0.0, (0, 100))
    assert low.tolist() == [0, 0, 0] and high.tolist() == [100, 100, 100]


def test_no_ratifiable_agreement(tmp_path):
    sh = csv(tmp_path, "a,1,10,1,true,AAA\nb,1,80,1,true,BBB\nc,1,40,1,false,AAA\n", status_quo=30)
    rat = ratification(sh)
    assert rat.empty and rat.project(45) is None
    assert rat.describe().startswith("no ratifiable agreement")
    table = forecast(sh, ["compromise"]).table()
    assert table.loc[0, "note"] == "no ratifiable agreement" and table.loc[0, "ratifiable"] is None
    on_q = csv(tmp_path, "a,1,30,1,true,AAA\nb,1,80,1,true,BBB\n", status_quo=30)
    assert ratification(on_q).empty  # a ratifier on the status quo accepts nothing else


def test_no_veto_players_means_no_constraint(shared):
    sh = read_stakeholders(shared / "data/bdm/ExampleActors.csv")
    rat = ratification(sh)
    assert rat.win_sets == [] and (rat.low, rat.high) == (0, 100)
    assert "not modelled" in rat.describe()


def test_schelling_conjecture(tmp_path):
    """A narrower own win-set pulls the ratified outcome toward you."""
    wide = csv(tmp_path, "a,1,40,1,true,AAA\nb,1,90,1,true,BBB\n", status_quo=0)
    narrow = wide.with_values(position=np.array([20.0, 90.0]))
    out_wide = ratification(wide).project(65.0)
    out_narrow = ratification(narrow).project(65.0)
    assert out_narrow < out_wide and out_narrow == 40 and out_wide == 65


def test_ratify_per_run():
    sh = load_stakeholders("russia-japan")
    draws = np.repeat(sh.position[None], 3, 0)
    draws[1, sh.actor.index("rus_duma")] = 20
    draws[1, sh.actor.index("rus_public")] = 15
    draws[2, sh.actor.index("putin")] = 0
    low, high = agreement_bounds(sh, draws)
    assert high.tolist() == [10, 30, 0]
    assert ratify(np.array([38.0, 38.0, 38.0]), low, high)[:2].tolist() == [10, 30]
    assert np.isnan(ratify(np.array([38.0, 38.0, 38.0]), low, high)[2])
    assert np.isnan(ratify(np.array([np.nan]), np.array([0.0]), np.array([10.0])))[0]


def test_veto_player_without_state_is_its_own_group(tmp_path):
    sh = csv(tmp_path, "a,1,40,1,true,\nb,1,90,1,true,BBB\n", status_quo=0)
    assert [w.state for w in ratification(sh).win_sets] == ["a", "BBB"]
    assert ratification(sh).high == pytest.approx(80)
