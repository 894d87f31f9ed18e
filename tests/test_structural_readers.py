"""Readers of the long-run datasets, on the real files in ../shared/data."""

from __future__ import annotations

import pandas as pd
import pytest

from bilateral.data import structural as s
from bilateral.data.structural.states import cow_codes, iso3_to_cow


@pytest.fixture(autouse=True)
def data_dir(shared, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))


def test_un_votes_russia_and_japan():
    votes = s.read_un_votes()
    calls = s.read_roll_calls()
    assert (votes["iso3"] == "RUS").sum() == 6145  # the USSR and Russia, coded RU throughout
    japan = votes[votes["iso3"] == "JPN"].merge(calls, on="rcid")
    assert japan["date"].min().year == 1957 and japan["session"].min() == 11
    assert calls["date"].min() == pd.Timestamp("1946-01-01")
    assert calls["date"].max() == pd.Timestamp("2020-01-14")
    assert (calls["year"] == calls["session"] + 1945).all()
    assert not votes.dropna(subset=["iso3"]).duplicated(["rcid", "iso3"]).any()
    assert set(votes["vote"].cat.categories) == {"yes", "abstain", "no"}
    # members without a modern ISO3 code keep their name and no code
    assert {"Yugoslavia", "German Democratic Republic"} <= set(votes.loc[votes["iso3"].isna(), "country"])
    issues = s.read_roll_call_issues()
    assert set(issues["issue_code"]) == {"me", "nu", "di", "hr", "co", "ec"}


def test_ideal_points_cover_russia_and_japan():
    points = s.read_ideal_points()
    russia, japan = (points[points["iso3"] == c] for c in ("RUS", "JPN"))
    assert (russia["session"].min(), russia["session"].max()) == (1, 78)
    assert (japan["session"].min(), japan["session"].max()) == (11, 78)
    assert (japan["year"].min(), japan["year"].max()) == (1956, 2023)
    agreement = s.read_ideal_point_agreement()
    assert set(agreement["partner"]) == {"USA", "RUS", "BRA", "CHN", "IND", "ISR"}
    row = agreement[(agreement["iso3"] == "JPN") & (agreement["partner"] == "RUS")
                    & (agreement["year"] == 1957)]
    assert row["agreement"].item() == pytest.approx(12 / 34, abs=1e-7)


def test_cow_codes_come_from_the_state_list():
    table = cow_codes()
    assert [table[c] for c in (365, 740, 710, 2, 732, 731)] == ["RUS", "JPN", "CHN", "USA", "KOR", "PRK"]
    assert table[260] == "DEU" and table[255] == "DEU"  # West Germany, then Germany: never at once
    assert table[817] is None and table[816] == "VNM"  # two Vietnams coexisted
    assert table[678] == "YEM" and table[680] is None
    assert table[345] is None and table[300] is None  # Yugoslavia, Austria-Hungary
    assert sorted(iso3_to_cow("DEU")) == [255, 260]


def test_cow_trade_russia_japan():
    trade = s.read_cow_trade()
    pair = trade[(trade["ccode1"] == 365) & (trade["ccode2"] == 740)]
    assert (pair["year"].min(), pair["year"].max()) == (1887, 2014)
    assert pair.loc[pair["year"] > 1945, "year"].min() == 1952
    row = pair[pair["year"] == 2014].iloc[0]
    assert (row["iso3_1"], row["iso3_2"], row["flow1"], row["flow2"]) == ("RUS", "JPN", 10925.0, 24733.0)


def test_mid_files():
    years = s.read_mid_dyad_years()
    pair = years[(years["iso3_1"] == "RUS") & (years["iso3_2"] == "JPN") & (years["year"] > 1945)]
    assert pair["dispnum"].nunique() == 24
    assert not years.duplicated(["ccode1", "ccode2", "year"]).any()  # whittled: one per dyad-year
    every = s.read_mid_dispute_dyads()
    pair_all = every[(every["iso3_1"] == "RUS") & (every["iso3_2"] == "JPN") & (every["year"] > 1945)]
    assert pair_all["dispnum"].nunique() == 28
    disputes = s.read_mid_disputes().set_index("dispnum")
    assert str(disputes.loc[3207, "start"]) == "1953-10"
    assert disputes.loc[3207, "highest_action"] == "Seizure"
    gml = s.read_gml_participants()
    japan = gml[(gml["dispnum"] == 3207) & (gml["iso3"] == "JPN")].iloc[0]
    assert japan["start"] == pd.Timestamp("1953-10-16") and japan["end"] == pd.Timestamp("1954-04-15")


def test_alliances_rivalries_igos_capabilities():
    atop = s.read_atop_alliances()
    pact = atop[(atop["iso3_1"] == "RUS") & (atop["iso3_2"] == "JPN") & (atop["nonaggression"] == 1)]
    assert (pact["year"].min(), pact["year"].max()) == (2004, 2018)
    us = atop[(atop["iso3_1"] == "USA") & (atop["iso3_2"] == "JPN") & (atop["year"] == 2000)]
    japan = atop[(atop["iso3_1"] == "JPN") & (atop["iso3_2"] == "USA") & (atop["year"] == 2000)]
    assert us["defense"].item() == 1 and japan["defense"].item() == 0  # ATOP is directed
    assert s.read_cow_alliances()["year"].max() == 2012
    rivals = s.read_td_rivalries()
    pair = rivals[(rivals["iso3_1"] == "RUS") & (rivals["iso3_2"] == "JPN")].iloc[0]
    assert (pair["start"], pair["end"], pair["types"]) == (1894, 1945, "positional, spatial")
    igo = s.read_igo_dyads()
    pair = igo[(igo["iso3_1"] == "RUS") & (igo["iso3_2"] == "JPN") & (igo["year"] == 2014)]
    assert pair["joint_igos"].item() == 56
    nmc = s.read_nmc()
    russia = nmc[(nmc["iso3"] == "RUS") & (nmc["year"] == 1946)]
    assert russia["cinc"].item() == pytest.approx(0.122541, abs=1e-6)


def test_leader_lists():
    archigos = s.read_archigos()
    putin = archigos[archigos["obsid"] == "RUS-2000"].iloc[0]
    assert putin["start"] == pd.Timestamp("2000-01-01") and pd.isna(putin["end"])  # still in office
    assert archigos["start"].max() <= pd.Timestamp("2015-12-31")
    reign = s.read_reign_leaders()
    russia = reign[reign["iso3"] == "RUS"]
    assert "Medvedev" not in " ".join(russia["leader"])
    assert russia[russia["leader"] == "Putin"]["open"].item()
    japan = reign[reign["iso3"] == "JPN"].sort_values("start")
    assert japan.iloc[-1]["leader"] == "Yoshihide Suga"
    assert japan.iloc[-1]["start"] == pd.Timestamp("2020-09-14")
    assert str(japan[japan["leader"] == "Kishi"]["end_month"].item()) == "1960-07"


def test_jiji_poll_facts():
    views = s.read_jiji_country_opinion().set_index(["month", "iso3"])
    assert views.loc[(pd.Period("1987-11", "M"), "RUS"), "dislike"] == 50.1
    assert views.loc[(pd.Period("2013-11", "M"), "RUS"), "dislike"] == 11.0
    polls = s.read_jiji_polls()
    assert len(polls) == 329
    assert (str(polls.index[0]), str(polls.index[-1])) == ("1987-11", "2015-03")
    first = polls.iloc[0]
    assert (first["sample"], first["respondents"], first["response_rate"]) == (2000, 1489, 74.5)
    assert first["fieldwork_start"] == pd.Timestamp("1987-11-07")


# Annual average yen per US dollar (IMF), to check the yen file against COW's dollar flows.
YEN_PER_DOLLAR = {2000: 107.77, 2014: 105.94}


def test_japan_monthly_trade_is_thousand_yen_and_agrees_with_cow():
    monthly = s.read_japan_monthly_trade()
    russia = monthly[monthly["partner"] == "RUS"].set_index("month")
    assert len(russia) == 329 and russia[["exports", "imports"]].notna().all().all()
    expected = pd.period_range("1987-11", "2015-03", freq="M")
    assert russia.index.equals(expected)  # every month, no gaps
    cow = s.read_cow_trade()
    pair = cow[(cow["ccode1"] == 365) & (cow["ccode2"] == 740)].set_index("year")
    for year, rate in YEN_PER_DOLLAR.items():
        yen = russia[russia.index.year == year]["imports"].sum() * 1000  # Japan's imports from Russia
        dollars = pair.loc[year, "flow2"] * 1e6  # COW: Japan's imports from Russia, US$ millions
        assert yen / dollars == pytest.approx(rate, rel=0.015)


def test_gdelt_graph_monthly_sums():
    codes = s.read_country_codes()
    assert len(codes) == 249 and codes.index("RUS") == 183 and codes.index("JPN") == 112
    daily = s.read_gdelt_graph([("RUS", "JPN"), ("JPN", "RUS")])
    forward = daily[daily["iso3_1"] == "RUS"].set_index("date")["score"]
    backward = daily[daily["iso3_1"] == "JPN"].set_index("date")["score"]
    assert len(forward) == 2149
    assert (forward == backward).all()  # undirected
    monthly = forward.groupby(forward.index.to_period("M")).sum()
    assert round(monthly["2019-01"]) == 4581
    assert round(monthly["2022-02"]) == -1456


def test_parsed_r_files_are_kept_on_disk(shared, tmp_path, monkeypatch):
    """A file parsed once is read back from parquet by a later process (a cleared in-process
    cache here) without pyreadr, equal to the parse; what parquet cannot store is not kept."""
    import pyreadr

    from bilateral.data.structural import files

    monkeypatch.setattr(files, "user_cache_path", lambda name: tmp_path / name)
    file = shared / "data" / "peacesciencer" / "cow_majors.rda"
    rows = len(pyreadr.read_r(file)["cow_majors"])
    files._read_rda.cache_clear()
    parsed = files.read_rda(file, "cow_majors", ["ccode", "styear", "endyear"])
    assert len(list((tmp_path / "bilateral" / "rda").glob("*.json"))) == 1

    def no_parse(path):
        raise AssertionError(f"{path} parsed again")

    monkeypatch.setattr(pyreadr, "read_r", no_parse)
    files._read_rda.cache_clear()
    again = files.read_rda(file, "cow_majors", ["ccode", "styear", "endyear"])
    pd.testing.assert_frame_equal(again, parsed)
    assert len(again) == rows
    # a column of mixed text and numbers cannot be stored as parquet: nothing is kept
    manifest = tmp_path / "other.json"
    files._keep_parsed(manifest, {"x": pd.DataFrame({"mixed": ["a", 1.5]})})
    assert not manifest.exists() and files._load_parsed(manifest) is None
    files._read_rda.cache_clear()


def test_gdelt_pair_scores_are_kept_on_disk(shared, tmp_path, monkeypatch):
    """The daily matrices are unzipped once: a later process gets the same scores from disk."""
    from datetime import date

    from bilateral.data.structural import files, gdelt_graph

    monkeypatch.setattr(files, "user_cache_path", lambda name: tmp_path / name)
    first = s.read_gdelt_graph([("RUS", "JPN")], date(2019, 1, 1), date(2019, 12, 31))
    gdelt_graph._scores.cache_clear()

    def no_unzip(file, size):
        raise AssertionError(f"{file} unzipped again")

    monkeypatch.setattr(gdelt_graph, "read_matrix", no_unzip)
    again = s.read_gdelt_graph([("RUS", "JPN")], date(2019, 1, 1), date(2019, 12, 31))
    pd.testing.assert_frame_equal(again, first)
    assert len(first) > 300 and first["date"].dt.year.eq(2019).all()
    with pytest.raises(AssertionError, match="unzipped again"):  # other pairs are not in the kept table
        s.read_gdelt_graph([("RUS", "CHN")], date(2019, 1, 1), date(2019, 12, 31))
    gdelt_graph._scores.cache_clear()
