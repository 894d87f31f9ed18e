"""``bilateral dynamics``: the relations over time — fit, forecast, back-test, bounds, scenarios.

Parses the options, computes one :class:`bilateral.analysis.dynamics.DynamicsResult` through the
analysis layer (only the parts asked for) and prints its tables.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from bilateral.cli.output import Format, console, emit
from bilateral.errors import BilateralError


class Part(StrEnum):
    fit = "fit"
    forecast = "forecast"
    backtest = "backtest"
    bounds = "bounds"
    scenarios = "scenarios"


def _tables(res: object, parts: list[Part], year: int | None) -> list[tuple[str, pd.DataFrame]]:
    out: list[tuple[str, pd.DataFrame]] = []
    for part in parts:
        if part is Part.fit:
            out.append((f"Fitted dynamics ({res.index_name}, {res.fit.series.index[0]}–"
                        f"{res.fit.series.index[-1]})", res.fit.table().round(4)))
        elif part is Part.forecast:
            out.append(("Forecast fan", res.forecast.round(4)))
        elif part is Part.backtest:
            out.append(("Back-test (CRPS, 90 % interval coverage)", res.backtest.round(4)))
        elif part is Part.bounds:
            out.append((f"Exact check, the static negotiation: {res.bound.describe()}", res.bound.table()))
            out.append((f"With the couplings of dynamics.yaml: {res.coupled.describe()}", res.coupled.table()))
            out.append(("What it would take (smallest common position of the binding veto players)",
                        res.take.round(2)))
        else:
            table = res.runs.table(year)
            cols = ["scenario", "model", "year", "p", "low", "high", "basis"]
            out.append((f"P(breakthrough by {year or res.by_year}), {res.runs.paths} paths", table[cols].round(4)))
    return out


def dynamics(
    case: Annotated[str, typer.Argument(help="Built-in case name or a case folder.")] = "russia-japan",
    show: Annotated[list[Part] | None, typer.Option(
        "--show", help="What to compute and print (repeat): fit, forecast, backtest, bounds, scenarios "
                       "(default: all).")] = None,
    index: Annotated[str, typer.Option(
        "--index", help="Index to fit: latent (the latent relation index) or a yearly panel series "
                        "such as unga.agreement.")] = "latent",
    paths: Annotated[int, typer.Option("--paths", "-n", min=1, max=100_000,
                                       help="Simulated paths per scenario.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed (same seed, same numbers).")] = 0,
    scenario: Annotated[list[str] | None, typer.Option(
        "--scenario", "-s", help="Scenario id of dynamics.yaml (repeat); default: all.")] = None,
    model: Annotated[str, typer.Option("--model", "-m", help="compromise, nash, eum, smp or all.")] = "all",
    year: Annotated[int | None, typer.Option(
        "--year", help="P(breakthrough by this year) (default: the case's).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the table to this file "
                                                                       "(one --show part).")] = None,
) -> None:
    """Fit the relations model to the measured index, forecast it, back-test it, check the exact
    bounds and run the scenarios through the couplings to P(breakthrough by year)."""
    from bilateral.analysis import Analysis
    from bilateral.analysis.dynamics import dynamics_of

    parts = list(dict.fromkeys(show or list(Part)))
    if output is not None and len(parts) != 1:
        raise BilateralError("--output writes one table — choose it with a single --show "
                             "(fit, forecast, backtest, bounds or scenarios)")
    options = {"paths": paths if Part.scenarios in parts else 0, "rng": seed, "models": model,
               "scenarios": [s for v in scenario or [] for s in v.split(",") if s] or None}
    if Part.backtest not in parts:
        options["origins"] = []
    analysis = Analysis(case, rng=seed, progress=False)  # this command draws its own bar
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True,
                  disable=fmt is not Format.table and output is None) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)
        build = bar.add_task("measuring and fitting the relations", total=None)
        res = dynamics_of(analysis, index=index, progress=progress, **options)
        bar.update(build, total=1, completed=1)
    if not res.available:
        raise BilateralError(f"dynamics not available: {res.reason}")
    for title, table in _tables(res, parts, year):
        emit(table, fmt, output, title=title)
