"""The event index and the events panel as single Ibis expressions, for engines other than the store.

:func:`bilateral.measure.index.dyad_index` runs two queries and finishes in pandas. On an engine a
user reaches by SQL (BigQuery) or over files (Spark), one statement is easier to run and pay for:
:func:`panel_expr` is the period totals of all events (the denominator of ``dyad_share``) left-joined
with the directed sums of the chosen dyads (:func:`bilateral.measure.index.directed_sums`), one row
per period, direction and dataset. :func:`panel_from_rows` turns those rows, from any engine, into
one index per dyad through :func:`bilateral.measure.index.index_table`, so every engine's numbers
are finished by the same code as the store's. :func:`export_parquet` writes the store's events as
Parquet partitioned by dataset and year, which Spark reads natively.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from bilateral.codes import to_iso3
from bilateral.data.events.sql import literal
from bilateral.errors import BilateralError
from bilateral.measure.index import _window, check_metrics, directed_sums, index_table, period_totals
from bilateral.registry.frequencies import freq_code

SUM_COLUMNS = ["source_iso3", "target_iso3", "dataset", "count", "sum_g", "sum_ng", "sum_n", "cooperation",
               "conflict", "quad1", "quad2", "quad3", "quad4"]
"""The columns of :func:`bilateral.measure.index.directed_sums` besides ``period``."""


def dyads(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs as ISO3 codes, each unordered pair once, in the order given."""
    if not pairs:
        raise BilateralError("no dyads given — name at least one pair, e.g. [('RUS', 'JPN')]")
    out: list[tuple[str, str]] = []
    for a, b in pairs:
        pair = (to_iso3(a), to_iso3(b))
        if pair[0] == pair[1]:
            raise BilateralError(f"dyad {a}–{b} names one state twice — give two different states")
        if pair not in out and pair[::-1] not in out:
            out.append(pair)
    return out


def panel_expr(events: ir.Table, pairs: Sequence[tuple[str, str]] | None = None, *, freq: str = "year",
               start: date | None = None, end: date | None = None,
               datasets: Sequence[str] | None = None) -> ir.Table:
    """One statement for the events panel of ``pairs`` (default: every pair of two different states)
    on any Ibis backend.

    Rows: every period with events (``period``, ``total``), left-joined with the sums of each
    direction of each pair (:data:`SUM_COLUMNS`; NULL where the period has none). ``events`` is a
    table of normalised events (the store's ``event_rows``, its Parquet export, or GDELT's public
    table through :func:`bilateral.measure.bigquery.gdelt_events`).
    """
    code = freq_code(freq)
    source, target = events.source_iso3, events.target_iso3
    if pairs is None:
        wanted = source.notnull() & target.notnull() & (source != target)
    else:
        wanted = ibis.or_(*[((source == a) & (target == b)) | ((source == b) & (target == a)) for a, b in dyads(pairs)])
    totals = period_totals(events, code, start=start, end=end, datasets=datasets)
    sums = directed_sums(_window(events.filter(wanted), start, end, datasets), code)
    joined = totals.left_join(sums, totals.period == sums.period)
    return joined.select("period", "total", *SUM_COLUMNS).order_by(["period", "source_iso3", "target_iso3"])


def panel_from_rows(rows: pd.DataFrame, pairs: Sequence[tuple[str, str]] | None = None, *, freq: str = "year",
                    directed: bool = False, metrics: Sequence[str] | None = None, start: date | None = None,
                    end: date | None = None) -> dict[tuple[str, str], pd.DataFrame]:
    """Each pair's index from the rows of :func:`panel_expr`, whatever engine ran it.

    ``rows`` needs the columns ``period``, ``total`` and :data:`SUM_COLUMNS` (a BigQuery result or
    its CSV export has them); ``pairs`` defaults to every pair in them (A before B alphabetically);
    ``freq``, ``start`` and ``end`` must be those the rows were made with. ``directed`` keeps A→B
    only. Returns ``{(A, B): index}``, each as :func:`bilateral.measure.index.dyad_index` gives it.
    """
    check_metrics(metrics)
    lacking = [c for c in ["period", "total", *SUM_COLUMNS] if c not in rows.columns]
    if lacking:
        raise BilateralError(f"the rows lack column(s) {', '.join(lacking)} — pass the result of the panel "
                             "or index SQL (bilateral.measure.bigquery.index_sql) unchanged")
    numbers = ["total", *SUM_COLUMNS[3:]]  # NULL-able integers from SQL engines become floats with NaN
    rows = rows.assign(period=pd.to_datetime(rows["period"]), **{c: rows[c].astype("float64") for c in numbers})
    totals = rows[["period", "total"]].drop_duplicates("period")
    sums = rows.loc[rows["source_iso3"].notna(), ["period", *SUM_COLUMNS]]
    directions = list(zip(sums["source_iso3"], sums["target_iso3"], strict=True))
    pairs = dyads(pairs) if pairs is not None else sorted({tuple(sorted(d)) for d in directions})
    key = {**{(b, a): (a, b) for a, b in pairs}, **{(a, b): (a, b) for a, b in pairs}}
    groups = dict(list(sums.groupby(pd.Series([key.get(d) for d in directions], index=sums.index, dtype=object))))
    out = {}
    for a, b in pairs:
        part = groups.get((a, b), sums.iloc[:0])
        if directed:
            part = part[part["source_iso3"] == a]
        out[(a, b)] = index_table(part, totals, a, b, freq=freq_code(freq), directed=directed, dedup="none",
                                  metrics=metrics, start=start, end=end)
    return out


def export_parquet(store: str | Path | None, directory: str | Path) -> Path:
    """Write the store's events as Parquet under ``directory``, partitioned by dataset and year.

    The layout (``dataset=gdelt/year=2019/…``) is what Spark, DuckDB and BigQuery external tables
    read natively; the columns are the store's ``event_rows`` plus ``year``. ``directory`` must not
    exist yet, so a stale export is never mixed with a new one.
    """
    from bilateral.data.store import Store

    directory = Path(directory)
    if directory.exists():
        raise BilateralError(f"{directory} exists — export into a new directory (or delete the old export first)")
    with Store(store, read_only=True) as db:
        db.con.execute(f"COPY (SELECT *, year(date) AS year FROM event_rows) TO {literal(str(directory))} "
                       "(FORMAT parquet, PARTITION_BY (dataset, year))")
    return directory
