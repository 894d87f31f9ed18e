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
    adjust: Annotated[str, typer.Option(help="Multiple-testing correction: holm, fdr_bh, … "
                                        "(statsmodels multipletests methods).")] = "holm",
    seed: Annotated[int, typer.Option(min=0, help="Random seed of bootstraps and placebo dates.")] = 0,
    store: Annotated[Path | None, typer.Option(help="Event store (default $BILATERAL_HOME/store.duckdb).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Give each hypothesis a verdict (supported, contradicted, inconclusive, no data) with its evidence."""
    from bilateral.analysis import Analysis

    analysis = Analysis(case, store=store, rng=seed, adjust=adjust)
    with console.status("testing hypotheses against the measured series…"):
        part = analysis.evidence_of(hypothesis)
    if not part.available:
        raise BilateralError(part.reason)
    if detail:
        emit(part.tests, fmt, output, title=f"evidence ({adjust}-adjusted p)",
             columns=["hypothesis", "series", "status", "effect", "low", "high", "p_adjusted", "reason"])
        return
    emit(part.verdicts, fmt, output, title="verdicts", columns=["hypothesis", "status", "claim", "series", "reason"],
         width=70)
    if fmt is Format.table:
        console.print(", ".join(f"{n} {status}" for status, n in part.counts().items()))
