"""The report's "Negotiation models" section: forecasts, distributions, win-sets, the EUM trace,
scenarios and the breakthrough probability (template: ``templates/negotiation.html.j2``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bilateral.case import Case
from bilateral.simulate import (
    ExpectedUtility,
    MonteCarlo,
    Outcome,
    Ratification,
    Stakeholders,
    forecast,
    load_stakeholders,
    monte_carlo,
    one_at_a_time,
    scenario_table,
)
from bilateral.simulate.summary import breakthrough_sentence, caveats

COLOURS = {"compromise": "#1f77b4", "nash": "#2ca02c", "eum": "#d62728", "smp": "#9467bd"}
STATE_COLOURS = ("#b22222", "#1e3a8a", "#6b7280", "#a16207")


def _html(fig: go.Figure, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"responsive": True})


def anchor_label(case: Case | None, position: float | None) -> str:
    """The scale anchor's label at ``position`` (empty when there is none)."""
    if case is None or position is None:
        return ""
    return next((a.label for a in case.scale.anchors if a.position == position), "")


def distribution_figure(mc: MonteCarlo) -> go.Figure:
    """Per model, the Monte Carlo distribution of the bargained and the ratified outcome."""
    fig = go.Figure()
    for name, runs in mc.models.items():
        colour = COLOURS.get(name, "#333")
        for values, kind, side in ((runs.bargained, "bargained", "negative"),
                                   (runs.ratified, "ratifiable", "positive")):
            values = values[~np.isnan(values)]
            if values.size == 0:
                continue
            fig.add_trace(go.Violin(
                x=values, y=[name] * values.size, orientation="h", side=side, name=f"{name} {kind}",
                line_color=colour, fillcolor=colour, opacity=0.35 if kind == "bargained" else 0.8,
                points=False, meanline_visible=True, scalegroup=name, width=1.6,
                hovertemplate=f"{name} {kind}: %{{x:.1f}}<extra></extra>"))
    if mc.threshold is not None:
        fig.add_vline(x=mc.threshold, line_dash="dash", line_color="#444",
                      annotation_text=f"breakthrough ≥ {mc.threshold:g}", annotation_position="top")
    lo, hi = mc.stakeholders.scale
    fig.update_layout(template="plotly_white", height=120 + 90 * len(mc.models), violingap=0.1,
                      violinmode="overlay", xaxis={"range": [lo, hi], "title": "position on the scale"},
                      margin={"l": 90, "r": 20, "t": 40, "b": 40}, legend={"orientation": "h", "y": -0.25})
    return fig


def winset_figure(sh: Stakeholders, rat: Ratification, outcomes: dict[str, Outcome] | None = None,
                  case: Case | None = None) -> go.Figure:
    """Each state's win-set and the agreement set Z as bars on the scale, with the veto players'
    ideal points, the status quo, the scale's anchors and each model's bargained outcome."""
    fig = go.Figure()
    rows = [w.state for w in rat.win_sets] + ["Z (agreement set)"]
    for k, w in enumerate(rat.win_sets):
        colour = STATE_COLOURS[k % len(STATE_COLOURS)]
        if not w.empty:
            fig.add_trace(go.Bar(x=[w.high - w.low], base=[w.low], y=[w.state], orientation="h",
                                 marker_color=colour, opacity=0.45, name=f"W {w.state}",
                                 hovertemplate=f"W_{w.state} = [{w.low:g}, {w.high:g}]<extra></extra>"))
        idx = [sh.actor.index(a) for a in w.ratifiers]
        fig.add_trace(go.Scatter(x=sh.position[idx], y=[w.state] * len(idx), mode="markers+text",
                                 text=list(w.ratifiers), textposition="top center",
                                 name=f"{w.state} veto players",
                                 marker={"color": colour, "size": 10, "symbol": "diamond"},
                                 hovertemplate="%{text}: ideal %{x:g}<extra></extra>"))
    if not rat.empty:
        fig.add_trace(go.Bar(x=[rat.high - rat.low], base=[rat.low], y=[rows[-1]], orientation="h",
                             marker_color="#15803d", opacity=0.7, name="Z",
                             hovertemplate=f"Z = [{rat.low:g}, {rat.high:g}]<extra></extra>"))
    for name, out in (outcomes or {}).items():
        if out.position is not None:
            fig.add_trace(go.Scatter(x=[out.position], y=[rows[-1]], mode="markers", name=f"{name} bargained",
                                     marker={"color": COLOURS.get(name, "#333"), "size": 12, "symbol": "x"},
                                     hovertemplate=f"{name}: %{{x:.1f}} bargained<extra></extra>"))
    fig.add_vline(x=rat.status_quo, line_color="#444", annotation_text="status quo",
                  annotation_position="bottom")
    lo, hi = sh.scale
    ticks = {"tickvals": [a.position for a in case.scale.anchors],
             "ticktext": [f"{a.position:g}<br>{a.label[:22]}" for a in case.scale.anchors]} if case else {}
    fig.update_layout(template="plotly_white", height=170 + 60 * len(rows), barmode="overlay",
                      xaxis={"range": [lo - 2, hi + 2], "title": sh.file if case is None else case.scale.name,
                             **ticks},
                      yaxis={"categoryorder": "array", "categoryarray": rows[::-1]},
                      margin={"l": 120, "r": 20, "t": 30, "b": 90}, legend={"orientation": "h", "y": -0.5})
    return fig


def trace_figure(outcome: Outcome) -> go.Figure:
    """An iterative model's positions round by round, with the median and weighted mean."""
    trace = outcome.trace if outcome.trace is not None else pd.DataFrame({"round": [0]})
    fig = go.Figure()
    for column in trace.columns:
        if column == "round":
            continue
        summary = column in ("median", "mean")
        fig.add_trace(go.Scatter(x=trace["round"], y=trace[column], mode="lines", name=column,
                                 line={"width": 4 if summary else 1.2,
                                       "dash": "dash" if column == "mean" else "solid",
                                       "color": "#111" if summary else None},
                                 hovertemplate=f"{column}: %{{y:.1f}} (round %{{x}})<extra></extra>"))
    fig.update_layout(template="plotly_white", height=460, xaxis_title="round",
                      yaxis_title="position", margin={"l": 60, "r": 20, "t": 30, "b": 40})
    return fig


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def negotiation_section(case: Case, *, runs: int = 1000, seed: int = 0, workers: int = 0,
                        scenario_runs: int = 0) -> dict[str, Any]:
    """Context for ``negotiation.html.j2``: forecasts, figures, scenarios and the headline.

    ``runs`` Monte Carlo draws for the distributions and the breakthrough probability;
    ``scenario_runs`` draws per scenario for the scenario table's probabilities (0: point values);
    ``workers`` threads for the Monte Carlo (0: one per CPU).
    """
    sh = load_stakeholders(case)
    result = forecast(sh)
    mc = monte_carlo(sh, runs=runs, seed=seed, workers=workers)
    label = anchor_label(case, sh.breakthrough)
    table = result.table().merge(mc.table(), on="model", how="left")
    eum = result.outcomes.get("eum") or ExpectedUtility().solve(sh)
    scenarios = scenario_table(case, None, "all", runs=scenario_runs, seed=seed, workers=workers, base=sh)
    tornado = pd.concat([one_at_a_time(sh, name).head(5).assign(model=name) for name in ("compromise", "eum")])
    return {
        "title": "Negotiation models",
        "runs": runs,
        "seed": seed,
        "threshold": sh.breakthrough,
        "threshold_label": label,
        "status_quo": result.ratification.status_quo,
        "sentence": breakthrough_sentence(mc, label),
        "caveats": caveats(mc, result.ratification),
        "ratification": result.ratification.describe(),
        "win_sets": _records(result.ratification.table()),
        "forecasts": _records(table),
        "scenarios": _records(scenarios),
        "sensitivity": _records(tornado),
        "distribution_figure": _html(distribution_figure(mc), "negotiation-distribution"),
        "winset_figure": _html(winset_figure(sh, result.ratification, result.outcomes, case),
                               "negotiation-winsets"),
        "trace_figure": _html(trace_figure(eum), "negotiation-eum-trace"),
        "eum_rounds": eum.rounds,
        "eum_status": eum.status,
        "eum_forecast": eum.position,
        "eum_mean": eum.diagnostics.get("mean"),
        "models": {name: out.summary() for name, out in result.outcomes.items()},
        "sources": list(sh.sources),
    }
