"""The case at a glance: its records counted, its events by period and the timeline figure.

The events are the ones the case's sources chose to mention — a reading of the narrative, not a
measurement of relations (that is :mod:`bilateral.analysis.relations`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bilateral.analysis.result import Result, _cited
from bilateral.case import Case
from bilateral.case.select import events_by_period
from bilateral.measure.leaders import case_tenures as leader_tenures

#: Periods with fewer coded events than this are not ranked by their mean Goldstein.
MIN_EVENTS = 10

CATEGORY_COLOURS = {
    "summit": "#1f77b4", "visit": "#17becf", "agreement": "#2ca02c", "territorial": "#8c564b",
    "military": "#d62728", "economic": "#bcbd22", "energy": "#ff7f0e", "disaster": "#9467bd",
    "sanctions": "#e377c2", "incident": "#7f7f7f", "statement": "#aec7e8", "domestic": "#c5b0d5",
    "third_party": "#98df8a", "history": "#c49c94",
}


def case_tenures(case: Case, country: str, floor: date | None = None) -> pd.DataFrame:
    """The case's tenures of ``country`` (``name``, ``start``, ``end``; a sitting leader's ends
    today) that end on or after ``floor``, in order."""
    frame = leader_tenures(case, country)
    frame["end"] = frame["end"].fillna(pd.Timestamp(date.today()))
    if floor is not None:
        frame = frame[frame["end"] >= pd.Timestamp(floor)]
    return frame[["name", "start", "end"]].reset_index(drop=True)


def timeline_figure(case: Case, events: pd.DataFrame) -> go.Figure:
    """The case's events (Goldstein on y) over shaded leader tenures, with a leaders strip below.

    Shading alternates with each tenure of the dyad's first state; the strip shows both states'
    leaders. Hovering an event shows its summary, CAMEO code and citation.
    """
    first, second = case.dyad
    start = events["day"].min().date() if not events.empty else date(1945, 1, 1)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.82, 0.18], vertical_spacing=0.03)
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
    for i, tenure in enumerate(case_tenures(case, first, start).itertuples()):
        if i % 2 == 0:
            fig.add_vrect(x0=tenure.start, x1=tenure.end, fillcolor="#888", opacity=0.08, line_width=0,
                          row=1, col=1)
    for y, country, colours in ((1, first, ("#b22222", "#e9967a")), (0, second, ("#1e3a8a", "#60a5fa"))):
        for i, tenure in enumerate(case_tenures(case, country, start).itertuples()):
            fig.add_trace(go.Scatter(
                x=[tenure.start, tenure.end], y=[y, y], mode="lines", showlegend=False,
                line={"width": 10, "color": colours[i % 2]},
                hovertemplate=f"{tenure.name} ({country})<br>{tenure.start} – {tenure.end}<extra></extra>",
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


@dataclass(frozen=True, repr=False, kw_only=True)
class OverviewResult(Result):
    """The overview part: the case's records at a glance.

    Attributes
    ----------
    case
        The case.
    events
        The case's events (`Case.table` ``events``).
    periods
        The events by period: count, mean Goldstein score, cooperative share (``table()``).

    Examples
    --------
    >>> ov = bilateral.Analysis("russia-japan").overview
    >>> ov.table()[["period", "events", "mean_goldstein"]]
    >>> ov.warmest()["period"]             # a reading of the narrative, not a measurement
    "Gorbachev's new thinking"
    """

    case: Case
    events: pd.DataFrame
    periods: pd.DataFrame

    def table(self) -> pd.DataFrame:
        return _cited(self.periods.copy(), self.sources)

    def warmest(self) -> dict[str, Any] | None:
        """The period with the highest mean Goldstein among those with ≥ ``MIN_EVENTS`` events."""
        enough = self.periods[self.periods["events"] >= MIN_EVENTS]
        if enough.empty:
            return None
        row = enough.loc[enough["mean_goldstein"].idxmax()]
        return {"period": row["period"], "id": row["id"], "mean_goldstein": float(row["mean_goldstein"]),
                "events": int(row["events"])}

    def summary(self) -> dict[str, Any]:
        case, events = self.case, self.events
        enduring = sum(f.timescale == "enduring" for f in case.factors)
        return {
            **super().summary(),
            "title": case.info.title, "dyad": list(case.dyad), "events": len(events),
            "first_year": int(events["day"].min().year) if len(events) else None,
            "last_year": int(events["day"].max().year) if len(events) else None,
            "flagged": sum(bool(e.flag) for e in case.events), "factors": len(case.factors),
            "enduring": enduring, "time_limited": len(case.factors) - enduring,
            "hypotheses": len(case.hypotheses), "stakeholders": len(case.stakeholders),
            "scenarios": len(case.scenarios), "warmest": self.warmest(), "min_events": MIN_EVENTS,
        }

    def figures(self) -> dict[str, go.Figure]:
        return {"timeline": timeline_figure(self.case, self.events)}


def overview(case: Case) -> OverviewResult:
    """The overview of ``case``."""
    periods = events_by_period(case)
    return OverviewResult(case=case, events=case.table("events"), periods=periods,
                          sources=tuple(periods.attrs["sources"]))
