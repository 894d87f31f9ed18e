"""The event index on BigQuery, over GDELT's public tables, for the faces (``bilateral index --engine
bigquery``): the SQL to paste into the console, or the index run there (:mod:`bilateral.measure.bigquery`)."""

from __future__ import annotations

from datetime import date

from bilateral.analysis.relations import RelationsResult, relations


def bigquery_sql(a: str, b: str, *, freq: str = "month", start: date | None = None, end: date | None = None) -> str:
    """The BigQuery SQL of the A–B index rows over ``gdelt-bq.gdeltv2.events``."""
    from bilateral.measure.bigquery import index_sql

    return index_sql(a, b, freq, start=start, end=end)


def bigquery_relations(a: str, b: str, *, freq: str = "month", **options: object) -> RelationsResult:
    """The A–B index computed on BigQuery; ``options`` go to :func:`bilateral.measure.bigquery.bigquery_index`."""
    from bilateral.measure.bigquery import bigquery_index

    table = bigquery_index(a, b, freq, **options)
    return relations(table, tuple(table.attrs["dyad"]), freq)
