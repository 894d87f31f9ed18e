"""``bilateral simulate``: bargaining models, ratification, Monte Carlo and scenarios.

Parses the options, runs one simulation through the analysis layer
(:func:`bilateral.analysis.negotiation.simulation`) and prints its result.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer

from bilateral.cli.output import Format, check_writable, console, emit, parse_columns, write_file
from bilateral.errors import BilateralError

if TYPE_CHECKING:
    from bilateral.analysis.negotiation import NegotiationResult


#: Largest ``--runs``: the draws of 20 actors take ~0.5 GB at this size.
MAX_RUNS = 1_000_000

SourceArg = Annotated[str, typer.Argument(
    help="Built-in case name, a case folder, or a stakeholder CSV (Actor,Capability,Position,Salience).")]
ModelOpt = Annotated[str, typer.Option("--model", "-m", help="compromise, nash, eum, smp or all.")]
RunsOpt = Annotated[int, typer.Option("--runs", "-n", min=0, max=MAX_RUNS,
                                      help=f"Monte Carlo runs (0: point values only; at most {MAX_RUNS:,}).")]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Random seed ≥ 0 (same seed, same numbers).")]
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
ColumnsOpt = Annotated[list[str] | None, typer.Option(
    "--columns", "-c", help="Columns of the forecasts or scenarios to show or write, comma-separated.")]
WorkersOpt = Annotated[int, typer.Option(
    "--workers", "-w", min=0, help="Threads for the EUM and SMP Monte Carlo (0: one per CPU).")]

SCENARIO_COLUMNS = ("scenario", "model", "bargained", "ratifiable", "z_low", "z_high", "delta_ratifiable",
                    "p_breakthrough", "ci_low", "ci_high")
FORECAST_COLUMNS = ("model", "bargained", "ratifiable", "p_breakthrough", "ci_low", "ci_high", "status", "rounds",
                    "bargained_p50", "bargained_p5", "bargained_p95", "ratified_p50", "converged_share")


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


def _plot(result: NegotiationResult, path: Path, trace: bool) -> None:
    figures = result.figures()
    fig = figures["eum_trace"] if trace else figures.get("distribution", figures["winsets"])
    write_file(path, lambda p: fig.write_html(p, include_plotlyjs=True, full_html=True), "--plot")
    console.print(f"figure written to {path}", style="dim")


def _print_header(sim: Any) -> None:
    sh = sim.stakeholders
    where = sim.case.info.title if sim.case is not None else sh.file
    quo = "none" if sh.status_quo is None else f"{sh.status_quo:g}"
    console.print(f"[bold]{where}[/bold] — {sh.n} stakeholders, scale {sh.scale[0]:g}–{sh.scale[1]:g}, "
                  f"status quo {quo}" + "".join(f"; {n}" for n in sh.notes))


def _print_notes(table: pd.DataFrame) -> None:
    for row in table.itertuples():
        if isinstance(row.note, str) and row.note:
            console.print(f"  {row.model}: {row.note}")


def _print_breakthrough(sim: Any, with_caveats: bool) -> None:
    from bilateral.report.prose import breakthrough_sentence, caveats

    if sim.monte_carlo is None:
        return
    console.print(breakthrough_sentence(sim.monte_carlo, sim.threshold_label))
    for note in caveats(sim.monte_carlo, sim.ratification) if with_caveats else ():
        console.print(f"  • {note}", style="dim")


def _print_trace(sim: Any) -> None:
    eum = sim.outcome("eum")
    emit(eum.trace.round(3), Format.table, None, title=f"EUM trace ({eum.rounds} rounds, {eum.status})")
    moves = eum.diagnostics.get("moves")
    if isinstance(moves, pd.DataFrame) and len(moves):
        emit(moves.round(3), Format.table, None, title="EUM moves (receiver accepts sender's offer)")


def _print_table_view(sim: Any, output: Path | None, trace: bool, chosen: list[str] | None = None) -> None:
    """The terminal view: header, forecasts, notes, ratification, breakthrough, caveats, trace."""
    _print_header(sim)
    table = sim.table()
    emit(table, Format.table, output, title="forecasts (bargained → ratifiable)",
         columns=[c for c in FORECAST_COLUMNS if c in table], chosen=chosen, selectable=True)
    _print_notes(table)
    console.print(f"Ratification: {sim.ratification.describe()}")
    _print_breakthrough(sim, with_caveats=True)
    if trace:
        _print_trace(sim)


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
    columns: ColumnsOpt = None,
) -> None:
    """Forecast the negotiation with bargaining models, check ratification, and estimate the
    probability of a breakthrough (Monte Carlo over the stakeholders' uncertainty)."""
    from bilateral.analysis.negotiation import simulation

    for path, option in ((plot, "--plot"), (output, "--output")):
        if path is not None:
            check_writable(path, option)  # before the work, not after it
    started = time.perf_counter()
    ids = _scenario_ids(scenario)
    chosen = parse_columns(columns)
    part = simulation(source, model, trace=trace, max_rounds=max_rounds, tolerance=tolerance,
                      runs=0 if ids else runs, rng=seed, scenarios=ids, scenario_runs=runs if ids else 0,
                      workers=workers, threshold=threshold, scale=_scale(scale), status_quo=status_quo,
                      salience_scale=salience_scale)
    result = part.simulation
    if result.scenarios is not None:
        emit(result.scenarios, fmt, output, title="baseline and scenarios",
             columns=[c for c in SCENARIO_COLUMNS if c in result.scenarios], chosen=chosen, selectable=True)
        return
    if plot is not None:
        _plot(part, plot, trace)
    if fmt is Format.table:
        _print_table_view(result, output, trace, chosen)
        console.print(f"done in {time.perf_counter() - started:.1f} s", style="dim")
        return
    emit(result.outcome("eum").trace if trace else result.table(), fmt, output,
         title="EUM trace" if trace else "forecasts", chosen=None if trace else chosen)
    if output is not None and not trace:
        _print_breakthrough(result, with_caveats=False)
