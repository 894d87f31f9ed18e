"""The index and the events panel are Ibis expressions: on Spark (local mode), over the store's
Parquet export, they give what DuckDB gives over the store; so does the BigQuery expression over
GDELT's rows (``bilateral.measure.bigquery.gdelt_events``) on a Parquet copy of the real files."""

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bilateral.case import load_case
from bilateral.data.events.formats import GDELT2
from bilateral.data.store import Store
from bilateral.errors import BilateralError
from bilateral.measure.bigquery import SCHEMA, gdelt_events
from bilateral.measure.engines import export_parquet, panel_expr, panel_from_rows
from bilateral.measure.index import dyad_index

pyspark = pytest.importorskip("pyspark", reason="install the spark extra: pip install -e '.[spark]'")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (java on PATH)", allow_module_level=True)

WEEKS = {"freq": "week", "start": date(2019, 1, 7), "end": date(2019, 1, 27)}
DYADS = [("RUS", "JPN"), ("USA", "RUS"), ("CHN", "JPN")]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("bilateral-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    yield session
    session.stop()


@pytest.fixture(scope="module")
def stored(shared: Path, tmp_path_factory):
    """A store of real ICEWS and GDELT files and the case's own events, and its Parquet export."""
    folder = tmp_path_factory.mktemp("spark")
    with Store(folder / "store.duckdb") as store:
        for path in sorted((shared / "data/events/icews-daily").glob("2019011*.gz")):
            store.ingest(path)
        store.ingest(shared / "data/events/gdelt2/20191024143000.export.CSV")
        store.ingest_case(load_case("russia-japan"))
    return folder / "store.duckdb", export_parquet(folder / "store.duckdb", folder / "events")


def test_the_export_is_partitioned_by_dataset_and_year(stored):
    path, parquet = stored
    with pytest.raises(BilateralError, match="exists"):
        export_parquet(path, parquet)
    parts = {p.parent.relative_to(parquet).as_posix() for p in parquet.rglob("*.parquet")}
    assert {"dataset=icews/year=2019", "dataset=gdelt/year=2019"} <= parts
    assert any(p.startswith("dataset=case%3Arussia-japan/year=") for p in parts)
    with Store(path, read_only=True) as store:
        stored_rows = store.con.execute("SELECT count(*) FROM event_rows").fetchone()[0]
    exported = duckdb.sql(f"SELECT count(*) FROM read_parquet('{parquet}/**/*.parquet')").fetchall()[0][0]
    assert exported == stored_rows > 20_000


def test_index_on_spark_equals_duckdb(spark, stored):
    import ibis

    path, parquet = stored
    table = ibis.pyspark.connect(spark).read_parquet(str(parquet))
    cases = [WEEKS, {"freq": "month", "dedup": "one-a-day"}, {**WEEKS, "directed": True, "datasets": ["icews"]}]
    with Store(path, read_only=True) as store:
        expected = [dyad_index(store.table(), "RUS", "JPN", **options) for options in cases]
        every = dyad_index(store.table(), "RUS", "JPN", freq="month")
    results = [dyad_index(table, "RUS", "JPN", **options) for options in cases]
    assert list(results[0]["count"]) == [77, 196, 0] and list(results[0]["no_events"]) == [False, False, True]
    assert 0 < results[1]["count"].sum() < every["count"].sum()  # one-a-day drops same-day repeats
    for result, wanted in zip(results, expected, strict=True):
        pd.testing.assert_frame_equal(result, wanted)
        assert result.attrs["sources"] == wanted.attrs["sources"]
    assert results[0].attrs["sources"] == ["boschee2015icews", "goldstein1992"]  # case events left out


def test_panel_on_spark_equals_duckdb(spark, stored):
    """One statement for every pair: Spark's rows are DuckDB's, and they finish to each dyad's index."""
    import ibis

    path, parquet = stored
    table = ibis.pyspark.connect(spark).read_parquet(str(parquet))
    keys = ["period", "source_iso3", "target_iso3", "dataset"]
    rows = panel_expr(table, freq="month").to_pandas().sort_values(keys, ignore_index=True)
    with Store(path, read_only=True) as store:
        native = panel_expr(store.table(), freq="month").to_pandas().sort_values(keys, ignore_index=True)
        pairs = store.con.execute("SELECT count(DISTINCT (least(source_iso3, target_iso3), greatest(source_iso3, "
                                  "target_iso3))) FROM event_rows WHERE source_iso3 <> target_iso3 "
                                  "AND dataset NOT LIKE 'case:%'").fetchall()[0][0]
        pd.testing.assert_frame_equal(rows, native, check_dtype=False)
        assert len({tuple(sorted(d)) for d in zip(rows["source_iso3"].dropna(), rows["target_iso3"].dropna(),
                                                    strict=True)}) == pairs > 900
        for (a, b), index in panel_from_rows(rows, DYADS, freq="month").items():
            expected = dyad_index(store.table(), a, b, freq="month")
            assert expected["count"].sum() > 0
            pd.testing.assert_frame_equal(index, expected)


def test_bigquery_expression_on_spark_equals_the_store(spark, shared, tmp_path):
    """The GDELT mapping written for BigQuery runs on Spark too, over GDELT's rows as BigQuery types them."""
    import ibis

    files = sorted((shared / "data/events/gdelt2").glob("*.export.CSV"))
    types = {"int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR"}
    typed = ", ".join(f'CAST("{c}" AS {types[t]}) AS "{c}"' for c, t in SCHEMA.items())
    columns = {c: "VARCHAR" for c in GDELT2.columns}
    duckdb.sql(f"COPY (SELECT {typed} FROM read_csv({[str(f) for f in files]!r}, delim='\\t', header=false, "
               f"columns={columns!r}, quote='', escape='')) TO '{tmp_path / 'gdelt.parquet'}' (FORMAT parquet)")
    events = gdelt_events(ibis.pyspark.connect(spark).read_parquet(str(tmp_path / "gdelt.parquet")))
    with Store(tmp_path / "store.duckdb") as store:
        for path in files:
            store.ingest(path)
        for a, b in [("USA", "RUS"), ("GBR", "USA")]:
            pd.testing.assert_frame_equal(dyad_index(events, a, b, freq="week"),
                                          dyad_index(store.table(), a, b, freq="week"))
