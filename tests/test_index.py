from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilateral import BilateralError
from bilateral.data.store import Store
from bilateral.measure.index import METRICS, dyad_index, relations_index

NAMES = {"Russian Federation": "RUS", "Japan": "JPN"}


@pytest.fixture(scope="module")
def icews_store(shared: Path, tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("index") / "store.duckdb")
    for path in sorted((shared / "data/events/icews-daily").glob("*.gz")):
        store.ingest(path)
    yield store
    store.close()


@pytest.fixture(scope="module")
def independent(shared: Path) -> pd.DataFrame:
    """RUS–JPN events straight from the ICEWS files with pandas, weights from GDELT's Goldstein table."""
    frames = [pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False, quoting=3)
              for p in sorted((shared / "data/events/icews-daily").glob("*.gz"))]
    raw = pd.concat(frames)
    raw = raw[raw["Source Country"].isin(NAMES) & raw["Target Country"].isin(NAMES)
              & (raw["Source Country"] != raw["Target Country"])]
    weights = pd.read_csv(shared / "data/codes/cameo_goldstein.tsv", sep="\t", dtype={"CAMEOEVENTCODE": str})
    weights = weights.set_index("CAMEOEVENTCODE")["GOLDSTEINSCALE"]
    raw = raw.assign(g=raw["CAMEO Code"].map(weights), month=pd.PeriodIndex(raw["Event Date"], freq="M"),
                     root=raw["CAMEO Code"].str[:2].astype(int), src=raw["Source Country"].map(NAMES))
    return raw


def test_monthly_index_matches_pandas(icews_store: Store, independent: pd.DataFrame):
    table = dyad_index(icews_store.table(), "RUS", "JPN", freq="month", start=date(2018, 10, 1),
                       end=date(2019, 2, 28))
    assert [str(p) for p in table.index] == ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02"]
    by_month = independent.groupby("month")
    assert list(table["count"]) == list(by_month.size()) == [65, 237, 176, 647, 37]
    coop = by_month["g"].apply(lambda g: g.clip(lower=0).sum())
    conf = by_month["g"].apply(lambda g: (-g).clip(lower=0).sum())
    np.testing.assert_allclose(table["cooperation"], coop)
    np.testing.assert_allclose(table["net_cooperation"], coop - conf)
    directed = independent.groupby(["month", "src"])["g"]
    mean = directed.mean().groupby(level=0).mean()
    np.testing.assert_allclose(table["mean_goldstein"], mean)
    norm = ((directed.apply(lambda g: g.clip(lower=0).sum() - (-g).clip(lower=0).sum()))
            / directed.apply(lambda g: g.abs().sum())).groupby(level=0).mean()
    np.testing.assert_allclose(table["net_cooperation_norm"], norm)
    conflict = independent.assign(c=independent["root"] >= 9).groupby(["month", "src"])["c"].mean()
    np.testing.assert_allclose(table["conflict_share"], conflict.groupby(level=0).mean())
    assert table.attrs["sources"] == ["boschee2015icews", "goldstein1992"]


def test_directed_and_empty_periods(icews_store: Store, independent: pd.DataFrame):
    table = dyad_index(icews_store.table(), "JPN", "RUS", freq="month", directed=True,
                       start=date(2018, 7, 1), end=date(2019, 3, 31), metrics=["count", "mean_goldstein"])
    japan = independent[independent["src"] == "JPN"].groupby("month").size()
    assert list(table.loc["2018-10":"2019-02", "count"]) == list(japan)
    assert list(table["no_events"]) == [True, True, True, False, False, False, False, False, True]
    assert table.loc["2018-08", "count"] == 0 and np.isnan(table.loc["2018-08", "mean_goldstein"])
    assert list(table.columns) == ["count", "mean_goldstein", "no_events"]


def test_one_a_day_dedup_and_yearly(icews_store: Store, independent: pd.DataFrame):
    daily = independent.drop_duplicates(["Event Date", "src", "CAMEO Code"])
    table = dyad_index(icews_store.table(), "RUS", "JPN", freq="year", dedup="one-a-day")
    assert list(table["count"]) == list(daily.groupby(daily["month"].dt.year).size())
    assert table["count"].sum() < len(independent)
    assert 0 < table.loc["2019", "dyad_share"] < 0.01


def test_bad_arguments(icews_store: Store):
    with pytest.raises(BilateralError, match="unknown metric"):
        dyad_index(icews_store.table(), "RUS", "JPN", metrics=["warmth"])
    with pytest.raises(BilateralError, match=r"frequency 'decade' is not known — use one of D \(day\)"):
        dyad_index(icews_store.table(), "RUS", "JPN", freq="decade")
    with pytest.raises(BilateralError, match="dedup='daily' is not known — use one of none, one-a-day"):
        dyad_index(icews_store.table(), "RUS", "JPN", dedup="daily")
    with pytest.raises(BilateralError, match="no FRA–NZL events"):
        dyad_index(icews_store.table(), "FRA", "NZL", start=None)
    assert "dyad_share" in METRICS


def test_the_store_index_takes_country_names_and_frequency_codes(shared: Path, tmp_path: Path,
                                                                 independent: pd.DataFrame):
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        for file in sorted((shared / "data/events/icews-daily").glob("201810*.gz")):
            store.ingest(file)
    table = relations_index("Russia", "Japan", store=path, freq="Y")
    october = independent[independent["month"] == pd.Period("2018-10", "M")]
    assert table.attrs["dyad"] == ("RUS", "JPN") and table.attrs["freq"] == "Y"
    assert [str(p) for p in table.index] == ["2018"] and table.loc["2018", "count"] == len(october) == 65
    quarterly = relations_index("RUS", "Japan", store=path, freq="quarter")
    assert quarterly.loc["2018Q4", "count"] == 65
    with pytest.raises(BilateralError, match="unknown country 'Nippon-land'"):
        relations_index("Russia", "Nippon-land", store=path)
