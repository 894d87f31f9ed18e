"""All-pairs panels: counts against peacesciencer's own dyad-year files, spot values of the steps."""

from __future__ import annotations

import math

import pandas as pd
import pyreadr
import pytest
from typer.testing import CliRunner

import bilateral
from bilateral.measure import builders
from bilateral.measure.dyadyears import NotApplicable, dyadyears, leaderyears, stateyears
from bilateral.measure.yearsteps import STEPS, haversine
from bilateral.registry import series as registry


@pytest.fixture(autouse=True)
def data_dir(shared, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))


@pytest.fixture(scope="module")
def cow(shared) -> pd.DataFrame:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA", str(shared / "data"))
        return dyadyears(years=range(1816, 2025)).to_pandas()


@pytest.fixture(scope="module")
def japan(shared) -> pd.DataFrame:
    """Every step on the dyad-years of Japan with Russia, China, the US and South Korea."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA", str(shared / "data"))
        pairs = [("RUS", "JPN"), ("JPN", "RUS"), ("USA", "JPN"), ("JPN", "USA"), ("JPN", "CHN"), ("RUS", "CHN"),
                 ("USA", "CAN"), ("JPN", "KOR"), ("FRA", "ITA")]
        frame = dyadyears(years=range(1816, 2021)).filter_pairs(pairs).add(all).to_pandas()
        return frame.set_index(["iso3_1", "iso3_2", "year"]).sort_index()


def _ps(shared, name: str) -> pd.DataFrame:
    return pyreadr.read_r(shared / "data" / "peacesciencer" / f"{name}.rda")[name]


def test_cow_dyad_years_are_peacesciencers(cow, shared):
    """The frame built from the COW state list is peacesciencer's cow_ddy, row for row."""
    ps = _ps(shared, "cow_ddy").astype({"ccode1": int, "ccode2": int})
    assert len(cow) == len(ps) == 2_214_930
    merged = cow.merge(ps, on=["ccode1", "ccode2", "year"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    per_year = cow.groupby("year").size()
    # n(n − 1) directed dyads of n states: 23 in 1816, 195 from 2011
    assert per_year[1816] == 23 * 22 == 506
    assert per_year[1946] == 4290 and per_year[2016] == 195 * 194 == 37_830 and per_year[2024] == 37_830
    assert not ((cow["ccode1"] == 255) & (cow["ccode2"] == 210) & (cow["year"] == 1945)).any()  # a false dyad


def test_gw_dyad_years_match_peacesciencer_without_microstates(shared):
    frame = dyadyears("gw", years=range(1816, 2021)).to_pandas()
    ps = _ps(shared, "gw_ddy")
    ps = ps[(ps["microstate1"] == 0) & (ps["microstate2"] == 0) & (ps["year"] <= 2020)]
    assert frame.groupby("year").size().equals(ps.groupby("year").size().astype("int64"))
    # 45 non-micro states in 1816 (49 with microstates: 2,352 dyads in gw_ddy), 174 in 2017 (197)
    assert frame.groupby("year").size()[1816] == 45 * 44 and frame.groupby("year").size()[2017] == 174 * 173


def test_undirected_and_state_years():
    undirected = dyadyears(directed=False, years=range(2016, 2017)).to_pandas()
    assert len(undirected) == 195 * 194 // 2 and (undirected["ccode1"] < undirected["ccode2"]).all()
    states = stateyears(years=range(1816, 2021)).to_pandas()
    counts = states.groupby("year").size()
    assert counts[1816] == 23 and counts[2016] == 195 and counts[2020] == 195
    gw = stateyears("gw", years=range(2017, 2018)).to_pandas()
    assert len(gw) == 174 and set(gw.columns) == {"gwcode", "year", "iso3"}


def test_spot_values_of_the_dyadic_steps(japan):
    rus_jpn = japan.loc[("RUS", "JPN")]
    assert rus_jpn.loc[2000, "contiguity.type"] == 2  # across La Pérouse / Soya strait
    assert japan.loc[("USA", "CAN", 1950), "contiguity.type"] == 1
    assert japan.loc[("JPN", "USA", 1960), "contiguity.type"] == 0
    assert ("JPN", "USA", 1950) not in japan.index  # Japan is not a COW member under occupation
    assert math.isnan(japan.loc[("JPN", "USA", 2020), "contiguity.type"])  # after COW's 2016 coverage
    moscow, tokyo = (55.7558, 37.6173), (35.6895, 139.6917)
    assert rus_jpn.loc[2000, "distance.capitals"] == pytest.approx(haversine(*moscow, *tokyo), rel=2e-3)
    assert 7400 < rus_jpn.loc[2000, "distance.capitals"] < 7550
    assert rus_jpn.loc[[1904, 1905, 1939, 1945], "war.ongoing"].tolist() == [1, 1, 1, 1]
    assert rus_jpn.loc[[1903, 1906, 1960], "war.ongoing"].tolist() == [0, 0, 0]
    assert japan.loc[("USA", "JPN", 2000), "alliance.defense"] == 1
    assert japan.loc[("USA", "JPN", 2000), "atop.defense"] == 1
    assert rus_jpn.loc[1944, "atop.neutrality"] == 1 and rus_jpn.loc[1944, "alliance.neutrality"] == 1  # 1941 pact
    assert rus_jpn.loc[1916, "alliance.defense"] == 1 and rus_jpn.loc[1920, "alliance.defense"] == 0
    assert rus_jpn.loc[2010, "atop.nonaggression"] == 1 and math.isnan(rus_jpn.loc[2015, "alliance.defense"])
    assert rus_jpn.loc[1900, "rivalry.strategic"] == 1 and rus_jpn.loc[1990, "rivalry.strategic"] == 0
    assert japan.loc[("JPN", "RUS", 2000), "trade.exports"] == rus_jpn.loc[2000, "trade.imports"]


def test_state_steps_come_twice_in_dyad_years(japan):
    row = japan.loc[("RUS", "JPN", 2000)]
    assert row["democracy.polity2_a"] == 6 and row["democracy.polity2_b"] == 10
    assert row["major.cow_a"] == 1 and row["major.cow_b"] == 1
    assert japan.loc[("USA", "JPN", 1897), "major.cow_a"] == 0  # the US is a major power from 1898
    assert japan.loc[("USA", "JPN", 1898), "major.cow_a"] == 1
    assert row["nmc.cinc_a"] == pytest.approx(0.051421, abs=1e-6)
    # UCDP is G–W coded: joined through the crosswalk; Russia in Chechnya in 2000
    assert row["ucdp.conflicts_a"] >= 1 and row["ucdp.conflicts_b"] == 0


def test_whittled_mids_are_peacesciencers(japan, shared):
    """add_cow_mids()/add_gml_mids(): one dispute per dyad-year, as peacesciencer's files have them."""
    cow, gml = _ps(shared, "cow_mid_ddydisps"), _ps(shared, "gml_mid_ddydisps")
    assert len(cow) == 10_234 and len(gml) == 9_284  # the help pages' "10234 observations", "9,284"
    # add_cow_mids()' help page: France and Italy had three dispute onsets in 1860 (MID 112, 113, 306);
    # the whittled step keeps one, the collapsed step counts all three
    row = japan.loc[("FRA", "ITA", 1860)]
    assert row["cow_mid.onset"] == 1 and row["cow_mid.dispnum"] in {112, 113, 306} and row["mid.onsets"] == 3
    mine = japan.reset_index().set_index(["ccode1", "ccode2", "year"])
    for raw, family, last in ((cow, "cow_mid", 2014), (gml, "gml_mid", 2010)):
        raw = raw.astype({"ccode1": int, "ccode2": int, "year": int}).set_index(["ccode1", "ccode2", "year"])
        listed = mine.index.intersection(raw.index)
        assert len(listed) > 100
        for column, source in (("dispnum", "dispnum"), ("hostility", "hostlev"), ("action_a", "hiact1"),
                               ("onset", f"{family[:3]}midonset")):
            assert (mine.loc[listed, f"{family}.{column}"] == raw.loc[listed, source]).all(), column
        rest = mine.drop(listed)
        inside = rest.index.get_level_values("year") <= last
        assert (rest.loc[inside, f"{family}.ongoing"] == 0).all() and rest[f"{family}.dispnum"].isna().all()
        assert rest.loc[~inside, f"{family}.ongoing"].isna().all()
    assert japan.loc[("RUS", "JPN", 1939), "cow_mid.hostility"] == 5  # Khalkhin Gol, a war (hostility 5)


def test_leader_year_disputes(shared):
    """gml_leader_mids counted from gml_mid_dirleaderdisps another way: with plain Python sets."""
    leaders = leaderyears(years=range(1990, 2016)).add("gml_leader_mids").to_pandas().set_index(["obsid", "year"])
    raw = _ps(shared, "gml_mid_dirleaderdisps")
    assert len(raw) == 11_686  # the help page's "11,686 observations"
    for obsid, year in (("USA-2001", 2003), ("JPN-2006", 2007), ("RUS-2000", 2001)):
        rows = raw[(raw["obsid1"] == obsid) & (raw["year"] == year)]
        onsets = {d for d, o in zip(rows["dispnum"], rows["gmlmidonset"], strict=True) if o == 1}
        began = {d for d, o, s, g, first in zip(rows["dispnum"], rows["gmlmidonset"], rows["sidea1"],
                                                rows["orig1"], rows["obsid_start1"], strict=True)
                 if o == s == g == 1 and first == obsid}
        assert leaders.loc[(obsid, year), "gml_leader.onsets"] == len(onsets)
        assert leaders.loc[(obsid, year), "gml_leader.initiated"] == len(began)
        assert leaders.loc[(obsid, year), "gml_leader.ongoing"] == (1 if len(rows) else 0)
    assert math.isnan(leaders.loc[("USA-2009", 2012), "gml_leader.onsets"])  # GML ends in 2010


def test_all_pairs_steps_agree_with_the_dyad_panel(japan):
    """The dyad panel's own builders (an independent path) give the same RUS–JPN values."""
    index = pd.period_range("1950", "2014", freq="Y")
    rus_jpn = japan.loc[("RUS", "JPN")].reindex(range(1950, 2015))
    for step in ("mids", "trade", "alliances", "igo"):
        own = getattr(builders, step)("RUS", "JPN", index)
        for column in own:
            assert list(own[column].fillna(-1)) == list(rus_jpn[column].astype(float).fillna(-1)), column


def test_the_built_columns_are_the_expressions(shared):
    """to_pandas (one query per step, values written into their rows) gives what the single Ibis
    expression of left joins gives, for every step, crosswalked G–W steps and fills included;
    keys are 16-bit, 0/1 and count columns 32-bit, continuous ones 64-bit (exactness: the
    test below compares values with the dyad panel's float64 builders)."""
    pairs = [("RUS", "JPN"), ("JPN", "CHN"), ("USA", "CAN"), ("IND", "PAK")]
    d = dyadyears(years=range(1900, 2021)).filter_pairs(pairs).add(all)
    fast = d.to_pandas()
    slow = d.expr.order_by(list(d.keys)).to_pandas()
    assert len(fast) == len(slow) > 300
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False, check_categorical=False)
    assert fast["ccode1"].dtype == "int16" and fast["iso3_1"].dtype == "category"
    assert fast["mid.ongoing"].dtype == "float32" and fast["democracy.polity2_a"].dtype == "float32"
    assert fast["distance.capitals"].dtype == "float64" and fast["nmc.cinc_a"].dtype == "float64"


def test_every_step_is_in_the_registry_and_cited():
    for name, spec in STEPS.items():
        assert spec.columns, name
        for column in spec.columns:  # state and leader columns are described by their …_a row
            row = registry.spec(column if spec.level == "dyad" else f"{column}_a")
            assert row.citation and row.step == name, column
    d = dyadyears(years=range(2000, 2001)).add("contiguity", "democracy")
    keys = d.sources
    assert {"stinnett2002contiguity", "marshall2017polity", "cow2017states", "miller2022peacesciencer"} <= set(keys)
    assert "@article{stinnett2002contiguity," in d.cite()


def test_leader_years():
    leaders = leaderyears(years=range(1816, 2016)).add("lead", "lwuf", "democracy").to_pandas()
    japan_2010 = leaders[(leaders["iso3"] == "JPN") & (leaders["year"] == 2010)]
    assert set(japan_2010["leader"]) == {"Hatoyama Yukio", "Naoto Kan"}  # Kan from June 2010
    abe = leaders[leaders["obsid"] == "JPN-2006"].set_index("year")
    assert abe.loc[2007, "years_in_office"] == 2 and abe.loc[2007, "age"] == 53
    assert abe.loc[2007, "democracy.polity2"] == 10
    assert "lead.milservice" in leaders and "lwuf.theta1_mean" in leaders


def test_mistakes_and_skips():
    with pytest.raises(bilateral.BilateralError, match=r"system='wto'.*'cow'"):
        dyadyears(system="wto")
    with pytest.raises(bilateral.BilateralError, match="consecutive"):
        dyadyears(years=[1900, 1950])
    with pytest.raises(bilateral.BilateralError, match=r"unknown step.*weather"):
        stateyears().add("weather")
    with pytest.raises(NotApplicable, match="contiguity is dyadic: use dyadyears"):
        stateyears(years=range(2000, 2001)).add("contiguity")
    states = stateyears(years=range(2000, 2001)).add(all)
    assert "contiguity" in states.skipped and "democracy" in states.steps


def test_cli_all_pairs_and_dyads(tmp_path, shared):
    from bilateral.cli import app

    runner = CliRunner()
    out = tmp_path / "states.dta"
    result = runner.invoke(app, ["panel", "--all-pairs", "--unit", "state", "--from", "2000", "--to", "2001",
                                 "--add", "democracy,majors", "--format", "dta", "--output", str(out)])
    assert result.exit_code == 0, result.output
    stata = pd.read_stata(out)
    assert stata.groupby("year").size().to_dict() == {2000: 191, 2001: 191}
    assert {"democracy_polity2", "major_cow"} <= set(stata.columns)
    assert stata.set_index(["iso3", "year"]).loc[("JPN", 2000), "democracy_polity2"] == 10
    rds = tmp_path / "dyads.rds"
    result = runner.invoke(app, ["panel", "--dyads", "RUS-JPN,RUS-CHN,JPN-KOR", "--from", "1990", "--to", "1999",
                                 "--add", "contiguity,unga", "--format", "rds", "--output", str(rds)])
    assert result.exit_code == 0, result.output
    back = pyreadr.read_r(rds)[None]
    assert back.groupby("dyad").size().to_dict() == {"JPN-KOR": 10, "RUS-CHN": 10, "RUS-JPN": 10}
    assert back.loc[back["dyad"] == "RUS-CHN", "contiguity.type"].eq(1).all()
    bad = runner.invoke(app, ["panel", "--dyads", "RUSJPN"])
    assert bad.exit_code == 2 and "not of the form A-B" in bad.output
    bad = runner.invoke(app, ["panel", "RUS", "JPN", "--format", "xlsx"])
    assert bad.exit_code == 2 and "--format 'xlsx'" in bad.output
