"""``bilateral case …``: validate a case and list its records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilateral.case import load_case, validate_case
from bilateral.case.select import select
from bilateral.cli.output import Format, console, emit, parse_columns

app = typer.Typer(help="Validate a case and list its records.", no_args_is_help=True)

CaseArg = Annotated[str, typer.Argument(help="Built-in case name or a case folder.")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
PeriodOpt = Annotated[str | None, typer.Option(help="Only records within this period id.")]
CategoryOpt = Annotated[str | None, typer.Option(help="Events: category; factors: domain; actors: kind.")]
ColumnsOpt = Annotated[list[str] | None, typer.Option(
    "--columns", "-c", help="Columns to show or write, comma-separated (default: those that fit).")]
BetweenOpt = Annotated[str | None, typer.Option(help="START:END, ISO dates or years (1991:2001).")]

COLUMNS = {
    "events": ["id", "date", "source_actor", "target_actor", "goldstein", "summary", "category", "flag",
               "cameo"],
    "actors": ["id", "name", "kind", "country", "rapprochement", "territorial_stance"],
    "leaders": ["id", "name", "country", "office", "start", "end", "party"],
    "periods": ["id", "name", "start", "end", "tone", "characterisation"],
    "factors": ["id", "name", "timescale", "domain", "direction", "mechanism"],
    "hypotheses": ["id", "claim", "source", "locator"],
    "stakeholders": ["actor", "position", "salience", "capability", "veto", "level", "state"],
    "scenarios": ["id", "name", "description"],
}


@app.command()
def validate(
    case: CaseArg = "russia-japan",
    seeds: Annotated[Path | None, typer.Option(help="Seed folder: check locators' line numbers.")] = None,
) -> None:
    """Check a case folder; list every problem as file:line: field: what — fix (exit 2 if any)."""
    problems = validate_case(case, seeds)
    for problem in problems:
        print(problem)
    if problems:
        console.print(f"[red]{len(problems)} problems[/red]")
        raise typer.Exit(2)
    console.print(f"[green]{case}: valid[/green]")


@app.command()
def show(case: CaseArg = "russia-japan") -> None:
    """The case at a glance: dyad, counts of every record kind, the breakthrough definition."""
    data = load_case(case)
    console.print(f"[bold]{data.info.title}[/bold]  ({data.name}, dyad {'–'.join(data.dyad)})")
    console.print(data.info.summary)
    for kind in COLUMNS:
        console.print(f"  {kind:<13}{len(getattr(data, kind)):>5}")
    console.print(f"  {'sources':<13}{len(data.sources):>5}")
    flagged = sum(1 for e in data.events if e.flag)
    console.print(f"  events flagged for a date or fact problem in the source: {flagged}")
    console.print(f"Breakthrough: position ≥ {data.info.breakthrough.threshold:g} on "
                  f"'{data.scale.name}' — {data.info.breakthrough.description}")


def _lister(kind: str, filters: bool):
    def command(case: CaseArg = "russia-japan", period: PeriodOpt = None,
                category: CategoryOpt = None, between: BetweenOpt = None,
                fmt: FormatOpt = Format.table, output: OutOpt = None, columns: ColumnsOpt = None) -> None:
        frame = select(load_case(case), kind, period=period, category=category, between=between)
        emit(frame, fmt, output, title=kind, columns=COLUMNS[kind], chosen=parse_columns(columns),
             selectable=True)

    def plain(case: CaseArg = "russia-japan", fmt: FormatOpt = Format.table,
              output: OutOpt = None, columns: ColumnsOpt = None) -> None:
        emit(select(load_case(case), kind), fmt, output, title=kind, columns=COLUMNS[kind],
             chosen=parse_columns(columns), selectable=True)

    chosen = command if filters else plain
    chosen.__doc__ = f"List the case's {kind}."
    return chosen


for _kind in COLUMNS:
    app.command(_kind)(_lister(_kind, _kind in ("events", "leaders", "periods", "factors", "actors")))
