"""The report's figures for the objects a notebook holds: plotly figures, shown inline.

    bilateral.plot_index(bilateral.index("RUS", "JPN"))       # the event index: counts and a metric
    bilateral.plot_series(bilateral.panel("RUS", "JPN").add("unga")["unga.agreement"])
    bilateral.plot_timeline("russia-japan")                    # the case's events over leader tenures
    bilateral.plot_latent(bilateral.relation_index("RUS", "JPN", case="russia-japan"))
    bilateral.plot_simulation(bilateral.simulate.run("russia-japan"), "distribution")

Each draws with the function the report uses (in `bilateral.analysis`); a result of an
`bilateral.Analysis` gives the same figures with ``.plot(name)``. ``DataFrame.plot()``
needs matplotlib or a plotting backend that takes the index's boolean ``no_events`` column;
`plot_index` needs neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from bilateral.errors import BilateralError


def plot_index(table: pd.DataFrame, metric: str | None = None) -> go.Figure:
    """The event index of a dyad: bars of event counts, ``metric`` as a line, empty periods as gaps.

    Parameters
    ----------
    table
        What `bilateral.index` returns (a PeriodIndex, the metric columns, ``no_events``).
    metric
        The column drawn as a line (default ``net_cooperation_norm``, else the first column).
    """
    from bilateral.analysis.relations import index_figure

    if not isinstance(table, pd.DataFrame) or not isinstance(table.index, pd.PeriodIndex) or table.empty:
        raise BilateralError("plot_index(table=…): give the DataFrame bilateral.index() returns "
                             "(periods as its index, at least one period)")
    if metric is not None and metric not in table.columns:
        raise BilateralError(f"plot_index(metric={metric!r}): no such column — use one of "
                             f"{', '.join(map(str, table.columns))}")
    return index_figure(table, metric)


def plot_series(series: pd.Series, title: str | None = None, marks: Sequence[str] = ()) -> go.Figure:
    """One series on its periods (a panel column, an index metric), with dates marked as dotted lines.

    Parameters
    ----------
    series
        A pandas Series on a PeriodIndex, e.g. ``panel["unga.agreement"]``.
    title
        The figure's title (default the series' name).
    marks
        Dates to mark (``YYYY-MM-DD``), e.g. the days of the case's events.
    """
    from bilateral.analysis.evidence import series_figure

    if not isinstance(series, pd.Series) or not isinstance(series.index, pd.PeriodIndex):
        raise BilateralError("plot_series(series=…): give a pandas Series on a PeriodIndex, "
                             "e.g. a column of bilateral.panel(…)")
    try:
        stamps = [pd.Timestamp(m) for m in marks]
    except ValueError as err:
        raise BilateralError(f"plot_series(marks=…): {err} — give dates as YYYY-MM-DD") from None
    return series_figure(series, title or str(series.name or ""), [s.isoformat() for s in stamps])


def plot_timeline(case: Any = "russia-japan") -> go.Figure:
    """The case's events (Goldstein on the y axis) over the leaders' tenures.

    Parameters
    ----------
    case
        A `bilateral.Case`, a built-in case name or a case folder.
    """
    from bilateral.analysis.overview import timeline_figure
    from bilateral.case import Case, load_case

    case = case if isinstance(case, Case) else load_case(case)
    return timeline_figure(case, case.table("events"))


def plot_latent(index: Any) -> go.Figure:
    """The latent relation index with its 90 % band (what `bilateral.relation_index` returns)."""
    from bilateral.analysis.latent import latent_figure
    from bilateral.measure.latent import LatentIndex

    if not isinstance(index, LatentIndex):
        raise BilateralError(f"plot_latent(index=…): give a LatentIndex (bilateral.relation_index(…)), "
                             f"not {type(index).__name__}")
    return latent_figure(index)


def plot_simulation(simulation: Any, name: str | None = None) -> go.Figure:
    """A figure of a `bilateral.simulate.run` result: ``winsets`` (default), ``distribution``
    (with Monte Carlo runs) or ``eum_trace`` (when the EUM ran)."""
    from bilateral.analysis.negotiation import NegotiationResult
    from bilateral.simulate import Simulation

    if not isinstance(simulation, Simulation):
        raise BilateralError(f"plot_simulation(simulation=…): give what bilateral.simulate.run() returns, "
                             f"not {type(simulation).__name__}")
    return NegotiationResult(simulation=simulation).plot(name)
