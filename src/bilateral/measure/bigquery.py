"""The event index and the events panel on BigQuery, over GDELT's public event tables, through Ibis.

GDELT publishes its events in BigQuery: ``gdelt-bq.gdeltv2.events`` (GDELT 2.0, from February
2015) and ``gdelt-bq.full.events`` (GDELT 1.0, from 1979), both with the columns of the GDELT event
codebook (``SQLDATE`` INTEGER, ``Actor1CountryCode`` STRING, ``EventCode`` STRING, ``NumMentions``
INTEGER …). :func:`gdelt_events` maps such a table to the store's normalised events by the rules the
store applies when it ingests a GDELT file (:mod:`bilateral.data.events.sql`):

- a row counts only if the store would keep it: a date from 1979-01-01 to a year from today, a
  CAMEO code of the codebook, and actor country codes that are empty, ISO3 codes, renamed codes
  (``SUN`` → RUS, ``ROM`` → ROU …) or CAMEO regions (stored without a country);
- Goldstein weight and QuadClass come from bilateral's CAMEO table by ``EventCode``, as in the
  store. GDELT's own ``QuadClass`` column differs for some codes (e.g. it puts root 09 in class 2),
  so it is not read, nor is ``GoldsteinScale``;
- ``mentions`` is ``NumMentions``; the dataset is ``gdelt``. Unlike the store, nothing is
  de-duplicated by event id (GDELT's table has one row per ``GLOBALEVENTID``).

:func:`index_sql` and :func:`panel_sql` compile :func:`bilateral.measure.engines.panel_expr` over that
mapping with Ibis's BigQuery compiler, which needs no Google client library: the SQL can be pasted
into the BigQuery console. It reads only the five columns of :data:`COLUMNS` — BigQuery bills by the
columns a query scans, whatever its filters. :func:`panel_from_rows` (re-exported) turns the result
into indices; :func:`bigquery_index` runs the query itself when the Ibis BigQuery backend
(``pip install 'ibis-framework[bigquery]'``) and Google credentials are installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import ibis
import ibis.backends.sql.compilers as compilers
import ibis.expr.types as ir
import pandas as pd

from bilateral.codes import CAMEO_COUNTRIES, CAMEO_REGIONS, SUCCESSORS, cameo_table, iso3_codes
from bilateral.data.events.formats import GDELT2
from bilateral.errors import BilateralError
from bilateral.measure.engines import dyads, panel_expr, panel_from_rows
from bilateral.measure.index import check_metrics

__all__ = ["COLUMNS", "DEFAULT_TABLE", "SCHEMA", "TABLES", "bigquery_index", "gdelt_events", "gdelt_table", "index_sql",
           "panel_from_rows", "panel_sql"]

TABLES = {"gdeltv2": "gdelt-bq.gdeltv2.events", "full": "gdelt-bq.full.events"}
"""GDELT's public event tables: GDELT 2.0 (2015-02-18 on) and GDELT 1.0 (1979 on)."""
DEFAULT_TABLE = TABLES["gdeltv2"]
COLUMNS = ["SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "EventCode", "NumMentions"]
"""The only columns of GDELT's table the queries read."""
_FLOAT = ("FractionDate", "GoldsteinScale", "AvgTone", "_Lat", "_Long")
_INTEGER = ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "IsRootEvent", "QuadClass", "NumMentions",
            "NumSources", "NumArticles", "Geo_Type", "DATEADDED")
SCHEMA = {name: "float64" if name.endswith(_FLOAT) else "int64" if name.endswith(_INTEGER) else "string"
          for name in GDELT2.columns}
"""GDELT 2.0's event table in BigQuery as the codebook types it (INTEGER, FLOAT, STRING)."""
SQL_WIDTH = 10_000
"""Lines of the printed SQL may be this long, so the code lists stay on one line each."""


def gdelt_table(table: str = DEFAULT_TABLE) -> ir.Table:
    """An unbound Ibis table for GDELT's ``project.dataset.table`` (or a key of :data:`TABLES`)."""
    name = TABLES.get(table, table)
    parts = name.split(".")
    if len(parts) != 3 or not all(parts):
        raise BilateralError(f"table {table!r} is not project.dataset.table — use e.g. {DEFAULT_TABLE} "
                             f"or one of {', '.join(TABLES)}")
    project, dataset, name = parts
    return ibis.table(SCHEMA, name=name, catalog=project, database=dataset)


def _country(code: ir.StringValue) -> tuple[ir.StringValue, ir.BooleanValue]:
    """The ISO3 code of an actor country field and whether the store would accept the field."""
    upper = code.upper()
    renamed = {**SUCCESSORS, **CAMEO_COUNTRIES}
    iso3 = ibis.cases(*[(upper == old, new) for old, new in renamed.items()],
                      (upper.isin(list(CAMEO_REGIONS)), ibis.null("string")), else_=upper)
    known = code.isnull() | upper.isin([*iso3_codes(), *renamed, *CAMEO_REGIONS])
    return iso3, known


def gdelt_events(raw: ir.Table) -> ir.Table:
    """GDELT's event table (any backend) as the store's normalised events, by the store's rules.

    Columns: ``date``, ``source_iso3``, ``target_iso3``, ``cameo``, ``goldstein``, ``quad_class``,
    ``mentions``, ``dataset``; only rows the store would keep.
    """
    lacking = [c for c in COLUMNS if c not in raw.columns]
    if lacking:
        raise BilateralError(f"the table lacks GDELT's column(s) {', '.join(lacking)} — give a GDELT event table "
                             f"with the codebook's column names ({', '.join(COLUMNS)} are read)")
    raw = raw.select(*COLUMNS)
    table = cameo_table()
    quads = table.groupby("root")["quad_class"].first()  # one class per root code in the CAMEO table
    code = raw.EventCode
    source, source_known = _country(raw.Actor1CountryCode)
    target, target_known = _country(raw.Actor2CountryCode)
    day = raw.SQLDATE.cast("string").as_date("%Y%m%d")
    first = int(GDELT2.first_date.replace("-", ""))
    kept = raw.filter(code.isin(list(table["code"])), source_known, target_known, raw.SQLDATE >= first,
                      day <= ibis.today() + ibis.interval(days=366))
    return kept.select(
        date=day, source_iso3=source, target_iso3=target, cameo=code,
        goldstein=code.cases(*[(c, ibis.literal(float(g), "float64"))
                               for c, g in zip(table["code"], table["goldstein"], strict=True)]),
        quad_class=code.left(2).cases(*[(root, ibis.literal(int(q), "int8")) for root, q in quads.items()]),
        mentions=raw.NumMentions, dataset=ibis.literal(GDELT2.dataset))


def panel_sql(pairs: Sequence[tuple[str, str]] | None = None, freq: str = "year", *, table: str = DEFAULT_TABLE,
              start: date | None = None, end: date | None = None) -> str:
    """BigQuery SQL for the events panel of ``pairs`` (default every pair of states) over GDELT's
    ``table``: one statement whose rows :func:`panel_from_rows` turns into one index per pair
    (columns of :func:`bilateral.measure.engines.panel_expr`)."""
    expr = panel_expr(gdelt_events(gdelt_table(table)), pairs, freq=freq, start=start, end=end)
    compiler = compilers.bigquery.compiler  # what ibis.to_sql(expr, dialect="bigquery") uses
    return compiler.to_sqlglot(expr.unbind()).sql(dialect=compiler.dialect, pretty=True, max_text_width=SQL_WIDTH)


def index_sql(a: str, b: str, freq: str = "month", *, table: str = DEFAULT_TABLE, start: date | None = None,
              end: date | None = None) -> str:
    """BigQuery SQL for the A–B event index over GDELT's ``table`` (:func:`panel_sql` of one pair).

    Examples
    --------
    >>> sql = index_sql("RUS", "JPN", "month", start=date(2019, 1, 1))
    >>> "`gdelt-bq`.`gdeltv2`.`events`" in sql
    True
    """
    return panel_sql([(a, b)], freq, table=table, start=start, end=end)


def bigquery_index(a: str, b: str, freq: str = "month", *, table: str = DEFAULT_TABLE, project: str | None = None,
                   directed: bool = False, metrics: Sequence[str] | None = None, start: date | None = None,
                   end: date | None = None) -> pd.DataFrame:
    """Run :func:`index_sql` on BigQuery (billed to ``project``, default the credentials' project)
    and return the index as :func:`bilateral.measure.index.dyad_index` does.

    Needs ``pip install 'ibis-framework[bigquery]'`` and Google credentials
    (``gcloud auth application-default login``).
    """
    check_metrics(metrics)
    try:
        connection = ibis.bigquery.connect(project_id=project)
    except ImportError as err:
        raise BilateralError(f"running on BigQuery needs the Ibis BigQuery backend ({_first_line(err)}) "
                             "— pip install "
                             "'ibis-framework[bigquery]', or print the SQL (bilateral index A B --engine "
                             "bigquery --sql) and run it in the BigQuery console") from None
    except Exception as err:  # google.auth's DefaultCredentialsError and kin: no credentials or project
        raise BilateralError(f"could not connect to BigQuery: {_first_line(err)} — run gcloud auth "
                             "application-default login and name a billing project") from None
    pair = dyads([(a, b)])[0]
    query = index_sql(*pair, freq, table=table, start=start, end=end)
    try:
        rows = connection.sql(query, dialect="bigquery").to_pandas()
    except Exception as err:  # google.api_core's Forbidden, BadRequest …: billing, quota, access
        raise BilateralError(f"BigQuery did not run the query: {_first_line(err)} — check the billing project, "
                             "its quota and access to the table") from None
    return panel_from_rows(rows, [pair], freq=freq, directed=directed, metrics=metrics, start=start, end=end)[pair]


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0].rstrip(".") if str(err).strip() else type(err).__name__
