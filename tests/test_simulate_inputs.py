"""Stakeholder tables: the case, the common CSV format, BDM and KTAB files, and clear errors."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilateral import BilateralError, load_case
from bilateral.simulate import StakeholderError, load_stakeholders, read_stakeholders


def write(tmp_path: Path, text: str, name: str = "actors.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_case_stakeholders_on_the_case_scale():
    sh = load_stakeholders("russia-japan")
    case = load_case("russia-japan")
    assert sh.n == len(case.stakeholders) == 20
    assert sh.scale == (0.0, 100.0) and sh.status_quo == 0.0 and sh.breakthrough == 50.0
    assert sh.position[sh.actor.index("putin")] == 20 and sh.veto[sh.actor.index("rus_duma")]
    assert sh.state[sh.actor.index("CHN")] is None and sh.level[sh.actor.index("abe")] == "international"
    assert "seed000" in sh.frame().attrs["sources"]


def test_ec_example_reads_percent_saliences(shared: Path):
    sh = read_stakeholders(shared / "data/bdm/ExampleActors.csv")
    assert sh.actor[:2] == ("Netherlands", "Belgium")
    # the corrected copy: Netherlands 4 / 80, Belgium 7 / 40 (Bueno de Mesquita 1994, p. 78)
    assert (sh.position[0], sh.salience[0]) == (4.0, 0.8)
    assert (sh.position[1], sh.salience[1]) == (7.0, 0.4)
    assert sh.notes == ("saliences read as percent (divided by 100)",)
    assert not sh.veto.any() and sh.status_quo is None
    np.testing.assert_array_equal(sh.position_low, sh.position)


def test_other_bdm_formats(shared: Path):
    china = read_stakeholders(shared / "data/bdm/ChinaData.csv")
    assert china.n == 24 and china.capability[china.actor.index("USA")] == 70  # "Resources" column
    honduras = read_stakeholders(shared / "data/bdm/HondurasCrisisData.csv", scale=(0, 1))
    assert honduras.n == 5 and honduras.salience.max() == 1.0 and not honduras.notes
    ktab = read_stakeholders(shared / "data/bdm/KTAB_SOE-Policy.csv")
    assert ktab.n == 26 and ktab.actor[0] == "XJ"
    assert (ktab.capability[0], ktab.position[0], ktab.salience[0]) == (100, 30, 0.30)
    assert ktab.lines[0] == 3  # data start on line 3 after KTAB's scenario and header lines


def test_optional_columns(tmp_path: Path):
    path = write(tmp_path, "actor,capability,position,salience,position_low,position_high,veto,level,state\n"
                           "a,1,10,0.5,0,20,true,domestic,RUS\nb,2,80,0.9,,,no,,\n")
    sh = read_stakeholders(path, status_quo=0)
    assert list(sh.veto) == [True, False] and sh.level == ("domestic", "international")
    assert sh.state == ("RUS", None) and sh.position_low[1] == 80 and sh.position_high[0] == 20


@pytest.mark.parametrize(("body", "line", "field", "fix"), [
    ("a,-1,10,0.5\nb,1,20,0.5\n", 2, "capability", "0 or more"),
    ("a,1,10,0.5\nb,1,20,1.5\n", 3, "salience", "shares 0–1"),
    ("a,1,10,0.5\nb,1,120,0.5\n", 3, "position", "--scale LO:HI"),
    ("a,1,10,0.5\na,1,20,0.5\n", 3, "actor", "one row per actor"),
    ("a,1,10,0.5\n", 0, "actor", "at least two"),
    ("a,1,ten,0.5\nb,1,20,0.5\n", 2, "position", "write a number"),
])
def test_bad_rows_name_file_line_field_and_fix(tmp_path: Path, body: str, line: int, field: str, fix: str):
    path = write(tmp_path, "Actor,Capability,Position,Salience\n" + body)
    with pytest.raises(StakeholderError) as err:
        read_stakeholders(path)
    where = f"actors.csv:{line}" if line else "actors.csv"
    assert any(str(p).startswith(f"{where}: {field}:") for p in err.value.problems), str(err.value)
    assert fix in str(err.value)
    assert isinstance(err.value, BilateralError)


def test_missing_columns_are_listed(tmp_path: Path):
    path = write(tmp_path, "Actor,Position\na,1\nb,2\n")
    with pytest.raises(StakeholderError) as err:
        read_stakeholders(path)
    text = str(err.value)
    assert "actors.csv:1: capability: missing column" in text
    assert "actors.csv:1: salience: missing column" in text and "resources" in text


def test_every_problem_reported_at_once(tmp_path: Path):
    path = write(tmp_path, "Actor,Capability,Position,Salience\na,-1,10,0.5\na,1,200,0.5\n")
    with pytest.raises(StakeholderError) as err:
        read_stakeholders(path)
    assert len(err.value.problems) == 3
    assert str(err.value).startswith("3 problems in actors.csv:")


def test_salience_scale_is_explicit_when_asked(tmp_path: Path):
    path = write(tmp_path, "Actor,Capability,Position,Salience\na,1,10,80\nb,1,20,40\n")
    assert read_stakeholders(path).salience.tolist() == [0.8, 0.4]
    with pytest.raises(StakeholderError, match=r"salience 80 is outside 0–1"):
        read_stakeholders(path, salience_scale="unit")
    # a single slip among shares is an error, not a silent switch to percent
    slip = write(tmp_path, "Actor,Capability,Position,Salience\na,1,10,0.8\nb,1,20,0.4\nc,1,5,8\n",
                 "slip.csv")
    with pytest.raises(StakeholderError, match=r"slip\.csv:4: salience"):
        read_stakeholders(slip)


def test_missing_file_and_case_errors(tmp_path: Path):
    with pytest.raises(BilateralError, match="no such stakeholder file"):
        read_stakeholders(tmp_path / "nope.csv")
    with pytest.raises(BilateralError, match="no case 'atlantis'"):
        load_stakeholders("atlantis")


def test_frame_round_trips_through_csv(tmp_path: Path):
    sh = load_stakeholders("russia-japan")
    path = tmp_path / "rj.csv"
    sh.frame().to_csv(path, index=False)
    again = read_stakeholders(path, status_quo=0)
    pd.testing.assert_frame_equal(sh.frame().drop(columns=["state"]), again.frame().drop(columns=["state"]))
