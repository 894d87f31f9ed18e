"""UN vote agreement computed from the roll calls, checked against the ideal-point file."""

from __future__ import annotations

import numpy as np
import pytest

from bilateral import BilateralError
from bilateral.data.structural import read_ideal_point_agreement, read_ideal_points, read_un_votes
from bilateral.measure.unga import agreement, ideal_point_distance

# UN years whose agreement both the roll calls and the file give exactly: identical votes / joint votes
EXACT = {1957: (12, 34), 1958: (13, 33), 1959: (24, 54), 2013: (36, 64), 2018: (51, 95)}


@pytest.fixture(autouse=True)
def data_dir(shared, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))


@pytest.fixture(scope="module")
def compared(shared):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA", str(shared / "data"))
        ours = agreement("RUS", "JPN").loc[1957:2019]
        file = read_ideal_point_agreement()
    theirs = file[(file["iso3"] == "JPN") & (file["partner"] == "RUS")].set_index("year")["agreement"]
    return ours.join(theirs.rename("file"), how="inner")


def test_russia_japan_agreement_tracks_the_ideal_point_file(compared):
    # every UN year 1957-2019 with votes in both: all but 1964, when the Assembly held one roll call
    assert len(compared) == 62 and 1964 not in compared.index
    correlation = np.corrcoef(compared["agreement"], compared["file"])[0, 1]
    assert correlation == pytest.approx(0.986, abs=0.001)
    assert (compared["agreement"] - compared["file"]).abs().max() < 0.075
    exact = (compared["agreement"] - compared["file"]).abs() < 1e-6
    assert exact.sum() == 24


@pytest.mark.parametrize("year", sorted(EXACT))
def test_exact_years(compared, year):
    same, total = EXACT[year]
    assert compared.loc[year, "votes"] == total and compared.loc[year, "agree"] == same
    assert compared.loc[year, "agreement"] == pytest.approx(same / total)
    assert compared.loc[year, "file"] == pytest.approx(same / total, abs=1e-7)


def test_s_score_bounds_and_one_year_by_hand():
    scores = agreement("RUS", "JPN")
    # a disagreement costs ½ (one side abstains) or 1 (yes against no) on the distance
    assert (scores["s_score"] <= scores["agreement"] + 1e-12).all()
    assert (scores["s_score"] >= 2 * scores["agreement"] - 1 - 1e-12).all()
    votes = read_un_votes()
    from bilateral.data.structural import read_roll_calls

    calls = read_roll_calls()
    session = calls.loc[calls["year"] == 1957, "rcid"]
    both = votes[votes["rcid"].isin(session) & votes["iso3"].isin(["RUS", "JPN"])]
    wide = both.pivot(index="rcid", columns="iso3", values="vote").dropna().astype(str)
    half = ((wide["RUS"] == "abstain") ^ (wide["JPN"] == "abstain")).sum()
    yes_no = (wide["RUS"] == "yes") & (wide["JPN"] == "no")
    no_yes = (wide["RUS"] == "no") & (wide["JPN"] == "yes")
    full = (yes_no | no_yes).sum()
    assert scores.loc[1957, "s_score"] == pytest.approx(1 - 2 * (0.5 * half + full) / len(wide))


def test_calendar_and_issue_breakdowns():
    by_month = agreement("RUS", "JPN", by="month")
    by_year = agreement("RUS", "JPN", by="year")
    summed = by_month.groupby(by_month.index.asfreq("Y"))["votes"].sum()
    assert (summed == by_year["votes"]).all()
    by_quarter = agreement("RUS", "JPN", by="quarter")
    months = by_month.groupby(by_month.index.asfreq("Q"))[["votes", "agree"]].sum()
    assert by_quarter[["votes", "agree"]].equals(months)
    assert by_quarter.attrs["sources"] == ["bailey2017estimating", "robinson_unvotes", "signorino1999tau",
                                           "voeten2009unvotes"]
    with pytest.raises(BilateralError, match="by='decade': use one of session, year, quarter, month"):
        agreement("RUS", "JPN", by="decade")
    overall = agreement("RUS", "JPN")
    nuclear = agreement("RUS", "JPN", issue="nuclear_weapons")
    assert nuclear.equals(agreement("RUS", "JPN", issue="nu"))
    assert (nuclear["votes"] <= overall["votes"].reindex(nuclear.index)).all()
    assert nuclear["votes"].sum() < overall["votes"].sum()
    with pytest.raises(BilateralError, match="unknown UN issue 'trade'"):
        agreement("RUS", "JPN", issue="trade")
    with pytest.raises(BilateralError, match="XXX never votes"):
        agreement("RUS", "XXX")


def test_ideal_point_distance():
    points = read_ideal_points()
    theta = {c: points[(points["iso3"] == c) & (points["year"] == 1957)]["ideal_point"].item()
             for c in ("RUS", "JPN")}
    distance = ideal_point_distance("RUS", "JPN")
    assert distance.loc[1957] == pytest.approx(abs(theta["RUS"] - theta["JPN"]))
    assert distance.index.min() == 1956 and distance.index.max() == 2023
    assert distance.name == "ideal_distance" and distance.attrs["sources"] == ["bailey2017estimating"]
