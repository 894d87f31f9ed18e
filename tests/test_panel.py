"""The dyad panel on the real data: one call builds 1946-2023 with every column documented and cited."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilateral import BilateralError
from bilateral.data import catalog
from bilateral.data.structural import read_gdelt_graph
from bilateral.measure.builders import NotApplicable
from bilateral.measure.panel import Panel, panel, step_citations
from bilateral.measure.unga import MIN_VOTES, drop_thin_periods, thin_periods
from bilateral.registry.series import CASE, EVENTS, SERIES, spec

DOCS = Path(__file__).resolve().parents[1] / "docs" / "panel.md"
REGISTRY = Path(__file__).resolve().parents[1] / "src" / "bilateral" / "registry" / "series.csv"


@pytest.fixture(autouse=True)
def data_dir(shared, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))


@pytest.fixture(scope="module")
def yearly(shared) -> Panel:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA", str(shared / "data"))
        return panel("RUS", "JPN", freq="Y", start=1946, end=2023).add(all)


@pytest.fixture(scope="module")
def monthly(shared) -> Panel:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA", str(shared / "data"))
        return panel("RUS", "JPN", freq="M", start="1987-01", end="2015-12").add(all)


def test_one_call_builds_1946_to_2023_with_citations(yearly):
    assert isinstance(yearly, pd.DataFrame) and isinstance(yearly.index, pd.PeriodIndex)
    assert len(yearly) == 78 and str(yearly.index[0]) == "1946" and str(yearly.index[-1]) == "2023"
    assert yearly.attrs["skipped"] == {}
    assert yearly.attrs["dyad"] == ("RUS", "JPN")
    expected = {"voeten2009unvotes", "bailey2017estimating", "signorino1999tau", "barbieri2009trading",
                "palmer2022mid5", "gibler2009alliances", "leeds2002atop", "thompson2012rivalries",
                "pevehouse2020igo", "singer1972capability", "miller2022peacesciencer", "archigos", "reign",
                "jiji_poll", "mof_trade", "leetaru2013gdelt"}
    assert expected <= set(yearly.attrs["sources"])
    assert set(yearly.attrs["columns"]) == set(yearly.columns)
    for column, meta in yearly.attrs["columns"].items():
        assert meta["unit"] and meta["description"] and meta["coverage"], column
        assert set(meta["citation"]) <= set(catalog.references()), column
    bib = yearly.cite()
    assert bib.count("@") == len(yearly.attrs["sources"])
    assert "@article{bailey2017estimating," in bib
    assert "10.7910/DVN/LEJUQZ" in bib


def test_values_on_the_time_axis(yearly):
    row = yearly.loc["1957"]
    assert row["unga.agreement"] == pytest.approx(12 / 34) and row["unga.votes"] == 34
    assert yearly.loc["2014", "trade.total"] == 35658.0
    assert yearly.loc["2014", "trade.exports"] == 24733.0  # Russia's exports = Japan's imports from Russia
    assert yearly.loc["2014", "trade.imports"] == 10925.0
    assert np.isnan(yearly.loc["1950", "trade.total"])  # Japan under occupation: no COW dyad
    assert yearly.loc["1953":"2014", "mid.onsets"].sum() == 28  # every dispute
    assert yearly.loc["1955":"1957", "mid.ongoing"].tolist() == [1.0, 1.0, 1.0]
    assert yearly.loc["1960", "mid.highest_action"] == 16  # an attack
    assert np.isnan(yearly.loc["2015", "mid.ongoing"])  # after MID 5 ends
    assert np.isnan(yearly.loc["1950", "mid.ongoing"])  # Japan not a COW system member 1946-1951
    assert yearly.loc["1952", "mid.ongoing"] == 0 and yearly.loc["1952", "alliance.defense"] == 0
    assert yearly.loc["2003", "atop.nonaggression"] == 0
    assert yearly.loc["2004":"2018", "atop.nonaggression"].eq(1).all()
    assert np.isnan(yearly.loc["2019", "atop.nonaggression"])
    assert yearly.loc["1946", "rivalry.strategic"] == 0 and np.isnan(yearly.loc["2011", "rivalry.strategic"])
    assert yearly.loc["2014", "igo.joint_memberships"] == 56
    assert yearly.loc["1946", "capabilities.cinc_a"] == pytest.approx(0.122541, abs=1e-6)
    assert yearly.loc["1987", "opinion.dislike_russia"] == pytest.approx((50.1 + 49.3) / 2)
    assert np.isnan(yearly.loc["1987", "trade_monthly.exports"])  # two months only
    assert not np.isnan(yearly.loc["1988", "trade_monthly.exports"])
    daily = read_gdelt_graph([("RUS", "JPN")])
    in_2019 = daily[daily["date"].dt.year == 2019]
    assert yearly.loc["2019", "gdelt_graph.score"] == pytest.approx(in_2019["score"].sum())
    assert yearly.loc["2019", "gdelt_graph.days"] == len(in_2019)
    assert np.isnan(yearly.loc["2017", "gdelt_graph.score"])


def test_leaders_periods_and_triads(yearly):
    assert yearly.loc["2009", "leader.RUS"] == "Dmitry Medvedev"
    assert yearly.loc["2013", "leader.JPN"] == "Shinzo Abe"
    assert yearly.loc["1956", "leader.JPN"] == "Ichiro Hatoyama"
    assert yearly.loc["1995", "case.period"] == "yeltsin_era" and yearly.loc["2015", "case.tone"] == "best"
    assert yearly.loc["2018", "atop.defense@JPN-USA"] == 1 and yearly.loc["2018", "atop.defense@RUS-USA"] == 0
    assert yearly.loc["2018", "unga.agreement@RUS-CHN"] > yearly.loc["2018", "unga.agreement@JPN-CHN"]
    assert yearly.attrs["columns"]["unga.agreement@JPN-CHN"]["description"].startswith("JPN–CHN: ")
    assert {"trade.total@RUS-CHN", "mid.ongoing@JPN-CHN", "alliance.defense@RUS-USA"} <= set(yearly.columns)
    # South Korea is a default third state: Japan's two Asian disputes beside Russia's
    assert yearly.loc["2005", "unga.agreement@JPN-KOR"] > yearly.loc["2005", "unga.agreement@JPN-CHN"]
    assert yearly.loc["1996", "mid.ongoing@JPN-KOR"] == 1  # the 1996 Dokdo/Takeshima dispute


def test_the_china_factor_claims_have_yearly_series_without_events(yearly):
    """H46, H48 and H50 name triad series of the yearly panel: each series and predictor has data
    in the test's years, so the claims get a verdict where the event store is missing."""
    from bilateral.case import builtin_cases, load_case

    case = load_case(builtin_cases()["russia-japan"])
    tests = {h.id: h.test for h in case.hypotheses if h.id in ("H46", "H48", "H50")}
    assert len(tests) == 3
    for hid, test in tests.items():
        assert test.freq == "Y" and "events.net_cooperation_norm" in test.series, hid
        years = yearly.loc[str(test.between[0].year):str(test.between[1].year)]
        for ref in [s for s in test.series if not s.startswith("events.")] + list(test.predictors):
            assert years[ref].notna().sum() >= 20, (hid, ref)
    assert tests["H46"].predictors == ["unga.agreement@RUS-CHN"]
    assert tests["H48"].expect == "positive" and tests["H50"].expect == "negative"  # opposite readings
    # Japan's disputes with China and South Korea vary in 1992–2014 (else no slope can be estimated)
    window = yearly.loc["1992":"2014"]
    assert window["mid.ongoing@JPN-CHN"].sum() == 13 and window["mid.ongoing@JPN-KOR"].sum() == 6


def test_monthly_panel(monthly):
    assert str(monthly.index.freqstr) == "M" and len(monthly) == 29 * 12
    assert monthly.loc["1987-11", "opinion.dislike_russia"] == 50.1
    assert monthly.loc["2013-11", "opinion.dislike_russia"] == 11.0
    assert np.isnan(monthly.loc["1987-10", "opinion.dislike_russia"])
    assert "COW trade is annual" in monthly.attrs["skipped"]["trade"]
    assert monthly.loc["1993-11", "mid.onsets"] == 1  # dispute 4042 began in November 1993
    assert monthly.loc["1993-01":"1993-12", "mid.onsets"].sum() == 1
    assert monthly.loc["1994-06", "mid.ongoing"] == 1  # annual state, repeated in each month
    assert monthly.loc["2008-05", "leader.RUS"] == "Dmitry Medvedev"
    votes = monthly["unga.votes"].groupby(monthly.index.year).sum()
    assert votes.loc[1990] > 0
    with pytest.raises(NotApplicable, match="COW trade is annual"):
        monthly.add_trade()


def test_orientation_and_other_dyads():
    reverse = panel("JPN", "RUS", start=2014, end=2014).add("trade", "trade_monthly")
    assert reverse.loc["2014", "trade.exports"] == 10925.0  # Japan's exports to Russia
    forward = panel("RUS", "JPN", start=2014, end=2014).add_trade_monthly()
    assert reverse.loc["2014", "trade_monthly.imports"] == forward.loc["2014", "trade_monthly.exports"]
    other = panel("USA", "CHN", start=2010, end=2013).add(all)
    assert set(other.attrs["skipped"]) == {"trade_monthly", "opinion"}
    assert "must include JPN" in other.attrs["skipped"]["opinion"]
    assert other.attrs["case"] is None and "case.period" not in other.columns
    assert other.loc["2013", "leader.CHN"] == "Xi Jinping"
    assert other.loc["2013", "leader.USA"] == "Obama"
    assert other.attrs["third"] == ("KOR",)  # the default third states (CHN, USA, KOR) not in the dyad
    assert other.loc["2012", "rivalry.tss"] == 1


def test_bad_input_is_a_clear_error():
    with pytest.raises(BilateralError, match=r"frequency 'D' is not known — use one of M \(month\), Q"):
        panel("RUS", "JPN", freq="D")
    with pytest.raises(BilateralError, match="unknown country 'Atlantis'"):
        panel("Atlantis", "JPN")
    with pytest.raises(BilateralError, match="unknown panel step"):
        panel("RUS", "JPN", start=2000, end=2001).add("weather")
    with pytest.raises(BilateralError, match="before start"):
        panel("RUS", "JPN", start=2001, end=2000)
    with pytest.raises(BilateralError, match="two different states"):
        panel("JPN", "JPN")
    with pytest.raises(BilateralError, match="case 'russia-japan' is about RUS–JPN, not USA–CHN"):
        panel("USA", "CHN", case="russia-japan")
    # arithmetic still works: add with a number is pandas' DataFrame.add
    numbers = panel("RUS", "JPN", start=2000, end=2001).add_igo()
    assert (numbers.add(1)["igo.joint_memberships"] == numbers["igo.joint_memberships"] + 1).all()


def test_step_citations_without_data(yearly):
    assert step_citations(["unga"]) == ["bailey2017estimating", "robinson_unvotes", "signorino1999tau",
                                        "voeten2009unvotes"]
    assert set(step_citations(["all"])) >= set(yearly.attrs["sources"])


def test_docs_describe_every_column(yearly):
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([^`]+\.[^`]+)` \|", text, flags=re.MULTILINE))
    assert {spec(c).name for c in yearly.columns} <= documented
    assert {n for n, row in SERIES.items() if row.step not in (EVENTS, CASE)} == documented
    shown = re.search(r"```csv\n(.*?)\n```", text, flags=re.DOTALL).group(1).splitlines()
    assert shown[0] == REGISTRY.read_text(encoding="utf-8").splitlines()[0]  # the header
    assert shown[1] in REGISTRY.read_text(encoding="utf-8").splitlines()  # a real row


def test_names_and_frequency_words(monthly):
    by_name = panel("Russia", "Japan", freq="month", start="2013-01", end="2013-12").add("opinion", "mids")
    assert by_name.dyad == ("RUS", "JPN") and by_name.attrs["freq"] == "M"
    pd.testing.assert_frame_equal(pd.DataFrame(by_name)[["opinion.dislike_russia", "mid.onsets"]],
                                  pd.DataFrame(monthly).loc["2013-01":"2013-12", ["opinion.dislike_russia",
                                                                                   "mid.onsets"]])
    assert panel("RUS", "JPN", freq="yearly", start=2000, end=2001).attrs["freq"] == "Y"


def test_quarterly_panel_follows_the_registry_aggregation_rules(monthly):
    quarterly = panel("RUS", "JPN", freq="Q", start=1987, end=2015).add(all)
    assert len(quarterly) == 29 * 4 and str(quarterly.index[0]) == "1987Q1"
    assert "COW trade is annual" in quarterly.attrs["skipped"]["trade"]
    assert "trade.total@RUS-CHN" not in quarterly and "unga.agreement@RUS-CHN" in quarterly
    quarters = monthly.index.asfreq("Q")
    checked = set()
    for column in monthly.columns:
        rule = spec(column).aggregation
        if rule not in ("sum", "complete_sum", "mean", "max", "last"):
            continue
        grouped = monthly[column].astype(float).groupby(quarters)
        expected = {"sum": grouped.sum(min_count=1), "mean": grouped.mean(), "max": grouped.max(),
                    "last": grouped.last(),
                    "complete_sum": grouped.sum(min_count=1).where(grouped.count() == 3)}[rule]
        np.testing.assert_allclose(quarterly[column].to_numpy(dtype=float), expected.to_numpy(), err_msg=column)
        checked.add(rule)
    assert checked == {"sum", "complete_sum", "mean", "max", "last"}
    # recomputed shares: the quarter's agreement is the vote-weighted mean of its months
    votes = monthly["unga.votes"]
    weighted = (monthly["unga.agreement"] * votes).groupby(quarters).sum(min_count=1) / votes.groupby(quarters).sum()
    np.testing.assert_allclose(quarterly["unga.agreement"], weighted)
    assert quarterly.loc["1987Q4", "opinion.dislike_russia"] == pytest.approx(49.7)  # two polls, Nov and Dec
    assert np.isnan(quarterly.loc["1987Q4", "trade_monthly.exports"])  # November and December only
    assert quarterly.loc["1993Q4", "mid.onsets"] == 1 and quarterly.loc["1993Q4", "leader.RUS"] == "Boris Yeltsin"


def test_thin_un_years(yearly):
    thin = thin_periods(yearly)
    assert MIN_VOTES == 10
    assert yearly.loc["1964", "unga.votes"] == 1 and thin.loc["1964"]
    assert not thin.loc["1957"] and thin.loc["1946"]  # 34 votes; none before Japan joined in 1956
    cleaned = drop_thin_periods(yearly)
    assert np.isnan(cleaned.loc["1964", "unga.agreement"]) and np.isnan(cleaned.loc["1964", "unga.agreement@RUS-CHN"])
    assert np.isnan(cleaned.loc["1964", "unga.s_score"]) and cleaned.loc["1964", "unga.votes"] == 1
    for kept in ("unga.ideal_distance", "unga.votes", "trade.total", "trade.total@RUS-CHN"):
        pd.testing.assert_series_equal(cleaned[kept], yearly[kept])
    assert not np.isnan(yearly.loc["1964", "unga.agreement"])  # the panel itself is left alone
    assert (cleaned["unga.agreement"].isna() == (thin | yearly["unga.agreement"].isna())).all()
    with pytest.raises(BilateralError, match=r"no unga\.votes column"):
        thin_periods(yearly[["trade.total"]])


def test_describe_columns_is_cited(yearly):
    table = yearly.describe_columns()
    assert list(table.columns) == ["column", "unit", "description", "dataset", "citation", "coverage"]
    assert len(table) == yearly.shape[1] and table.attrs["sources"] == yearly.attrs["sources"]
    row = table.set_index("column").loc["mid.onsets"]
    assert row["citation"] == "palmer2022mid5, miller2022peacesciencer"
    assert row["coverage"] == "1952–2014"  # Japan a COW system member from 1952
