"""``bilateral simulate``: bargaining models, ratification, Monte Carlo and scenarios."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from bilateral.cli.output import Format, console, emit
from bilateral.errors import BilateralError

SourceArg = Annotated[str, typer.Argument(
    help="Built-in case name, a case folder, or a stakeholder CSV (Actor,Capability,Position,Salience).")]
ModelOpt = Annotated[str, typer.Option("--model", "-m", help="compromise, nash, eum, smp or all.")]
RunsOpt = Annotated[int, typer.Option("--runs", "-n", min=0, help="Monte Carlo runs (0: point values only).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same numbers).")]
ScenarioOpt = Annotated[list[str] | None, typer.Option(
    "--scenario", "-s", help="Scenario id of the case (repeat, or comma-separate), or all.")]
TraceOpt = Annotated[bool, typer.Option("--trace", help="Show the EUM's round-by-round trace.")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write the table to this file.")]
PlotOpt = Annotated[Path | None, typer.Option(
    "--plot", help="Write an HTML figure: the trace (--trace), the distributions (--runs) or the win-sets.")]
ScaleOpt = Annotated[str | None, typer.Option(
    "--scale", help="CSV input: the issue scale LO:HI (default 0:100).")]
QuoOpt = Annotated[float | None, typer.Option(
    "--status-quo", help="CSV input: the status quo (the Nash model needs one).")]
ThresholdOpt = Annotated[float | None, typer.Option(
    "--threshold", help="Breakthrough threshold on the scale (default: the case's).")]
SalienceOpt = Annotated[str, typer.Option(
    "--salience-scale", help="CSV input: auto, unit (0–1) or percent (0–100).")]
RoundsOpt = Annotated[int | None, typer.Option(
    "--max-rounds", min=1, help="Round limit of the EUM and the SMP (default 100).")]
ToleranceOpt = Annotated[float | None, typer.Option(
    "--tolerance", help="EUM: stop when the largest move < tolerance × range (default 0.001).")]
WorkersOpt = Annotated[int, typer.Option(
    "--workers", "-w", min=0, help="Threads for the EUM and SMP Monte Carlo (0: one per CPU).")]


def _scale(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        lo, hi = (float(v) for v in text.split(":"))
    except ValueError:
        raise BilateralError(f"--scale {text!r} is not LO:HI — write e.g. --scale 0:10") from None
    return lo, hi


def _scenario_ids(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    ids = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return ["all"] if "all" in ids else ids


def _write_plot(fig, path: Path) -> None:
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    console.print(f"figure written to {path}", style="dim")


def simulate(
    source: SourceArg = "russia-japan",
    model: ModelOpt = "all",
    runs: RunsOpt = 0,
    seed: SeedOpt = 0,
    scenario: ScenarioOpt = None,
    trace: TraceOpt = False,
    fmt: FormatOpt = Format.table,
    output: OutOpt = None,
    plot: PlotOpt = None,
    scale: ScaleOpt = None,
    status_quo: QuoOpt = None,
    threshold: ThresholdOpt = None,
    salience_scale: SalienceOpt = "auto",
    workers: WorkersOpt = 0,
    max_rounds: RoundsOpt = None,
    tolerance: ToleranceOpt = None,
) -> None:
    """Forecast the negotiation with bargaining models, check ratification, and estimate the
    probability of a breakthrough (Monte Carlo over the stakeholders' uncertainty)."""
    from bilateral import simulate as sim
    from bilateral.report import negotiation as figures
    from bilateral.simulate.summary import breakthrough_sentence, caveats

    started = time.perf_counter()
    if salience_scale not in ("auto", "unit", "percent"):
        raise BilateralError(f"--salience-scale {salience_scale!r}: use auto, unit or percent")
    is_csv = source.lower().endswith(".csv")
    case = None
    if is_csv:
        sh = sim.read_stakeholders(source, scale=_scale(scale), status_quo=status_quo,  # type: ignore[arg-type]
                                   salience_scale=salience_scale, breakthrough=threshold)
    else:
        from bilateral.case import load_case

        case = load_case(source)
        sh = sim.load_stakeholders(case, scale=_scale(scale), status_quo=status_quo,
                                   breakthrough=threshold)
    models = sim.get_models(model)
    for m in models:
        if max_rounds is not None and hasattr(m, "max_rounds"):
            m.max_rounds = max_rounds
        if tolerance is not None and hasattr(m, "tolerance"):
            m.tolerance = tolerance
    quiet = fmt is not Format.table and output is None
    label = figures.anchor_label(case, sh.breakthrough)

    if scenario:
        if case is None:
            raise BilateralError("--scenario needs a case (scenarios live in the case's scenarios.yaml)")
        frame = sim.scenario_table(case, _scenario_ids(scenario), models, runs=runs, seed=seed,
                                   workers=workers, base=sh)
        emit(frame, fmt, output, title="baseline and scenarios",
             columns=[c for c in ("scenario", "model", "bargained", "ratifiable", "Z low", "Z high",
                                  "Δ ratifiable", "P(breakthrough)", "ci low", "ci high")
                      if c in frame])
        return

    result = sim.forecast(sh, models)
    table = result.table()
    mc = None
    if runs:
        mc = sim.monte_carlo(sh, models, runs=runs, seed=seed, workers=workers)
        table = table.merge(mc.table(), on="model", how="left")
    eum = result.outcomes.get("eum")
    if trace and eum is None:
        eum = sim.ExpectedUtility(**{k: v for k, v in (("max_rounds", max_rounds), ("tolerance", tolerance))
                                     if v is not None}).solve(sh)

    if plot is not None:
        if trace and eum is not None:
            _write_plot(figures.trace_figure(eum), plot)
        elif mc is not None:
            _write_plot(figures.distribution_figure(mc), plot)
        else:
            _write_plot(figures.winset_figure(sh, result.ratification, result.outcomes, case), plot)

    if trace and eum is not None and fmt is not Format.table:
        emit(eum.trace, fmt, output, title="EUM trace")
        return
    if fmt is not Format.table:
        emit(table, fmt, output, title="forecasts")
        if not quiet and mc is not None:
            console.print(breakthrough_sentence(mc, label))
        return

    where = case.info.title if case is not None else sh.file
    quo = "none" if sh.status_quo is None else f"{sh.status_quo:g}"
    console.print(f"[bold]{where}[/bold] — {sh.n} stakeholders, scale {sh.scale[0]:g}–{sh.scale[1]:g}, "
                  f"status quo {quo}" + "".join(f"; {n}" for n in sh.notes))
    shown = ["model", "bargained", "status", "rounds", "ratifiable"]
    if mc is not None:
        shown += [c for c in ("bargained p5", "bargained p50", "bargained p95", "ratified p50",
                              "converged share", "P(breakthrough)", "ci low", "ci high") if c in table]
    emit(table.round(4), fmt, output, title="forecasts (bargained → ratifiable)", columns=shown)
    for row in table.itertuples():
        if isinstance(row.note, str) and row.note:
            console.print(f"  {row.model}: {row.note}")
    console.print(f"Ratification: {result.ratification.describe()}")
    if mc is not None:
        console.print(breakthrough_sentence(mc, label))
        for note in caveats(mc, result.ratification):
            console.print(f"  • {note}", style="dim")
    if trace and eum is not None:
        frame = eum.trace.round(3)
        emit(frame, Format.table, None, title=f"EUM trace ({eum.rounds} rounds, {eum.status})")
        moves = eum.diagnostics.get("moves")
        if isinstance(moves, pd.DataFrame) and len(moves):
            emit(moves.round(3), Format.table, None, title="EUM moves (receiver accepts sender's offer)")
    console.print(f"done in {time.perf_counter() - started:.1f} s", style="dim")
