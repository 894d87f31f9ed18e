"""The live negotiation page's payload: a :class:`NegotiationResult` serialised for the browser.

Figures are the analysis layer's (win-sets, Monte Carlo distributions, the EUM trace) plus the
salience × capability bars of the stakeholders' own ``weight``; the EUM's rounds are passed as
positions per round so the page's round slider can show any of them.
"""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go

from bilateral.report.prose import breakthrough_sentence, caveats
from bilateral.web.render import figure_json, rows

STATE_COLOURS = {"RUS": "#b22222", "JPN": "#1e3a8a"}


def anchors(fig: go.Figure, case: Any) -> go.Figure:
    """The case's scale anchors as the x-axis ticks of a figure on the territorial scale."""
    fig.update_xaxes(tickvals=[a.position for a in case.scale.anchors],
                     ticktext=[f"{a.position:g}<br>{a.label[:22]}" for a in case.scale.anchors], title=case.scale.name)
    return fig


def weight_figure(sh: Any) -> go.Figure:
    """Each stakeholder's salience × capability (its effective power), coloured by state."""
    order = sorted(range(sh.n), key=lambda i: float(sh.weight[i]))
    fig = go.Figure(go.Bar(
        x=[float(sh.weight[i]) for i in order], y=[sh.actor[i] for i in order], orientation="h",
        marker_color=[STATE_COLOURS.get(sh.state[i] or "", "#6b7280") for i in order],
        customdata=[[float(sh.salience[i]), float(sh.capability[i])] for i in order],
        hovertemplate="%{y}: salience %{customdata[0]:.2f} × capability %{customdata[1]:g} = %{x:.3g}"
                      "<extra></extra>"))
    fig.update_layout(template="plotly_white", height=140 + 22 * sh.n, margin={"l": 200, "r": 20, "t": 20, "b": 40},
                      xaxis_title="salience × capability")
    return fig


def threshold_label(case: Any, value: float | None) -> str:
    """The case's anchor label at the breakthrough threshold ("" when none sits there)."""
    return next((a.label for a in case.scale.anchors if value is not None and a.position == value), "")


def rounds(sim: Any) -> dict[str, Any] | None:
    """The EUM's positions per round: ``{"actors": [...], "positions": [[per actor] per round]}``."""
    if "eum" not in sim.forecast.outcomes:
        return None
    trace = sim.outcome("eum").trace
    if trace is None or trace.empty:
        return None
    actors = [c for c in trace.columns if c in sim.stakeholders.actor]
    return {"actors": actors, "rounds": [int(r) for r in trace["round"]],
            "positions": trace[actors].round(3).to_numpy().tolist(),
            "scale": list(sim.stakeholders.scale)}


def payload(result: Any, case: Any, live: Any, take: Any) -> dict[str, Any]:
    """Everything the page shows for one run: sentence, summary, table, figures, rounds, inputs, and
    ``take`` (the exact bound and "what it would take" for the same stakeholders)."""
    sim = result.simulation
    figures = result.figures()
    if "winsets" in figures:
        anchors(figures["winsets"], case)
    figures["weights"] = weight_figure(sim.stakeholders)
    summary = result.summary()
    label = threshold_label(case, sim.stakeholders.breakthrough)
    sentence = (breakthrough_sentence(sim.monte_carlo, label) if sim.monte_carlo is not None
                else "No Monte Carlo runs (runs = 0): only the point forecasts are shown.")
    columns, cells = rows(result.table())
    return {
        "case": live.case, "models": list(live.models), "runs": live.runs, "seed": live.seed,
        "sentence": sentence, "caveats": caveats(sim.monte_carlo, sim.ratification),
        "ratification": sim.ratification.describe(), "summary": json.loads(json.dumps(summary, default=float)),
        "table": {"columns": columns, "rows": cells},
        "figures": {name: json.loads(figure_json(fig)) for name, fig in figures.items()},
        "rounds": rounds(sim), "sources": list(result.sources),
        "take": {"rule": take.rule if take.available else take.reason,
                 "table": dict(zip(("columns", "rows"), rows(take.table()), strict=True))},
    }
