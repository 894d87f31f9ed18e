"""Figures of the report (plotly), each returned as a ``go.Figure``."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bilateral.case import Case

CATEGORY_COLOURS = {
    "summit": "#1f77b4", "visit": "#17becf", "agreement": "#2ca02c", "territorial": "#8c564b",
    "military": "#d62728", "economic": "#bcbd22", "energy": "#ff7f0e", "disaster": "#9467bd",
    "sanctions": "#e377c2", "incident": "#7f7f7f", "statement": "#aec7e8", "domestic": "#c5b0d5",
    "third_party": "#98df8a", "history": "#c49c94",
}


def _tenures(case: Case, country: str, floor: date) -> pd.DataFrame:
    rows = [(leader.name, leader.start, leader.end or date.today()) for leader in case.leaders
            if leader.country == country and (leader.end or date.today()) >= floor]
    return pd.DataFrame(rows, columns=["name", "start", "end"]).sort_values("start")


def timeline(case: Case) -> go.Figure:
    """The case's events (Goldstein on y) over shaded leader tenures, with a leaders strip below.

    Shading alternates with each tenure of the dyad's first state; the strip shows both states'
    leaders. Hovering an event shows its summary, CAMEO code and citation.
    """
    events = case.table("events")
    first, second = case.dyad
    start = min(events["day"]).date() if not events.empty else date(1945, 1, 1)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.82, 0.18],
                        vertical_spacing=0.03)
    for category, group in events.groupby("category"):
        fig.add_trace(go.Scatter(
            x=group["day"], y=group["goldstein"], mode="markers", name=category,
            marker={"size": 9, "color": CATEGORY_COLOURS.get(category, "#333"),
                    "line": {"width": 0.5, "color": "white"}},
            customdata=group[["id", "date", "summary", "cameo", "source", "locator"]].to_numpy(),
            hovertemplate=("<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]}<br>"
                           "CAMEO %{customdata[3]}, Goldstein %{y}<br>"
                           "%{customdata[4]} %{customdata[5]}<extra></extra>"),
        ), row=1, col=1)
    for i, tenure in enumerate(_tenures(case, first, start).itertuples()):
        if i % 2 == 0:
            fig.add_vrect(x0=tenure.start, x1=tenure.end, fillcolor="#888", opacity=0.08,
                          line_width=0, row=1, col=1)
    for y, country in ((1, first), (0, second)):
        tenures = _tenures(case, country, start)
        for i, tenure in enumerate(tenures.itertuples()):
            fig.add_trace(go.Scatter(
                x=[tenure.start, tenure.end], y=[y, y], mode="lines", showlegend=False,
                line={"width": 10, "color": ("#b22222", "#e9967a")[i % 2] if y else
                      ("#1e3a8a", "#60a5fa")[i % 2]},
                hovertemplate=f"{tenure.name} ({country})<br>{tenure.start} – {tenure.end}"
                              "<extra></extra>",
            ), row=2, col=1)
    fig.update_yaxes(title_text="Goldstein (−10 conflict … +10 cooperation)", range=[-10.5, 10.5],
                     zeroline=True, row=1, col=1)
    fig.update_yaxes(tickvals=[1, 0], ticktext=[first, second], range=[-0.7, 1.7], row=2, col=1)
    spans = [(15, "15 y"), (40, "40 y"), (80, "80 y")]
    fig.update_xaxes(rangeslider={"visible": False}, row=1, col=1, rangeselector={
        "buttons": [{"count": n, "label": label, "step": "year", "stepmode": "backward"}
                    for n, label in spans] + [{"step": "all", "label": "all"}],
        "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"})
    fig.update_layout(height=620, margin={"l": 60, "r": 20, "t": 70, "b": 40},
                      legend={"orientation": "h", "y": 1.12, "x": 0}, template="plotly_white",
                      hovermode="closest")
    return fig


def index_figure(table: pd.DataFrame, metric: str | None = None) -> go.Figure:
    """A dyadic index over time: bars of event counts, the chosen metric as a line.

    ``metric`` defaults to ``net_cooperation_norm`` (or the first metric of the table); periods
    without events show as gaps.
    """
    metric = metric or ("net_cooperation_norm" if "net_cooperation_norm" in table else table.columns[0])
    x = table.index.to_timestamp()
    a, b = table.attrs.get("dyad", ("A", "B"))
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    if "count" in table:
        fig.add_trace(go.Bar(x=x, y=table["count"], name="events", marker_color="#c7d2e4", opacity=0.7),
                      secondary_y=True)
    fig.add_trace(go.Scatter(x=x, y=table[metric], mode="lines+markers", name=metric,
                             line={"color": "#1f4e9a", "width": 2}, connectgaps=False), secondary_y=False)
    fig.update_yaxes(title_text=metric.replace("_", " "), secondary_y=False)
    fig.update_yaxes(title_text="events", secondary_y=True, showgrid=False, rangemode="tozero")
    sources = ", ".join(table.attrs.get("sources", []))
    fig.update_layout(title=f"{a}–{b} relations ({sources})", template="plotly_white", height=420,
                      legend={"orientation": "h", "y": -0.15}, margin={"l": 60, "r": 60, "t": 50, "b": 40})
    return fig


def measured_figure(table: pd.DataFrame, case: Case) -> go.Figure:
    """The monthly index with the first state's leader tenures shaded and the case's events marked."""
    fig = index_figure(table)
    start, end = table.index[0].start_time.date(), table.index[-1].end_time.date()
    first = case.dyad[0]
    for i, tenure in enumerate(_tenures(case, first, start).itertuples()):
        if tenure.end >= start and tenure.start <= end:
            fig.add_vrect(x0=max(tenure.start, start), x1=min(tenure.end, end), line_width=0,
                          fillcolor="#888" if i % 2 == 0 else "#fff", opacity=0.08,
                          annotation_text=tenure.name.split()[-1], annotation_position="top left")
    events = case.table("events")
    inside = events[(events["day"].dt.date >= start) & (events["day"].dt.date <= end)]
    if len(inside):
        fig.add_trace(go.Scatter(
            x=inside["day"], y=[1.08] * len(inside), mode="markers", name="case events",
            marker={"symbol": "triangle-down", "size": 11, "color": "#b22222"},
            customdata=inside[["id", "summary", "source", "locator"]].to_numpy(),
            hovertemplate="<b>%{customdata[0]}</b> %{x|%Y-%m-%d}<br>%{customdata[1]}<br>"
                          "%{customdata[2]} %{customdata[3]}<extra></extra>"), secondary_y=False)
    fig.update_yaxes(range=[-1.1, 1.15], secondary_y=False)
    return fig
