"""``bilateral explain``: test the case's hypotheses against the measured series."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilateral.case import load_case
from bilateral.cli.output import Format, console, emit


def explain(
    case: Annotated[str, typer.Argument(help="Built-in case name or a case folder.")] = "russia-japan",
    hypothesis: Annotated[list[str] | None, typer.Option(help="Only these hypothesis ids (repeat).")] = None,
    detail: Annotated[bool, typer.Option(help="One row per hypothesis and series, with effects.")] = False,
    adjust: Annotated[str, typer.Option(help="Multiple-testing correction: holm or fdr_bh.")] = "holm",
    store: Annotated[Path | None, typer.Option(help="Event store (default $BILATERAL_HOME/store.duckdb).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Give each hypothesis a verdict (supported, contradicted, inconclusive, no data) with its evidence."""
    from bilateral.explain.engine import explain as run_explain
    from bilateral.explain.engine import summarise

    data = load_case(case)
    with console.status("testing hypotheses against the measured series…"):
        table = run_explain(data, hypotheses=hypothesis, store=store, method=adjust)
    if detail:
        emit(table, fmt, output, title=f"evidence ({adjust}-adjusted p)",
             columns=["hypothesis", "series", "status", "effect", "low", "high", "p_adjusted", "reason"])
        return
    summary = summarise(table, data)
    emit(summary, fmt, output, title="verdicts", columns=["hypothesis", "status", "claim", "series", "reason"],
         width=70)
    if fmt is Format.table:
        counts = summary["status"].value_counts()
        console.print(", ".join(f"{counts.get(k, 0)} {k}" for k in
                                ("supported", "contradicted", "inconclusive", "no data")))
