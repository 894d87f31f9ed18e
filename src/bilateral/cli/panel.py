"""``bilateral panel A B …``: the dyad panel as a table or file; BibTeX of its datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from bilateral.cli.output import Format, emit, err_console
from bilateral.data import catalog
from bilateral.measure.panel import STEPS, step_citations
from bilateral.measure.panel import panel as build

SHOWN = 12


def _list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _year_or_month(text: str | None) -> int | str | None:
    return int(text) if text and text.isdigit() else text


def panel(
    a: Annotated[str, typer.Argument(help="First state (ISO3), e.g. RUS.")],
    b: Annotated[str, typer.Argument(help="Second state (ISO3), e.g. JPN.")],
    add: Annotated[str, typer.Option("--add", help=f"Steps, comma-separated: {', '.join(STEPS)} "
                                     "or all.")] = "all",
    freq: Annotated[str, typer.Option("--freq", help="Y (yearly) or M (monthly).")] = "Y",
    start: Annotated[str, typer.Option("--from", help="First year or YYYY-MM.")] = "1946",
    end: Annotated[str | None, typer.Option("--to", help="Last year or YYYY-MM (last full year when "
                                            "omitted).")] = None,
    third: Annotated[str | None, typer.Option("--third", help="Third states of the triads step, "
                                              "comma-separated (default CHN,USA).")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Case for leader and period columns "
                                             "(default: the built-in case of this dyad).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Every long-run series of a pair of states on one time axis (see docs/panel.md)."""
    steps = _list(add) or ["all"]
    frame = build(a, b, freq=freq.upper(), start=_year_or_month(start), end=_year_or_month(end),
                  case=case or "auto", third=tuple(_list(third)) or None)
    frame = frame.add(*(all if s == "all" else s for s in steps))
    table = pd.DataFrame(frame).reset_index()
    table["period"] = table["period"].astype(str)
    table.attrs = {"columns": frame.attrs["columns"], "sources": frame.attrs["sources"]}
    shown = list(table.columns[: SHOWN + 1])
    if fmt is Format.table:  # files keep full precision; the terminal shows 4 decimals
        table = table.round(4)
    emit(table, fmt, output, title=f"{frame.dyad[0]}–{frame.dyad[1]} panel ({freq.upper()})", columns=shown)
    if fmt is Format.table and table.shape[1] > len(shown):
        err_console.print(f"{table.shape[1] - len(shown)} more columns: choose with --add, or write them "
                          "all with --format csv/json/parquet", style="dim")
    for step, reason in frame.attrs["skipped"].items():
        err_console.print(f"skipped {step}: {reason}", style="yellow")
    err_console.print(f"cite with: bilateral cite --panel {','.join(frame.attrs['steps'])}", style="dim")


def cite_text(steps: str) -> str:
    """BibTeX of every dataset the given panel steps use (comma-separated, or ``all``)."""
    return catalog.bibtex(step_citations(_list(steps) or ["all"]))
