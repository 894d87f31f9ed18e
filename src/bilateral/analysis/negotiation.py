"""The negotiation: every bargaining model's forecast, ratification in both capitals, the Monte
Carlo breakthrough probability, scenarios and sensitivity — one :func:`bilateral.simulate.run`,
wrapped as a result with its figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from bilateral.analysis.result import Result, _cited
from bilateral.case import Case

COLOURS = {"compromise": "#1f77b4", "nash": "#2ca02c", "eum": "#d62728", "smp": "#9467bd"}
STATE_COLOURS = ("#b22222", "#1e3a8a", "#6b7280", "#a16207")
ACTOR_COLOURS = tuple(plotly.colors.qualitative.Dark24)


def distribution_figure(mc: Any) -> go.Figure:
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


def winset_figure(sh: Any, rat: Any, outcomes: dict[str, Any] | None = None, case: Case | None = None) -> go.Figure:
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
        at: dict[float, list[str]] = {}
        for a in w.ratifiers:
            at.setdefault(float(sh.position[sh.actor.index(a)]), []).append(a)
        ideals = sorted(at)
        fig.add_trace(go.Scatter(x=ideals, y=[w.state] * len(ideals), mode="markers+text",
                                 text=["<br>".join(at[x]) for x in ideals], name=f"{w.state} veto players",
                                 textposition=["top center" if i % 2 == 0 else "bottom center"
                                               for i in range(len(ideals))],
                                 customdata=[", ".join(at[x]) for x in ideals],
                                 marker={"color": colour, "size": 10, "symbol": "diamond"},
                                 hovertemplate="%{customdata}: ideal %{x:g}<extra></extra>"))
    if not rat.empty:
        fig.add_trace(go.Bar(x=[rat.high - rat.low], base=[rat.low], y=[rows[-1]], orientation="h",
                             marker_color="#15803d", opacity=0.7, name="Z",
                             hovertemplate=f"Z = [{rat.low:g}, {rat.high:g}]<extra></extra>"))
    for name, out in (outcomes or {}).items():
        if out.position is not None:
            fig.add_trace(go.Scatter(x=[out.position], y=[rows[-1]], mode="markers", name=f"{name} bargained",
                                     marker={"color": COLOURS.get(name, "#333"), "size": 12, "symbol": "x"},
                                     hovertemplate=f"{name}: %{{x:.1f}} bargained<extra></extra>"))
    fig.add_vline(x=rat.status_quo, line_color="#444", annotation_text="status quo", annotation_position="bottom")
    lo, hi = sh.scale
    ticks = {"tickvals": [a.position for a in case.scale.anchors],
             "ticktext": [f"{a.position:g}<br>{a.label[:22]}" for a in case.scale.anchors]} if case else {}
    fig.update_layout(template="plotly_white", height=170 + 60 * len(rows), barmode="overlay",
                      xaxis={"range": [lo - 2, hi + 2], "title": sh.file if case is None else case.scale.name,
                             **ticks},
                      yaxis={"categoryorder": "array", "categoryarray": rows[::-1]},
                      margin={"l": 120, "r": 20, "t": 30, "b": 90}, legend={"orientation": "h", "y": -0.5})
    return fig


def trace_figure(outcome: Any) -> go.Figure:
    """An iterative model's positions round by round, with the median and weighted mean; each actor
    has a colour of its own (plotly's 24-colour Dark24, then dotted lines past 24 actors)."""
    trace = outcome.trace if outcome.trace is not None else pd.DataFrame({"round": [0]})
    fig = go.Figure()
    actors = [c for c in trace.columns if c not in ("round", "median", "mean")]
    for column in [*actors, *(c for c in ("median", "mean") if c in trace.columns)]:
        summary = column in ("median", "mean")
        k = actors.index(column) if not summary else 0
        dash = "dash" if column == "mean" else "dot" if k >= len(ACTOR_COLOURS) else "solid"
        fig.add_trace(go.Scatter(x=trace["round"], y=trace[column], mode="lines", name=column,
                                 line={"width": 4 if summary else 1.2, "dash": dash,
                                       "color": "#111" if summary else ACTOR_COLOURS[k % len(ACTOR_COLOURS)]},
                                 hovertemplate=f"{column}: %{{y:.1f}} (round %{{x}})<extra></extra>"))
    fig.update_layout(template="plotly_white", height=460, xaxis_title="round", yaxis_title="position",
                      margin={"l": 60, "r": 20, "t": 30, "b": 40})
    return fig


@dataclass(frozen=True, repr=False, kw_only=True)
class NegotiationResult(Result):
    """The negotiation part: a `bilateral.simulate.Simulation` as a result.

    Attributes
    ----------
    simulation
        Every number: the stakeholders, each model's forecast and ratification, the Monte Carlo,
        the scenarios and the sensitivity.

    Examples
    --------
    >>> neg = bilateral.Analysis("russia-japan", rng=1, runs=200).negotiation
    >>> neg.table()[["model", "bargained", "ratifiable", "p_breakthrough"]]
    >>> neg.summary()["agreement_set"]     # the ratifiable interval of the scale
    [0.0, 10.0]
    """

    simulation: Any = None

    def table(self) -> pd.DataFrame:
        """One row per model: bargained, ratifiable, Monte Carlo summary, P(breakthrough)."""
        if self.simulation is None:
            return super().table()
        return _cited(self.simulation.table(), self.sources)

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        sim = self.simulation
        if sim is None:
            return out
        rat = sim.forecast.ratification
        out.update({
            "threshold": sim.stakeholders.breakthrough, "threshold_label": sim.threshold_label,
            "status_quo": rat.status_quo, "agreement_set": None if rat.empty else [rat.low, rat.high],
            "models": {name: o.position for name, o in sim.forecast.outcomes.items()},
        })
        mc = sim.monte_carlo
        if mc is not None:
            out["runs"] = mc.runs
            out["p_breakthrough"] = {name: list(mc.breakthrough(name)) for name in mc.models}
        return out

    def figures(self) -> dict[str, go.Figure]:
        sim = self.simulation
        if sim is None:
            return {}
        out = {"winsets": winset_figure(sim.stakeholders, sim.forecast.ratification, sim.forecast.outcomes,
                                        sim.case)}
        if sim.monte_carlo is not None:
            out["distribution"] = distribution_figure(sim.monte_carlo)
        if "eum" in sim.forecast.outcomes or "eum" in sim.params:
            out["eum_trace"] = trace_figure(sim.outcome("eum"))
        return out


def case_stakeholders(case: Case) -> Any:
    """The case's stakeholder table (:class:`bilateral.simulate.Stakeholders`), for faces that edit it."""
    from bilateral.simulate import load_stakeholders

    return load_stakeholders(case)


def edited_stakeholders(sh: Any, edits: list[tuple[int, str, float]], *, label: str = "") -> Any:
    """``sh`` with some actors' inputs changed, validated like a stakeholder file.

    Parameters
    ----------
    sh
        The stakeholders (`bilateral.simulate.load_stakeholders`).
    edits
        ``(actor index, field, value)`` triples; field is ``position``, ``salience``,
        ``capability`` or ``veto``. A value outside its uncertainty range widens the range to
        include it.
    label
        A name for the edited table, shown where its ``file`` is (default: the original's).

    Returns
    -------
    Stakeholders
        A new table; ``sh`` is unchanged.

    Raises
    ------
    BilateralError
        A value the stakeholder file would refuse (e.g. a salience above 1).

    Examples
    --------
    >>> sh = simulate.load_stakeholders("russia-japan")
    >>> duma = edited_stakeholders(sh, [(sh.actor.index("rus_duma"), "position", 50.0)], label="Duma at 50")
    >>> simulation(duma, "all", runs=200, rng=1).table()
    """
    from bilateral.simulate.inputs import validated

    arrays = {name: np.array(getattr(sh, name), dtype=float) for name in
              ("position", "position_low", "position_high", "salience", "salience_low", "salience_high",
               "capability", "capability_low", "capability_high")}
    veto = np.array(sh.veto, dtype=bool)
    for i, field, value in edits:
        if field == "veto":
            veto[i] = bool(value)
            continue
        arrays[field][i] = value
        arrays[f"{field}_low"][i] = min(arrays[f"{field}_low"][i], value)
        arrays[f"{field}_high"][i] = max(arrays[f"{field}_high"][i], value)
    return validated(sh.with_values(veto=veto, file=label or sh.file, **arrays))


def simulation(source: Any = "russia-japan", models: Any = "all", *, trace: bool = False,
               max_rounds: int | None = None, tolerance: float | None = None, **options: Any) -> NegotiationResult:
    """`bilateral.simulate.run` on any case or stakeholder table, as a `NegotiationResult`.

    Parameters
    ----------
    source
        A case name or folder, a ``Case``, a stakeholder CSV path or ``Stakeholders``.
    models
        ``"all"``, a model name, or a list of names or model instances.
    trace
        Also solve the expected utility model for its round-by-round trace.
    max_rounds, tolerance
        For the models that have them (and the EUM of ``trace``).
    **options
        `bilateral.simulate.run` options: ``runs``, ``rng``, ``scenarios``, ``workers``, …

    Returns
    -------
    NegotiationResult
        The simulation with the result protocol (``table()``, ``summary()``, ``figures()``).
    """
    from bilateral import simulate

    params = simulate.params_for(models, extra=("eum",) if trace else (), max_rounds=max_rounds,
                                 tolerance=tolerance)
    sim = simulate.run(source, models, params=params, **options)
    return NegotiationResult(simulation=sim, sources=tuple(sim.stakeholders.sources))


def negotiation(case: Case, *, runs: int, rng: Any, workers: int = 0, scenario_runs: int = 0) -> NegotiationResult:
    """Every model on the case's stakeholders, with the Monte Carlo, all scenarios and the
    one-at-a-time sensitivity of the compromise and the EUM."""
    return simulation(case, "all", runs=runs, rng=rng, workers=workers, scenarios=["all"],
                      scenario_runs=scenario_runs, sensitivity=("compromise", "eum"))
