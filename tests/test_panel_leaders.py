"""Leaders merged from the case, Archigos and REIGN; disputes of a pair with their dates."""

from __future__ import annotations

import pandas as pd
import pytest

from bilateral import load_case
from bilateral.measure.leaders import disagreements, leader_by_period, tenures
from bilateral.measure.mids import dyad_disputes


@pytest.fixture(autouse=True)
def data_dir(shared, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))


@pytest.fixture(scope="module")
def case():
    return load_case("russia-japan")


def _row(table: pd.DataFrame, **match) -> pd.Series:
    mask = pd.Series(True, index=table.index)
    for column, value in match.items():
        mask &= table[column] == value
    assert mask.sum() == 1, match
    return table[mask].iloc[0]


def test_the_case_wins_and_other_sources_fill_the_rest(case):
    russia = tenures("RUS", case)
    assert russia[russia["source"] == "case"]["start"].min() == pd.Timestamp("1922-04-03")
    lenin = _row(russia, name="Lenin")
    assert lenin["source"] == "archigos" and lenin["end"] == pd.Timestamp("1922-04-02")  # clipped
    assert pd.isna(russia.iloc[-1]["end"]) and russia.iloc[-1]["ref"] == "putin"  # still in office
    china = tenures("CHN")  # no case: Archigos to 2015, then REIGN to March 2021
    xi = china[china["name"] == "Xi Jinping"]
    assert xi["source"].tolist() == ["archigos", "reign"]
    assert xi["end"].iloc[-1] == pd.Timestamp("2021-03-31")
    assert russia.attrs["sources"] == sorted({"archigos", "reign", *(t.source for t in case.leaders
                                                                      if t.country == "RUS")})
    assert china.attrs["sources"] == ["archigos", "reign"]
    years = pd.period_range("2007", "2013", freq="Y")
    assert leader_by_period(tenures("RUS", case), years).tolist() == [
        "Vladimir Putin", "Dmitry Medvedev", "Dmitry Medvedev", "Dmitry Medvedev", "Dmitry Medvedev",
        "Vladimir Putin", "Vladimir Putin"]


def test_disagreements_with_archigos_and_reign(case):
    russia = disagreements(case, "RUS")
    stalin = _row(russia, source="archigos", case_leader="stalin", kind="start")
    assert (stalin["source_value"], stalin["case_value"], stalin["days"]) == ("1923-03-10", "1922-04-03", 341)
    gorbachev = _row(russia, source="archigos", case_leader="gorbachev", kind="end")
    assert gorbachev["source_value"] == "1991-08-21" and gorbachev["days"] == -126
    assert _row(russia, source="reign", case_leader="gorbachev", kind="end")["source_value"] == "1991-08"
    for source in ("archigos", "reign"):
        medvedev = _row(russia, source=source, kind="only in case", case_leader="medvedev")
        assert medvedev["source_leader"] == "Putin"
        assert _row(russia, source=source, case_leader="putin", kind="start")["days"] == -127
    japan = disagreements(case, "JPN")
    occupation = japan[japan["kind"] == "only in archigos"]["source_leader"].tolist()
    assert occupation == ["Douglas MacArthur", "Matthew Bunker Ridgway", "Mikio Aoki"]
    assert _row(japan, source="archigos", case_leader="yoshida", kind="start")["days"] == 1292
    assert _row(japan, source="reign", case_leader="suga", kind="start")["days"] == -2
    only_case = japan[(japan["source"] == "reign") & (japan["kind"] == "only in case")]["case_leader"]
    assert only_case.tolist() == ["higashikuni", "shidehara", "yoshida", "katayama", "ashida"]
    # REIGN gives the end month only: same month is no disagreement
    assert japan[(japan["source"] == "reign") & (japan["case_leader"] == "kishi")].empty
    assert {"archigos", "reign"} < set(japan.attrs["sources"])


def test_post_war_russia_japan_disputes_with_dates():
    whittled = dyad_disputes("RUS", "JPN", since=1946, whittled=True)
    assert len(whittled) == 24
    assert str(whittled.iloc[0]["start"]) == "1953-10" and whittled.iloc[0]["dispnum"] == 3207
    assert str(whittled.iloc[-1]["start"]) == "2013-02" and whittled.iloc[-1]["last_year"] == 2014
    assert whittled["start"].notna().all() and whittled["first_year"].between(1953, 2013).all()
    first = whittled.iloc[0]
    assert (first["gml_start"], first["gml_end"]) == (pd.Timestamp("1953-10-16"), pd.Timestamp("1954-04-15"))
    assert first["highest_action"] == "Seizure" and first["action_a"] == "Seizure"
    assert whittled["gml_start"].notna().sum() == 21  # GML ends in 2010 and lacks dispute 2882
    mig = whittled[whittled["dispnum"] == 365].iloc[0]  # 1976: Japan holds the defector's MiG-25
    assert mig["action_a"] == "No militarized action" and mig["action_b"] == "Seizure"
    assert whittled["side_a"].value_counts().to_dict() == {"RUS": 23, "JPN": 1}
    assert whittled.attrs["sources"] == ["gibler2016mid", "miller2022peacesciencer", "palmer2022mid5"]
    every = dyad_disputes("RUS", "JPN", since=1946)
    assert len(every) == 28
    extra = every[~every["dispnum"].isin(whittled["dispnum"])]
    assert extra["dispnum"].tolist() == [2873, 1799, 2976, 4475]
    assert set(extra["first_year"]) <= set(whittled["first_year"])  # dropped: a second MID that year
    reverse = dyad_disputes("JPN", "RUS", since=1946, whittled=True)
    assert reverse["dispnum"].tolist() == whittled["dispnum"].tolist()
    assert (reverse["action_b"] == whittled["action_a"]).all()
