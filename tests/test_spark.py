"""The dyadic index is one Ibis expression: on Spark (local mode) it gives what DuckDB gives."""

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bilateral.data.store import Store
from bilateral.measure.index import dyad_index

pyspark = pytest.importorskip("pyspark", reason="install the spark extra: pip install -e '.[spark]'")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (java on PATH)", allow_module_level=True)

SCHEMA = ("event_id string, date date, precision string, source_iso3 string, source_sector string, "
          "target_iso3 string, target_sector string, cameo string, root string, quad_class int, "
          "goldstein double, plover string, mentions int, dataset string, ref string")


def test_index_on_spark_equals_duckdb(shared: Path, tmp_path: Path):
    import ibis
    from pyspark.sql import SparkSession

    with Store(tmp_path / "store.duckdb") as store:
        for path in sorted((shared / "data/events/icews-daily").glob("2019011*.gz")):
            store.ingest(path)
        store.ingest(shared / "data/events/gdelt2/20191024143000.export.CSV")
        rows = store.con.execute("SELECT * FROM event_rows").df()
        expected = dyad_index(store.table(), "RUS", "JPN", freq="week", start=date(2019, 1, 7),
                              end=date(2019, 1, 27))
    spark = (SparkSession.builder.master("local[1]").appName("bilateral-test")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    try:
        rows["date"] = rows["date"].dt.date
        records = rows.astype(object).where(rows.notna(), None).to_dict("records")
        spark.createDataFrame(records, schema=SCHEMA).createOrReplaceTempView("event_rows")
        table = ibis.pyspark.connect(spark).table("event_rows")
        result = dyad_index(table, "RUS", "JPN", freq="week", start=date(2019, 1, 7), end=date(2019, 1, 27))
    finally:
        spark.stop()
    assert list(result["count"]) == [77, 196, 0] and list(result["no_events"]) == [False, False, True]
    pd.testing.assert_frame_equal(result, expected, check_dtype=False)
    assert result.attrs["sources"] == expected.attrs["sources"] == ["boschee2015icews", "goldstein1992"]
