"""Exports: every table written as csv, json, parquet, Stata, R's rds and feather reads back value by
value, with Stata names, labels, dates and value labels (bilateral.export, and the CLI's --format)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyreadr
import pytest
from pandas.io.stata import StataReader
from typer.testing import CliRunner

import bilateral
from bilateral import BilateralError
from bilateral.exports import FORMATS, export, stata_names

DAYS = ["20181004", "20181103", "20181205", "20190212"]  # four months of ICEWS, January 2019 without files


@pytest.fixture(scope="module")
def store(shared: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "store.duckdb"
    with bilateral.Store(path) as db:
        for day in DAYS:
            db.ingest(shared / "data/events/icews-daily" / f"{day}-icews-events.tab.gz")
    return path


@pytest.fixture(scope="module")
def index(store: Path) -> pd.DataFrame:
    return bilateral.index("RUS", "JPN", store=store, freq="month")


def labels(path: Path) -> tuple[dict[str, str], dict[str, dict[int, str]], str]:
    with StataReader(path) as reader:
        reader.read()
        return reader.variable_labels(), reader.value_labels(), reader.data_label


def stata_months(path: Path, column: str) -> list[int]:
    return pd.read_stata(path, convert_dates=False)[column].tolist()


def test_the_index_fails_in_pandas_and_exports_to_stata(index, tmp_path):
    assert index["no_events"].tolist() == [False, True, False, True, False]  # none on 3 Nov; no January file
    with pytest.raises((ValueError, NotImplementedError)):  # what a user met: the PeriodIndex and the bool column
        index.to_stata(tmp_path / "raw.dta")
    path = export(index, tmp_path / "index.dta")
    back = pd.read_stata(path)
    assert list(back.columns) == ["period", *index.columns]
    assert back["period"].tolist() == list(index.index.to_timestamp())
    assert stata_months(path, "period") == [(2018 - 1960) * 12 + 9, 706, 707, 708, 709]  # %tm: months since 1960m1
    assert back["no_events"].dtype == np.int8 and back["no_events"].tolist() == [0, 1, 0, 1, 0]
    for column in index.columns.drop("no_events"):
        np.testing.assert_allclose(back[column].to_numpy(float), index[column].to_numpy(float), rtol=1e-12,
                                   err_msg=column)
    _, _, label = labels(path)
    assert label == "bilateral; sources: " + ", ".join(index.attrs["sources"])


def test_the_index_in_r_and_arrow(index, tmp_path):
    rds = pyreadr.read_r(export(index, tmp_path / "index.rds"))[None]
    assert rds["period"].tolist() == ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02"]
    assert rds["no_events"].tolist() == index["no_events"].tolist()
    np.testing.assert_allclose(rds["net_cooperation_norm"], index["net_cooperation_norm"], equal_nan=True)
    table = feather.read_table(export(index, tmp_path / "index.feather"))
    assert table.schema.field("period").type == pa.date32()
    assert table.column("period").to_pylist() == [dt.date(2018, 10, 1), dt.date(2018, 11, 1), dt.date(2018, 12, 1),
                                                  dt.date(2019, 1, 1), dt.date(2019, 2, 1)]
    assert table.schema.field("no_events").type == pa.bool_()
    assert table.column("count").to_pylist() == index["count"].tolist()


def test_the_text_formats_and_parquet(index, tmp_path):
    csv = pd.read_csv(export(index, tmp_path / "index.csv"))
    assert csv["period"].tolist() == [str(p) for p in index.index]
    pd.testing.assert_frame_equal(csv.drop(columns="period"), index.reset_index(drop=True), check_dtype=False)
    rows = json.loads((export(index, tmp_path / "index.json")).read_text(encoding="utf-8"))
    assert [r["period"] for r in rows] == csv["period"].tolist()
    assert [r["no_events"] for r in rows] == index["no_events"].tolist()
    parquet = pd.read_parquet(export(index, tmp_path / "index.parquet"))
    pd.testing.assert_frame_equal(parquet.set_index("period"), index)


def test_a_panel_gets_stata_names_labels_and_yearly_dates(shared, monkeypatch, tmp_path):
    monkeypatch.setenv("BILATERAL_DATA", str(shared / "data"))
    panel = bilateral.panel("RUS", "JPN", start=1990, end=1995, case="russia-japan").add("unga", "mids")
    dotted = [c for c in panel.columns if "." in c]
    assert dotted, "the panel's series are named family.metric"
    path = export(panel, tmp_path / "panel.dta")
    back = pd.read_stata(path)
    names = stata_names(["period", *panel.columns])
    assert list(back.columns) == list(names.values())
    variable, _, _ = labels(path)
    assert {variable[names[c]] for c in dotted} == set(dotted)  # the original names as variable labels
    assert back["period"].dt.year.tolist() == list(range(1990, 1996))
    assert stata_months(path, "period") == list(range(1990, 1996))  # %ty holds the year itself
    for column in panel.columns:
        expected = pd.to_numeric(panel[column], errors="coerce").to_numpy(float)
        np.testing.assert_allclose(back[names[column]].to_numpy(float), expected, equal_nan=True, err_msg=column)


def test_case_tables_with_dates_long_text_and_records(tmp_path):
    case = bilateral.load_case("russia-japan")
    events = case.table("events")
    back = pd.read_stata(export(events, tmp_path / "events.dta"))
    assert back["day"].tolist() == events["day"].tolist()  # %td from 1855 on
    for column in ("id", "summary", "locator", "flag"):
        assert back[column].tolist() == events[column].fillna("").tolist()
    periods = case.table("periods")  # start and end are datetime.date objects; leaders are lists
    back = pd.read_stata(export(periods, tmp_path / "periods.dta"))
    assert back["start"].dt.date.tolist() == periods["start"].tolist()
    assert back["leaders"].tolist() == [str(v) for v in periods["leaders"]]
    stakeholders = case.table("stakeholders")
    rds = pyreadr.read_r(export(stakeholders, tmp_path / "stakeholders.rds"))[None]
    assert rds["veto"].tolist() == stakeholders["veto"].tolist()
    np.testing.assert_allclose(rds["position"], stakeholders["position"])
    hypotheses = feather.read_table(export(case.table("hypotheses"), tmp_path / "hypotheses.feather")).to_pandas()
    assert hypotheses["test"].tolist() == [str(t) for t in case.table("hypotheses")["test"]]


def test_what_stata_needs_spelled_out(tmp_path):
    long = "Северные территории " * 120  # 2,400 characters, 4,440 bytes: more than a str2045 holds
    frame = pd.DataFrame({
        "in": [1, 2, 3],
        "_n": [1.5, 2.5, np.nan],
        "2nd.round": [0.1, 0.2, 0.3],
        "a_very_long_series_name_from_the_registry.first": [1, 2, 3],
        "a_very_long_series_name_from_the_registry.second": [4, 5, 6],
        "tone": pd.Categorical(["warm", "cold", None], categories=["cold", "warm"]),
        "ratified": pd.array([True, None, False], dtype="boolean"),
        "runs": pd.array([10, None, 30], dtype="Int64"),
        "note": [long, "short", None],
        "at": pd.to_datetime(["2018-11-14 09:30", "2019-01-22 12:00", None]).tz_localize("Asia/Tokyo"),
    })
    names = stata_names(frame.columns)
    assert names["in"] == "_in" and names["_n"] == "__n" and names["2nd.round"] == "_2nd_round"
    first, second = (names[c] for c in frame.columns[3:5])
    assert len(first) <= 32 and len(second) <= 32 and first != second and second.endswith("_2")
    path = export(frame, tmp_path / "edge.dta")
    back = pd.read_stata(path)
    assert list(back.columns) == list(names.values())
    assert back["tone"].tolist()[:2] == ["warm", "cold"] and pd.isna(back["tone"][2])
    assert back["ratified"].tolist()[0::2] == [1, 0] and pd.isna(back["ratified"][1])
    assert back["runs"].tolist()[0::2] == [10, 30] and pd.isna(back["runs"][1])
    assert back["note"].tolist() == [long, "short", ""]
    assert back["at"].tolist()[:2] == [pd.Timestamp("2018-11-14 00:30"), pd.Timestamp("2019-01-22 03:00")]  # UTC
    variable, value, _ = labels(path)
    assert variable[first] == frame.columns[3] and variable["_in"] == "in"
    assert value[names["tone"]] == {0: "cold", 1: "warm"}


def test_bad_exports_are_clear_errors(index, tmp_path):
    with pytest.raises(BilateralError, match=r"cannot write format 'xlsx' — use one of csv, json, parquet, dta"):
        export(index, tmp_path / "index.xlsx")
    with pytest.raises(BilateralError, match="give a pandas DataFrame, not Series"):
        export(index["count"], tmp_path / "count.csv")
    with pytest.raises(BilateralError, match="columns x appear twice"):
        export(pd.DataFrame([[1, 2]], columns=["x", "x"]), tmp_path / "twice.dta")
    assert set(FORMATS) == {"csv", "json", "parquet", "dta", "rds", "feather"}
    assert bilateral.export is export  # the function, though its module is imported


def test_the_notebook_call(index, tmp_path):
    path = bilateral.export(index, str(tmp_path / "index.dta"))
    assert path == tmp_path / "index.dta" and pd.read_stata(path)["count"].tolist() == index["count"].tolist()


def run(*args: str) -> object:
    from bilateral.cli import app

    return CliRunner().invoke(app, list(args))


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".dta":
        return pd.read_stata(path)
    if path.suffix == ".rds":
        return pyreadr.read_r(path)[None]
    return feather.read_feather(path)


@pytest.mark.parametrize("fmt", ["dta", "rds", "feather"])
def test_cli_index_and_event_stats(fmt, index, store, tmp_path):
    out = tmp_path / f"index.{fmt}"
    result = run("index", "RUS", "JPN", "--store", str(store), "-f", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    back = read(out)
    assert back["count"].tolist() == index["count"].tolist()
    first = {"dta": pd.Timestamp("2018-10-01"), "rds": "2018-10", "feather": dt.date(2018, 10, 1)}[fmt]
    assert back["period"].iloc[0] == first
    out = tmp_path / f"stats.{fmt}"
    result = run("events", "stats", "--by", "dataset", "--store", str(store), "-f", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    stats = read(out)
    assert stats["dataset"].tolist() == ["icews"] and stats["files"].tolist() == [len(DAYS)]
    assert str(stats["last_date"].iloc[0])[:10] == "2019-02-13"  # a Stata date, an R text, an Arrow timestamp


@pytest.mark.parametrize("fmt", ["dta", "rds", "feather"])
def test_cli_case_tables_and_simulate(fmt, tmp_path):
    out = tmp_path / f"events.{fmt}"
    result = run("case", "events", "-f", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    events = bilateral.load_case("russia-japan").table("events")
    assert read(out)["id"].tolist() == events["id"].tolist()
    out = tmp_path / f"simulate.{fmt}"
    result = run("simulate", "--runs", "200", "-f", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert {"compromise", "nash", "eum", "smp"} <= set(read(out)["model"])


def test_cli_file_formats_need_an_output():
    result = run("case", "events", "-f", "dta")
    assert result.exit_code == 2 and "--format dta writes a file — add --output FILE.dta" in result.output
    assert "Traceback" not in result.output
