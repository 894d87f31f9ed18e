"""Events → dyadic relations series, written once as Ibis expressions (DuckDB, Spark, BigQuery).

Per directed dyad A→B and period, over events with Goldstein weights gₑ and mentions nₑ
(``../shared/docs/models.md`` §1; Goldstein 1992; Goldstein & Pevehouse 1997):

- ``count`` N; ``mean_goldstein`` Σg/N; ``weighted_goldstein`` Σnₑgₑ/Σnₑ (nₑ = 1 when a dataset
  has no mention counts);
- ``cooperation`` C = Σmax(g, 0); ``conflict`` K = Σmax(−g, 0); ``net_cooperation`` C − K;
  ``net_cooperation_norm`` (C − K)/(C + K) ∈ [−1, 1];
- ``quad1`` … ``quad4`` QuadClass counts and ``quad1_share`` … their shares of N;
  ``quad_index`` (N₁ + N₂ − N₃ − N₄)/N; ``conflict_share`` (N₃ + N₄)/N;
- ``dyad_share`` N / all events of the period (removes media-volume drift).

Undirected series: counts and sums (N, C, K, C − K, Nₖ) add the two directions; the ratio
measures are the mean of the two directions' values (models.md §1), or the one direction that
has events. Periods without events are kept, with ``no_events`` set and counts 0.
One-a-day de-duplication (Schrodt): one event per (date, source, target, CAMEO code).
By default all event datasets in the store are used except a case's own coded events
(``case:<name>``), which are a narrative selection, not a sample; name ``datasets`` to choose.
The metrics are the ``events`` rows of the series registry (:mod:`bilateral.registry.series`);
``freq`` is any value :func:`bilateral.registry.frequencies.freq_code` reads (``D`` … ``Y``,
``day`` … ``year``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from ibis import _

from bilateral.codes import to_iso3
from bilateral.data.catalog import DATASET_KEYS
from bilateral.errors import BilateralError
from bilateral.registry import series as registry
from bilateral.registry.frequencies import freq_code

#: The index metrics, in the registry's order.
METRICS = [registry.SERIES[name].metric for name in registry.steps()[registry.EVENTS]]
#: Metrics that add up over directions and periods (registry aggregation ``sum``).
ADDITIVE = [m for m in METRICS if registry.SERIES[f"{registry.EVENTS}.{m}"].aggregation == "sum"]
DEDUP = ("none", "one-a-day")
MAX_PERIODS = 100_000
"""The most periods an index may span (274 years of days): a wider range is refused, not built."""


def _period(column: ir.DateValue, freq: str) -> ir.DateValue:
    return column.truncate(freq_code(freq))


def dyad_events(events: ir.Table, a: str, b: str, *, directed: bool = False, dedup: str = "none",
                start: date | None = None, end: date | None = None,
                datasets: Sequence[str] | None = None) -> ir.Table:
    """The events between A and B (A→B only when ``directed``), filtered and de-duplicated."""
    pair = (events.source_iso3 == a) & (events.target_iso3 == b)
    if not directed:
        pair |= (events.source_iso3 == b) & (events.target_iso3 == a)
    rows = events.filter(pair)
    rows = _window(rows, start, end, datasets)
    if dedup == "one-a-day":
        keys = ["date", "source_iso3", "target_iso3", "cameo", "goldstein", "quad_class", "dataset"]
        rows = rows.group_by(keys).aggregate(mentions=rows.mentions.max())
    elif dedup != "none":
        raise BilateralError(f"dedup={dedup!r} is not known — use one of {', '.join(DEDUP)}")
    return rows


def _window(rows: ir.Table, start: date | None, end: date | None,
            datasets: Sequence[str] | None) -> ir.Table:
    """Rows from ``start`` to ``end`` of ``datasets`` (none named: all but cases' own events)."""
    if start:
        rows = rows.filter(rows.date >= start)
    if end:
        rows = rows.filter(rows.date <= end)
    if datasets:
        rows = rows.filter(rows.dataset.isin(list(datasets)))
    else:
        rows = rows.filter(~rows.dataset.startswith("case:"))
    return rows


def directed_sums(rows: ir.Table, freq: str) -> ir.Table:
    """Per period, direction and dataset: the sums every metric is made from."""
    t = rows.mutate(period=_period(rows.date, freq), n=rows.mentions.fill_null(1).cast("float64"))
    quads = {f"quad{k}": (_.quad_class == k).cast("int64").sum() for k in range(1, 5)}
    return (t.group_by(["period", "source_iso3", "target_iso3", "dataset"])
            .aggregate(count=_.count(), sum_g=_.goldstein.sum(), sum_ng=(_.n * _.goldstein).sum(),
                       sum_n=_.n.sum(), cooperation=ibis.greatest(_.goldstein, 0).sum(),
                       conflict=ibis.greatest(-_.goldstein, 0).sum(), **quads))


def period_totals(events: ir.Table, freq: str, *, start: date | None = None, end: date | None = None,
                  datasets: Sequence[str] | None = None) -> ir.Table:
    """All events per period (the denominator of ``dyad_share``).

    Counted per day and dataset first, then the few thousand days are filtered by dataset and summed
    into periods: truncating every event's date costs three times a group by the date itself."""
    days = events.filter(events.date >= start) if start else events
    days = days.filter(days.date <= end) if end else days
    daily = _window(days.group_by(["date", "dataset"]).aggregate(total=_.count()), None, None, datasets)
    return daily.mutate(period=_period(daily.date, freq)).group_by("period").aggregate(total=daily.total.sum())


def _ratios(frame: pd.DataFrame) -> pd.DataFrame:
    n = frame["count"].replace(0, np.nan)
    out = pd.DataFrame(index=frame.index)
    out["mean_goldstein"] = frame["sum_g"] / n
    out["weighted_goldstein"] = frame["sum_ng"] / frame["sum_n"].replace(0, np.nan)
    volume = (frame["cooperation"] + frame["conflict"]).replace(0, np.nan)
    out["net_cooperation_norm"] = (frame["cooperation"] - frame["conflict"]) / volume
    out["quad_index"] = (frame["quad1"] + frame["quad2"] - frame["quad3"] - frame["quad4"]) / n
    out["conflict_share"] = (frame["quad3"] + frame["quad4"]) / n
    for k in range(1, 5):
        out[f"quad{k}_share"] = frame[f"quad{k}"] / n
    return out


def assemble(sums: pd.DataFrame, totals: pd.DataFrame, a: str, b: str, *, freq: str, directed: bool,
             start: date | None, end: date | None) -> pd.DataFrame:
    """Turn per-direction sums into the metric table on a complete PeriodIndex."""
    code = freq_code(freq)
    sums = sums.assign(period=pd.PeriodIndex(pd.to_datetime(sums["period"]), freq=code))
    first = pd.Period(start, code) if start else (sums["period"].min() if len(sums) else None)
    last = pd.Period(end, code) if end else (sums["period"].max() if len(sums) else None)
    if first is None:
        raise BilateralError(f"no {a}–{b} events in the store for this selection — ingest event data "
                             "into the store first (Store.ingest), or widen start and end")
    span = last.ordinal - first.ordinal + 1
    if span > MAX_PERIODS:
        raise BilateralError(f"{first} to {last} is {span:,} periods at frequency {freq!r}, more than "
                             f"{MAX_PERIODS:,} — narrow start and end or choose a coarser frequency")
    index = pd.period_range(first, last, freq=code, name="period")
    directions = [(a, b)] if directed else [(a, b), (b, a)]
    per_direction = []
    for source, target in directions:
        part = sums[(sums["source_iso3"] == source) & (sums["target_iso3"] == target)]
        part = part.set_index("period").drop(columns=["source_iso3", "target_iso3"]).reindex(index)
        part = part.fillna({c: 0 for c in part.columns})
        per_direction.append((part, _ratios(part)))
    summed = [c for c in ADDITIVE if c != "net_cooperation"]
    result = sum(part[summed] for part, _ratio in per_direction)
    result.insert(3, "net_cooperation", result["cooperation"] - result["conflict"])
    ratios = pd.concat([ratio for _part, ratio in per_direction]).groupby(level=0).mean()
    result = result.join(ratios.reindex(index))
    total = totals.assign(period=pd.PeriodIndex(pd.to_datetime(totals["period"]), freq=code))
    total = total.set_index("period")["total"].reindex(index)
    result["dyad_share"] = result["count"] / total.replace(0, np.nan)
    result = result.astype({c: "int64" for c in ("count", "quad1", "quad2", "quad3", "quad4")})
    result["no_events"] = result["count"] == 0
    return result


def dyad_index(events: ir.Table, a: str, b: str, *, freq: str = "month", directed: bool = False,
               metrics: Sequence[str] | None = None, dedup: str = "none", start: date | None = None,
               end: date | None = None, datasets: Sequence[str] | None = None) -> pd.DataFrame:
    """The A–B relations series from an Ibis table of normalised events (any backend).

    Parameters
    ----------
    events
        An Ibis table of normalised event rows (DuckDB, Spark, BigQuery, …).
    a, b
        ISO3 codes or anything `bilateral.to_iso3` reads.
    freq
        A code or word of `bilateral.registry.frequencies` (``M``, ``month``, ``Y``, …).
    directed
        Count only events from ``a`` to ``b`` (default: both directions).
    metrics
        Index metrics to keep (default: all of them).
    dedup
        How repeated reports of one event are collapsed (``none`` keeps every row).
    start, end
        Dates bounding the events counted.
    datasets
        Only events of these datasets (e.g. ``["icews"]``).

    Returns
    -------
    pandas.DataFrame
        One row per period, one column per metric. ``attrs``: ``sources`` (sorted citation keys
        of the datasets used and of the metrics), ``dyad``, ``freq`` (the code), ``directed``,
        ``dedup``.

    Examples
    --------
    >>> with bilateral.Store(read_only=True) as db:
    ...     table = bilateral.dyad_index(db.table(), "RUS", "JPN", freq="month")
    """
    freq = freq_code(freq)
    a, b = to_iso3(a), to_iso3(b)
    check_metrics(metrics)
    rows = dyad_events(events, a, b, directed=directed, dedup=dedup, start=start, end=end,
                       datasets=datasets)
    by_dataset = directed_sums(rows, freq).to_pandas()
    totals = (period_totals(events, freq, start=start, end=end, datasets=datasets).to_pandas()
              if "dyad_share" in (metrics or METRICS) else pd.DataFrame({"period": [], "total": []}))
    return index_table(by_dataset, totals, a, b, freq=freq, directed=directed, dedup=dedup, metrics=metrics,
                       start=start, end=end)


def check_metrics(metrics: Sequence[str] | None) -> None:
    """Refuse metric names that are not index metrics, before any query runs."""
    unknown = [m for m in metrics or [] if m not in METRICS]
    if unknown:
        raise BilateralError(f"unknown metric(s) {', '.join(unknown)} — use any of {', '.join(METRICS)}")


def index_table(by_dataset: pd.DataFrame, totals: pd.DataFrame, a: str, b: str, *, freq: str, directed: bool,
                dedup: str, metrics: Sequence[str] | None, start: date | None, end: date | None) -> pd.DataFrame:
    """The index from the results of :func:`directed_sums` and :func:`period_totals`, whichever engine ran
    them (DuckDB, Spark, BigQuery): the metrics on a complete PeriodIndex, with the ``attrs`` of
    :func:`dyad_index`."""
    used = sorted(by_dataset["dataset"].unique())
    keys = ["period", "source_iso3", "target_iso3"]
    sums = by_dataset.drop(columns="dataset").groupby(keys, as_index=False).sum()
    wanted = metrics or METRICS
    table = assemble(sums, totals, a, b, freq=freq, directed=directed, start=start, end=end)
    table = table[[*wanted, "no_events"]]
    cited = {k for m in wanted for k in registry.SERIES[f"{registry.EVENTS}.{m}"].citation}
    table.attrs["sources"] = sorted({DATASET_KEYS.get(d, d) for d in used} | cited)
    table.attrs["dyad"] = (a, b)
    table.attrs["freq"] = freq
    table.attrs["directed"] = directed
    table.attrs["dedup"] = dedup
    return table


def relations_index(a: str, b: str, *, store: str | Path | None = None, **options: object) -> pd.DataFrame:
    """The A–B relations index from the event store (`bilateral.index`): `dyad_index` over it.

    Parameters
    ----------
    a, b
        ISO3 codes or country names.
    store
        The event store (default ``$BILATERAL_HOME/store.duckdb``), opened read-only.
    **options
        Passed to `dyad_index`: ``freq``, ``directed``, ``metrics``, ``dedup``, ``start``,
        ``end``, ``datasets``.

    Returns
    -------
    pandas.DataFrame
        One row per period (a PeriodIndex), one column per metric and ``no_events``; citation
        keys in ``attrs["sources"]``.

    Examples
    --------
    >>> monthly = bilateral.index("Russia", "Japan", freq="M")
    >>> monthly[["count", "net_cooperation_norm", "mean_goldstein"]]
    """
    from bilateral.data.store import Store

    with Store(store, read_only=True) as db:
        return dyad_index(db.table(), a, b, **options)
