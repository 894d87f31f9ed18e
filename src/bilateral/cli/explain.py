"""``bilateral explain``: test the case's hypotheses against the measured series."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilateral.cli.output import Format, console, emit
from bilateral.errors import BilateralError


def explain(
    case: Annotated[str, typer.Argument(help="Built-in case name or a case folder.")] = "russia-japan",
    hypothesis: Annotated[list[str] | None, typer.Option(help="Only these hypothesis ids (repeat).")] = None,
    detail: Annotated[bool, typer.Option(help="One row per hypothesis and series, with effects.")] = False,
    drivers: Annotated[bool, typer.Option(help="The driver table: each factor ranked by its evidence.")] = False,
    adjust: Annotated[str, typer.Option(help="Multiple-testing correction: holm, fdr_bh, … "
                                        "(statsmodels multipletests methods).")] = "holm",
    seed: Annotated[int, typer.Option(min=0, help="Random seed of bootstraps and placebo dates.")] = 0,
    calibrate: Annotated[bool, typer.Option(help="Instead: the calibration study, false alarm and power of "
                                            "each method on simulated AR(1) series.")] = False,
    reps: Annotated[int, typer.Option(min=1, help="Replications per cell of --calibrate.")] = 100,
    method: Annotated[list[str] | None, typer.Option(help="Only these methods in --calibrate (repeat).")] = None,
    store: Annotated[Path | None, typer.Option(help="Event store (default $BILATERAL_HOME/store.duckdb).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Give each hypothesis a verdict (supported, contradicted, inconclusive, no data) with its evidence,
    and rank the factors the case names by what they do to relations (--drivers)."""
    from bilateral.analysis import Analysis
    from bilateral.analysis.evidence import calibration

    if calibrate:
        with console.status(f"calibrating the explain methods ({reps} replications per cell)…"):
            study = calibration(reps, seed=seed, methods=method)
        emit(study.table(), fmt, output, title=f"calibration: false alarm at α = 0.05 and power ({reps} reps)",
             columns=["method", "n", "phi", "false_alarm", "power", "planted", "mde", "in_band"])
        if fmt is Format.table:
            summary = study.summary()
            console.print(f"{summary['in_band']} of {summary['cells']} cells with false alarm in [0.03, 0.07]")
        return
    analysis = Analysis(case, store=store, rng=seed, adjust=adjust)
    with console.status("testing hypotheses against the measured series…"):
        part = analysis.evidence_of(hypothesis)
    if not part.available:
        raise BilateralError(part.reason)
    if detail:
        emit(part.tests, fmt, output, title=f"evidence ({adjust}-adjusted p)",
             columns=["hypothesis", "series", "status", "effect", "low", "high", "p_adjusted", "directness",
                      "sentence"])
        return
    if drivers:
        emit(part.drivers, fmt, output, title="what moves relations",
             columns=["rank", "name", "status", "effect_sd", "low_sd", "high_sd", "mde_sd", "series"])
        if fmt is Format.table:
            console.print(part.answer)
        return
    emit(part.verdicts, fmt, output, title="verdicts", columns=["hypothesis", "status", "claim", "series", "reason"],
         width=70)
    if fmt is Format.table:
        console.print(", ".join(f"{n} {status}" for status, n in part.counts().items()))
