"""The index and the events panel on BigQuery, checked here without a network.

The SQL Ibis compiles for BigQuery over GDELT's public table is transpiled back with sqlglot and run
by DuckDB on a table shaped like ``gdelt-bq.gdeltv2.events`` (its catalog, schema, name and column
types), filled from the real GDELT 2.0 files; its rows, finished by ``panel_from_rows``, must equal
the native path: the store's ingest of the same files and ``dyad_index``.
"""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp
from typer.testing import CliRunner

from bilateral.cli import app
from bilateral.codes import cameo_table
from bilateral.data.events.formats import GDELT2
from bilateral.data.store import Store
from bilateral.errors import BilateralError
from bilateral.measure.bigquery import (
    COLUMNS,
    SCHEMA,
    bigquery_index,
    gdelt_events,
    gdelt_table,
    index_sql,
    panel_sql,
)
from bilateral.measure.engines import panel_from_rows
from bilateral.measure.index import dyad_index

DUCK_TYPES = {"int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR"}
DYADS = [("USA", "RUS"), ("GBR", "USA"), ("USA", "ISR"), ("JPN", "TKM")]


def gdelt_like(files: list[Path]) -> duckdb.DuckDBPyConnection:
    """A DuckDB database holding ``gdelt-bq.gdeltv2.events`` as BigQuery has it, from GDELT export files."""
    con = duckdb.connect()
    con.execute('ATTACH \':memory:\' AS "gdelt-bq"; CREATE SCHEMA "gdelt-bq".gdeltv2')
    columns = {c: "VARCHAR" for c in GDELT2.columns}
    typed = ", ".join(f'CAST("{c}" AS {DUCK_TYPES[t]}) AS "{c}"' for c, t in SCHEMA.items())
    paths = [str(f) for f in files]
    con.execute(f'CREATE TABLE "gdelt-bq".gdeltv2.events AS SELECT {typed} FROM read_csv({paths!r}, delim=\'\\t\', '
                f"header=false, columns={columns!r}, quote='', escape='')")
    return con


def run(con: duckdb.DuckDBPyConnection, bigquery_sql: str) -> pd.DataFrame:
    """BigQuery SQL, transpiled to DuckDB's dialect by sqlglot, run on ``con``."""
    return con.execute(sqlglot.transpile(bigquery_sql, read="bigquery", write="duckdb")[0]).df()


@pytest.fixture(scope="module")
def gdelt_files(shared: Path) -> list[Path]:
    return sorted((shared / "data/events/gdelt2").glob("*.export.CSV"))


@pytest.fixture(scope="module")
def engines(gdelt_files, tmp_path_factory):
    """The native store and the GDELT-shaped table, from the same real files."""
    store = Store(tmp_path_factory.mktemp("bq") / "store.duckdb")
    for path in gdelt_files:
        assert store.ingest(path).stored > 0
    yield store, gdelt_like(gdelt_files)
    store.close()


@pytest.mark.parametrize("freq", ["day", "week", "month", "quarter", "year"])
def test_bigquery_sql_on_the_same_rows_equals_the_store_index(engines, freq):
    store, gdelt = engines
    for a, b in DYADS:
        expected = dyad_index(store.table(), a, b, freq=freq)
        rows = run(gdelt, index_sql(a, b, freq))
        result = panel_from_rows(rows, [(a, b)], freq=freq)[(a, b)]
        assert expected["count"].sum() > 0
        pd.testing.assert_frame_equal(result, expected, check_dtype=True)
        assert result.attrs["sources"] == expected.attrs["sources"]
        directed = dyad_index(store.table(), a, b, freq=freq, directed=True, metrics=["count", "mean_goldstein"])
        mine = panel_from_rows(rows, [(a, b)], freq=freq, directed=True, metrics=["count", "mean_goldstein"])
        pd.testing.assert_frame_equal(mine[(a, b)], directed, check_dtype=True)


def test_window_and_an_empty_dyad_match_the_store(engines):
    """RUS–JPN has no events in these two files: the windowed index is all empty periods on both paths."""
    store, gdelt = engines
    window = {"start": date(2018, 3, 1), "end": date(2019, 12, 31)}
    expected = dyad_index(store.table(), "RUS", "JPN", freq="month", **window)
    result = panel_from_rows(run(gdelt, index_sql("RUS", "JPN", "month", **window)), [("RUS", "JPN")],
                             freq="month", **window)[("RUS", "JPN")]
    pd.testing.assert_frame_equal(result, expected, check_dtype=True)
    assert len(result) == 22 and result["no_events"].all()
    assert result.loc[pd.Period("2019-10", "M"), "dyad_share"] == 0.0  # a month with events, none of the dyad
    week = {"start": date(2019, 10, 24), "end": date(2019, 10, 27)}
    within = dyad_index(store.table(), "USA", "RUS", freq="week", **week)
    rows = run(gdelt, index_sql("USA", "RUS", "week", **week))
    assert rows["total"].unique().tolist() == [2051]  # that week's events of the 24th: 20191023's nine are out
    pd.testing.assert_frame_equal(panel_from_rows(rows, [("USA", "RUS")], freq="week", **week)[("USA", "RUS")],
                                  within, check_dtype=True)


def test_panel_sql_gives_every_dyad_in_one_statement(engines):
    store, gdelt = engines
    sql = panel_sql(DYADS, "month")
    assert _tables(sql) == [("gdelt-bq", "gdeltv2", "events")]
    panel = panel_from_rows(run(gdelt, sql), DYADS, freq="month")
    assert list(panel) == DYADS
    for (a, b), table in panel.items():
        pd.testing.assert_frame_equal(table, dyad_index(store.table(), a, b, freq="month"), check_dtype=True)


def test_panel_sql_of_every_pair(engines):
    """Without pairs the panel holds every pair of two different states the rows have, each as the store's."""
    store, gdelt = engines
    panel = panel_from_rows(run(gdelt, panel_sql(None, "year")), freq="year")
    found = store.con.execute("SELECT DISTINCT least(source_iso3, target_iso3), greatest(source_iso3, target_iso3) "
                              "FROM event_rows WHERE source_iso3 <> target_iso3 ORDER BY 1, 2").fetchall()
    assert list(panel) == found and len(found) == 149
    for a, b in [*found[::15], ("RUS", "USA")]:
        pd.testing.assert_frame_equal(panel[(a, b)], dyad_index(store.table(), a, b, freq="year"))


def test_the_store_rules_hold_on_bigquery(engines, gdelt_files, tmp_path):
    """Rows the store quarantines (unknown country or CAMEO code) are left out; SUN is Russia; a CAMEO
    region has no country: real rows with those fields changed give the same index on both paths."""
    lines = gdelt_files[1].read_text(encoding="utf-8").splitlines(keepends=True)
    col = {name: i for i, name in enumerate(GDELT2.columns)}
    changes = {"SUN": 0, "JPX": 0, "EUR": 0, "999": 0}
    for n, line in enumerate(lines):
        fields = line.split("\t")
        if fields[col["Actor1CountryCode"]] == "RUS" and changes["SUN"] < 5:
            fields[col["Actor1CountryCode"]], key = "SUN", "SUN"
        elif fields[col["Actor2CountryCode"]] == "USA" and changes["JPX"] < 3:
            fields[col["Actor2CountryCode"]], key = "JPX", "JPX"
        elif fields[col["Actor1CountryCode"]] == "USA" and changes["EUR"] < 3:
            fields[col["Actor1CountryCode"]], key = "EUR", "EUR"
        elif fields[col["Actor2CountryCode"]] == "RUS" and changes["999"] < 2:
            fields[col["EventCode"]], key = "999", "999"
        else:
            continue
        changes[key] += 1
        lines[n] = "\t".join(fields)
    assert changes == {"SUN": 5, "JPX": 3, "EUR": 3, "999": 2}
    changed = tmp_path / gdelt_files[1].name
    changed.write_text("".join(lines), encoding="utf-8")
    with Store(tmp_path / "store.duckdb") as store:
        assert store.ingest(changed).quarantined == changes["JPX"] + changes["999"]
        gdelt = gdelt_like([changed])
        for a, b in [("USA", "RUS"), ("RUS", "SYR"), ("GBR", "USA")]:
            expected = dyad_index(store.table(), a, b, freq="day")
            result = panel_from_rows(run(gdelt, index_sql(a, b, "day")), [(a, b)], freq="day")[(a, b)]
            pd.testing.assert_frame_equal(result, expected, check_dtype=True)


def test_gdelt_quad_class_differs_from_the_codebook_so_it_is_not_read(engines):
    """GDELT's own QuadClass puts some codes in another class than the CAMEO table (e.g. root 09 in 2):
    the SQL takes QuadClass and Goldstein from the table by EventCode, like the store."""
    _, gdelt = engines
    table = cameo_table()
    gdelt.register("cameo", table)
    differ = gdelt.execute('SELECT count(*) FROM "gdelt-bq".gdeltv2.events e JOIN cameo c ON e.EventCode = c.code '
                           "WHERE e.QuadClass <> c.quad_class").fetchone()[0]
    assert differ > 0
    same_goldstein = gdelt.execute('SELECT bool_and(e.GoldsteinScale = c.goldstein) FROM "gdelt-bq".gdeltv2.events e '
                                   "JOIN cameo c ON e.EventCode = c.code").fetchone()[0]
    assert same_goldstein  # GDELT's Goldstein agrees with the table; it is still not read (one column less)


def _tables(sql: str) -> list[tuple[str, str, str]]:
    tree = sqlglot.parse_one(sql, read="bigquery")
    ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
    return [(t.catalog, t.db, t.name) for t in tree.find_all(exp.Table) if t.name not in ctes]


def test_sql_scans_five_columns_of_the_named_table():
    """BigQuery bills the columns a query reads: the only scan of GDELT's table names five columns."""
    for table, name in [("gdelt-bq.gdeltv2.events", ("gdelt-bq", "gdeltv2", "events")),
                        ("full", ("gdelt-bq", "full", "events")), ("my-proj.copy.gdelt", ("my-proj", "copy", "gdelt"))]:
        sql = index_sql("RUS", "JPN", "month", table=table)
        tree = sqlglot.parse_one(sql, read="bigquery")
        assert _tables(sql) == [name]
        scans = [s for s in tree.find_all(exp.Select)
                 if isinstance(s.args.get("from_") or s.args.get("from"), exp.From)
                 and isinstance((s.args.get("from_") or s.args.get("from")).this, exp.Table)
                 and (s.args.get("from_") or s.args.get("from")).this.name == name[2]]
        assert len(scans) == 1
        assert [c.name for c in scans[0].expressions] == COLUMNS
        assert not any(isinstance(c, exp.Star) for c in scans[0].expressions)
        assert not {"QuadClass", "GoldsteinScale", "SOURCEURL"} & {c.name for c in tree.find_all(exp.Column)}


def test_sql_filters_the_dyad_and_buckets_dates():
    sql = index_sql("Russia", "JPN", "week", start=date(2019, 1, 1), end=date(2019, 6, 30))
    tree = sqlglot.parse_one(sql, read="bigquery")
    pairs = {(eq.this.name, eq.expression.name) for eq in tree.find_all(exp.EQ)
             if isinstance(eq.this, exp.Column) and eq.this.name in ("source_iso3", "target_iso3")}
    assert pairs == {("source_iso3", "RUS"), ("target_iso3", "JPN"), ("source_iso3", "JPN"), ("target_iso3", "RUS")}
    assert "WEEK(MONDAY)" in sql  # ISO weeks, as DuckDB's date_trunc('week'); BigQuery's bare WEEK starts on Sunday
    assert "DATE(2019, 1, 1)" in sql and "DATE(2019, 6, 30)" in sql
    assert "PARSE_DATE('%Y%m%d', CAST(" in sql  # SQLDATE is an INTEGER yyyymmdd
    for freq, unit in [("month", "MONTH"), ("quarter", "QUARTER"), ("year", "YEAR"), ("day", "DAY")]:
        assert f", {unit})" in index_sql("RUS", "JPN", freq)


def test_the_sql_compiles_without_google_libraries():
    """Ibis's BigQuery compiler is sqlglot's dialect: printing the SQL imports no Google client library."""
    code = ("import sys; from bilateral.measure.bigquery import index_sql; index_sql('RUS', 'JPN'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'google'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.strip() == "[]"


def test_quad_class_is_one_per_cameo_root():
    """The SQL maps QuadClass by the two-digit root code: that holds only while each root has one class."""
    assert cameo_table().groupby("root")["quad_class"].nunique().eq(1).all()


def test_bad_input_is_named():
    import ibis

    with pytest.raises(BilateralError, match=r"lacks GDELT's column.*NumMentions"):
        gdelt_events(ibis.table({"SQLDATE": "int64", "Actor1CountryCode": "string", "Actor2CountryCode": "string",
                                 "EventCode": "string"}, name="events"))
    with pytest.raises(BilateralError, match=r"project\.dataset\.table"):
        gdelt_table("gdelt.events")
    with pytest.raises(BilateralError, match="one state twice"):
        index_sql("RUS", "Russia")
    with pytest.raises(BilateralError, match=r"freq"):
        index_sql("RUS", "JPN", "fortnight")
    with pytest.raises(BilateralError, match="lack column"):
        panel_from_rows(pd.DataFrame({"period": []}), [("RUS", "JPN")])
    with pytest.raises(BilateralError, match="unknown metric"):
        bigquery_index("RUS", "JPN", metrics=["warmth"])


def test_running_without_the_bigquery_backend_says_what_to_install():
    try:
        import google.cloud.bigquery  # noqa: F401
        pytest.skip("the BigQuery client is installed: running would need credentials and the network")
    except ImportError:
        pass
    with pytest.raises(BilateralError, match=r"ibis-framework\[bigquery\]"):
        bigquery_index("RUS", "JPN")


class FakeBigQuery:
    """Stands in for ``ibis.bigquery`` (no network here): ``connect().sql(q, dialect="bigquery").to_pandas()``
    runs ``q`` on the GDELT-shaped DuckDB table, as the real backend would on GDELT's."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con, self.projects, self.queries = con, [], []

    def connect(self, project_id: str | None = None) -> FakeBigQuery:
        self.projects.append(project_id)
        return self

    def sql(self, query: str, dialect: str) -> FakeBigQuery:
        assert dialect == "bigquery"
        self.queries.append(query)
        return self

    def to_pandas(self) -> pd.DataFrame:
        return run(self.con, self.queries[-1])


def test_running_on_bigquery_gives_the_store_index(engines, monkeypatch):
    import ibis

    store, gdelt = engines
    fake = FakeBigQuery(gdelt)
    monkeypatch.setitem(vars(ibis), "bigquery", fake)
    result = bigquery_index("United States", "RUS", "week", project="my-billing", metrics=["count", "dyad_share"])
    pd.testing.assert_frame_equal(result, dyad_index(store.table(), "USA", "RUS", freq="week",
                                                     metrics=["count", "dyad_share"]))
    assert fake.projects == ["my-billing"] and fake.queries == [index_sql("USA", "RUS", "week")]
    out = CliRunner().invoke(app, ["index", "USA", "RUS", "--engine", "bigquery", "--freq", "month", "-f", "csv"])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.output))
    expected = dyad_index(store.table(), "USA", "RUS", freq="month")
    assert list(table["count"]) == list(expected["count"]) and list(table["period"]) == ["2018-03", "2018-04",
        "2018-05", "2018-06", "2018-07", "2018-08", "2018-09", "2018-10", "2018-11", "2018-12", "2019-01",
        "2019-02", "2019-03", "2019-04", "2019-05", "2019-06", "2019-07", "2019-08", "2019-09", "2019-10"]


def test_no_credentials_or_no_access_is_a_clear_error(monkeypatch):
    import ibis

    class NoCredentials:
        def connect(self, project_id=None):
            raise RuntimeError("Your default credentials were not found.\nTo set up ADC, see …")

    monkeypatch.setitem(vars(ibis), "bigquery", NoCredentials())
    with pytest.raises(BilateralError, match="credentials were not found — run gcloud auth"):
        bigquery_index("RUS", "JPN")

    class Refused(FakeBigQuery):
        def to_pandas(self):
            raise PermissionError("403 Access Denied: User does not have bigquery.jobs.create permission.")

    monkeypatch.setitem(vars(ibis), "bigquery", Refused(duckdb.connect()))
    with pytest.raises(BilateralError, match=r"did not run the query: 403 Access Denied.* — check the billing"):
        bigquery_index("RUS", "JPN")


def test_cli_prints_the_sql_and_refuses_what_bigquery_cannot_do():
    runner = CliRunner()
    out = runner.invoke(app, ["index", "RUS", "JPN", "--engine", "bigquery", "--sql", "--freq", "year",
                              "--from", "2016"])
    assert out.exit_code == 0, out.output
    assert out.output.strip() == index_sql("RUS", "JPN", "year", start=date(2016, 1, 1)).strip()
    for args, message in [(["--sql"], "add --engine bigquery"), (["--engine", "spark"], "not known"),
                          (["--engine", "bigquery", "--dedup", "one-a-day", "--sql"], "--dedup")]:
        out = runner.invoke(app, ["index", "RUS", "JPN", *args])
        assert out.exit_code == 2 and message in out.output and "Traceback" not in out.output
