"""``bilateral panel A B …``: the dyad panel as a table or file; ``--dyads`` for several dyads
stacked, ``--all-pairs`` for every dyad-, state- or leader-year; BibTeX of their datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilateral.analysis.panel import PanelResult, all_pairs, dyad_panel, dyads_panel, panel_citations
from bilateral.cli.output import Format, emit, err_console
from bilateral.errors import BilateralError

SHOWN = 12


def _list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _year_or_month(text: str | None) -> int | str | None:
    return int(text) if text and text.isdigit() else text


def panel(
    a: Annotated[str | None, typer.Argument(help="First state (ISO3), e.g. RUS.")] = None,
    b: Annotated[str | None, typer.Argument(help="Second state (ISO3), e.g. JPN.")] = None,
    add: Annotated[str, typer.Option("--add", help="Steps, comma-separated (leaders, unga, trade, …; "
                                     "see docs/panel.md) or all.")] = "all",
    freq: Annotated[str, typer.Option("--freq", help="Y (yearly) or M (monthly).")] = "Y",
    start: Annotated[str, typer.Option("--from", help="First year or YYYY-MM.")] = "1946",
    end: Annotated[str | None, typer.Option("--to", help="Last year or YYYY-MM (last full year when "
                                            "omitted).")] = None,
    third: Annotated[str | None, typer.Option("--third", help="Third states of the triads step, "
                                              "comma-separated (default CHN,USA,KOR).")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Case for leader and period columns "
                                             "(default: the built-in case of this dyad).")] = None,
    dyads: Annotated[str | None, typer.Option("--dyads", help="Several dyads stacked, e.g. "
                                              "RUS-JPN,RUS-CHN,JPN-CHN (instead of A B).")] = None,
    every: Annotated[bool, typer.Option("--all-pairs", help="Every dyad-year (or --unit state/leader) "
                                        "of the state system, peacesciencer-style.")] = False,
    unit: Annotated[str, typer.Option("--unit", help="With --all-pairs: dyad, state or leader.")] = "dyad",
    system: Annotated[str, typer.Option("--system", help="With --all-pairs: cow or gw.")] = "cow",
    directed: Annotated[bool, typer.Option("--directed/--undirected", help="With --all-pairs: both "
                                           "orders of each pair, or each pair once.")] = True,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, json, parquet, dta (Stata), "
                                     "rds or feather (R).")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Every long-run series of a pair of states on one time axis (see docs/panel.md)."""
    formats = [f.value for f in Format]
    if fmt not in formats:
        raise BilateralError(f"--format {fmt!r} — use one of {', '.join(formats)}")
    steps = _list(add) or ["all"]
    if every:
        first, last = _year_or_month(start), _year_or_month(end)
        years = None if start == "1946" and end is None else range(int(first), int(last or first) + 1)
        result = all_pairs(unit, system=system, directed=directed, years=years, steps=steps)
        title = f"{unit}-years ({system})"
    elif dyads:
        result = dyads_panel(dyads, steps=steps, freq=freq, start=_year_or_month(start), end=_year_or_month(end))
        title = f"{dyads} panels ({result.frame.attrs['freq']})"
    elif a and b:
        result = dyad_panel(a, b, steps=steps, freq=freq, start=_year_or_month(start),
                            end=_year_or_month(end), case=case or "auto", third=tuple(_list(third)) or None)
        title = f"{result.frame.dyad[0]}–{result.frame.dyad[1]} panel ({result.frame.attrs['freq']})"
    else:
        raise BilateralError("give two states (bilateral panel RUS JPN), --dyads RUS-JPN,RUS-CHN or --all-pairs")
    _show(result, fmt, output, title)


def _show(result: PanelResult, fmt: str, output: Path | None, title: str) -> None:
    frame, table = result.frame, result.table()
    shown = list(table.columns[: SHOWN + 1])
    if fmt == "table":  # files keep full precision; the terminal shows 4 decimals
        table = table.round(4)
    emit(table, Format(fmt), output, title=title, columns=shown)
    if fmt == "table" and table.shape[1] > len(shown):
        err_console.print(f"{table.shape[1] - len(shown)} more columns: choose with --add, or write them "
                          "all with --format csv/json/parquet/dta/rds/feather", style="dim")
    for step, reason in frame.attrs["skipped"].items():
        err_console.print(f"skipped {step}: {reason}", style="yellow")
    err_console.print(f"cite with: bilateral cite --panel {','.join(frame.attrs['steps'])}", style="dim")


def cite_text(steps: str) -> str:
    """BibTeX of every dataset the given panel steps use (comma-separated, or ``all``)."""
    return panel_citations(_list(steps) or ["all"])
