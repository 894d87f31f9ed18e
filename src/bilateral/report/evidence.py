"""The report's "What the evidence says" section: verdicts, effects and a small figure per claim."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from bilateral.case import Case
from bilateral.explain.engine import explain, summarise

STATUS_COLOURS = {"supported": "#1a7f37", "contradicted": "#b42318", "inconclusive": "#9a6700",
                  "no data": "#6e7781"}


def _figure(series: pd.Series, title: str, marks: list[str]) -> str:
    x = series.index.to_timestamp()
    fig = go.Figure(go.Scatter(x=x, y=series.to_numpy(), mode="lines+markers", marker={"size": 4},
                               line={"color": "#1f4e9a"}, name=title))
    for mark in marks:
        fig.add_vline(x=pd.Timestamp(mark).value / 1e6, line={"color": "#b22222", "dash": "dot"})
    fig.update_layout(height=200, margin={"l": 40, "r": 10, "t": 24, "b": 24}, template="plotly_white",
                      title={"text": title, "font": {"size": 12}}, showlegend=False)
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displayModeBar": False})


def evidence_section(case: Case, store: str | Path | None = None) -> dict:
    """Verdict table, the contradicted claims in plain words, and the figures."""
    table = explain(case, store=store)
    summary = summarise(table, case)
    claims = {h.id: h for h in case.hypotheses}
    rows = []
    for record in summary.to_dict("records"):
        tests = table[(table["hypothesis"] == record["hypothesis"]) & (table["status"] != "no data")]
        h = claims[record["hypothesis"]]
        figure = ""
        if len(tests):
            first = tests.iloc[0]
            series = table.attrs["series"][f"{h.id}|{first['series']}"]
            figure = _figure(series, first["series"], list(h.test.event or []) + list(h.test.at or []))
        rows.append({**record, "colour": STATUS_COLOURS[record["status"]], "figure": figure,
                     "tests": tests.to_dict("records")})
    counts = summary["status"].value_counts().to_dict()
    return {"rows": rows, "counts": counts, "adjustment": table.attrs["adjustment"],
            "contradicted": [r for r in rows if r["status"] == "contradicted"]}
