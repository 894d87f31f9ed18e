"""Measured relations: a dyad's event index from the store, summarised and drawn.

The index itself is :func:`bilateral.measure.index.dyad_index` (formulas in docs/events.md); this
part adds what a reader asks of it — how many events, over which months, the busiest month and
the mean level — and the figure, with the case's leaders and events when a case is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bilateral.analysis.overview import case_tenures
from bilateral.analysis.result import Result, _cited
from bilateral.case import Case

DEFAULT_METRIC = "net_cooperation_norm"


def index_figure(table: pd.DataFrame, metric: str | None = None) -> go.Figure:
    """A dyadic index over time: bars of event counts, the chosen metric as a line.

    ``metric`` defaults to ``net_cooperation_norm`` (or the table's first metric); periods
    without events show as gaps.
    """
    metric = metric or (DEFAULT_METRIC if DEFAULT_METRIC in table else table.columns[0])
    x = table.index.to_timestamp()
    a, b = table.attrs.get("dyad", ("A", "B"))
    values = table[metric].where(~table["no_events"]) if "no_events" in table and metric != "count" \
        else table[metric]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    if "count" in table:
        fig.add_trace(go.Bar(x=x, y=table["count"], name="events", marker_color="#c7d2e4", opacity=0.7),
                      secondary_y=True)
    fig.add_trace(go.Scatter(x=x, y=values, mode="lines+markers", name=metric,
                             line={"color": "#1f4e9a", "width": 2}, connectgaps=False), secondary_y=False)
    fig.update_yaxes(title_text=metric.replace("_", " "), secondary_y=False)
    fig.update_yaxes(title_text="events", secondary_y=True, showgrid=False, rangemode="tozero")
    sources = ", ".join(table.attrs.get("sources", []))
    fig.update_layout(title=f"{a}–{b} relations ({sources})", template="plotly_white", height=420,
                      legend={"orientation": "h", "y": -0.15}, margin={"l": 60, "r": 60, "t": 50, "b": 40})
    return fig


def measured_figure(table: pd.DataFrame, case: Case, events: pd.DataFrame) -> go.Figure:
    """The index with the first state's leader tenures shaded and the case's events marked."""
    fig = index_figure(table)
    start, end = table.index[0].start_time, table.index[-1].end_time.normalize()
    for i, tenure in enumerate(case_tenures(case, case.dyad[0], start).itertuples()):
        if tenure.start <= end:
            fig.add_vrect(x0=max(tenure.start, start), x1=min(tenure.end, end), line_width=0,
                          fillcolor="#888" if i % 2 == 0 else "#fff", opacity=0.08,
                          annotation_text=tenure.name.split()[-1], annotation_position="top left")
    inside = events[(events["day"] >= start) & (events["day"] <= end)] if len(events) else events
    if len(inside):
        fig.add_trace(go.Scatter(
            x=inside["day"], y=[1.08] * len(inside), mode="markers", name="case events",
            marker={"symbol": "triangle-down", "size": 11, "color": "#b22222"},
            customdata=inside[["id", "summary", "source", "locator"]].to_numpy(),
            hovertemplate="<b>%{customdata[0]}</b> %{x|%Y-%m-%d}<br>%{customdata[1]}<br>"
                          "%{customdata[2]} %{customdata[3]}<extra></extra>"), secondary_y=False)
    if table.attrs.get("metric", DEFAULT_METRIC) == DEFAULT_METRIC:
        fig.update_yaxes(range=[-1.1, 1.15], secondary_y=False)
    return fig


@dataclass(frozen=True, repr=False, kw_only=True)
class RelationsResult(Result):
    """The measured relations part: the dyad's event index from the store.

    Attributes
    ----------
    dyad
        The two states (ISO3).
    freq
        The index's frequency code (``M``).
    index
        The index table (`bilateral.index`): one row per period, one column per metric
        (``table()``).
    case
        The case whose events and periods decorate the figure.

    Examples
    --------
    >>> rel = bilateral.Analysis("russia-japan").relations
    >>> rel.reason                         # "" — or, without an event store, what to ingest
    >>> rel.summary()["peak"]              # the busiest month
    """

    dyad: tuple[str, str] = ("", "")
    freq: str = "M"
    index: pd.DataFrame | None = None
    case: Case | None = None

    def table(self) -> pd.DataFrame:
        if self.index is None:
            return super().table()
        return _cited(self.index.copy(), self.sources)

    def summary(self) -> dict[str, Any]:
        out = {**super().summary(), "dyad": list(self.dyad), "freq": self.freq}
        if not self.available or self.index is None:
            return out
        table = self.index
        active = table[~table["no_events"]]
        peak = active["count"].idxmax() if len(active) else None
        out.update({
            "events": int(table["count"].sum()), "first": str(table.index[0]), "last": str(table.index[-1]),
            "periods": len(table), "empty_periods": int(table["no_events"].sum()),
            "peak": str(peak) if peak is not None else None,
            "peak_count": int(active.loc[peak, "count"]) if peak is not None else 0,
            "mean_norm": float(active[DEFAULT_METRIC].mean()) if DEFAULT_METRIC in active and len(active) else None,
        })
        return out

    def figures(self) -> dict[str, go.Figure]:
        if not self.available or self.index is None:
            return {}
        if self.case is None:
            return {"index": index_figure(self.index)}
        return {"measured": measured_figure(self.index, self.case, self.case.table("events"))}


def relations(table: pd.DataFrame | None, dyad: tuple[str, str], freq: str, *, case: Case | None = None,
              reason: str = "") -> RelationsResult:
    """Wrap an index table (or the reason there is none) as a result."""
    if table is None:
        return RelationsResult(available=False, reason=reason, dyad=dyad, freq=freq, case=case)
    return RelationsResult(dyad=dyad, freq=freq, index=table, case=case,
                           sources=tuple(table.attrs.get("sources", ())))
