"""``bilateral events …`` and ``bilateral index``: ingest event files, inspect the store, measure a dyad."""

from __future__ import annotations

import calendar
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from bilateral.case import load_case
from bilateral.cli.output import Format, console, emit, parse_columns, write_file
from bilateral.data.events.detect import NotEventData
from bilateral.data.events.files import expand
from bilateral.data.events.formats import LAYOUTS, csv_layout
from bilateral.data.store import IngestResult, Store
from bilateral.errors import BilateralError
from bilateral.registry.series import families

app = typer.Typer(help="Ingest event data into the store and inspect it.", no_args_is_help=True)

StoreOpt = Annotated[Path | None, typer.Option("--store", help="Store file (default $BILATERAL_HOME/store.duckdb).")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]


#: The terminal's default view of ``bilateral index`` (``--columns`` or ``-f csv`` for the rest).
INDEX_COLUMNS = ("period", "count", "net_cooperation", "mean_goldstein", "quad_index", "conflict_share",
                 "cooperation", "conflict", "quad1", "quad2", "quad3", "quad4", "no_events")


def _parse_map(text: str) -> dict[str, str]:
    try:
        return dict(pair.split("=", 1) for pair in text.split(","))
    except ValueError:
        raise BilateralError(f"--map {text!r} is not field=column,… — e.g. --map date=Date,source=Actor1,"
                             "target=Actor2,cameo=Code") from None


@app.command()
def ingest(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, folders or glob patterns.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help=f"Layout: {', '.join(LAYOUTS)}, csv; "
                                            "detected when omitted.")] = None,
    mapping: Annotated[str | None, typer.Option("--map", help="For --format csv: date=COL,source=COL,"
                                                "target=COL,cameo=COL[,id=…,mentions=…]")] = None,
    date_format: Annotated[str, typer.Option(help="strptime format of --format csv dates.")] = "%Y-%m-%d",
    dedup: Annotated[str, typer.Option(help="id: drop events already stored (same id and date); none.")] = "id",
    case: Annotated[str | None, typer.Option(help="Also store this case's own coded events.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Ingest files already stored again, replacing their "
                                        "earlier rows (e.g. after a wrong --format).")] = False,
    store: StoreOpt = None,
) -> None:
    """Ingest event files; ends with rows read = stored + quarantined + duplicates.

    Files found in a folder or by a pattern that are no event data (a README) are skipped with a note.
    """
    if fmt == "csv":
        layout = csv_layout(_parse_map(mapping or ""), date_format=date_format)
    elif fmt is None:
        layout = None
    elif fmt in LAYOUTS:
        layout = LAYOUTS[fmt]
    else:
        raise BilateralError(f"unknown --format {fmt!r} — use one of {', '.join(LAYOUTS)}, csv")
    named = {Path(p) for p in paths or [] if Path(p).is_file()}
    files = expand(paths or [])
    if not files and not case:
        raise BilateralError("nothing to ingest — name event files, folders or patterns (or --case)")
    totals = [0, 0, 0, 0]
    skipped = 0
    with Store(store) as db:
        results = [db.ingest_case(load_case(case))] if case else []
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=console, transient=True) as progress:
            task = progress.add_task("ingesting", total=len(files))
            for path in files:
                progress.update(task, description=f"ingesting {path.name}")
                try:
                    results.append(db.ingest(path, layout, dedup=dedup, force=force))
                except NotEventData as err:
                    if path in named:  # named on its own it must be event data; in a folder it may be a README
                        raise
                    results.append(IngestResult.not_event_data(path, err))
                progress.advance(task)
        for result in results:
            skipped += result.skipped and not result.note
            for i, value in enumerate((result.read, result.stored, result.quarantined, result.duplicates)):
                totals[i] += value
            if result.quarantined or result.skipped:
                console.print(str(result), style="yellow" if result.quarantined else "dim", highlight=False)
            if result.note and not result.skipped:
                console.print(f"{result.path}: {result.note}", style="dim", highlight=False)
        ingested = sum(not r.skipped for r in results)
        console.print(f"{ingested} files: {totals[0]:,} rows read = {totals[1]:,} stored + "
                      f"{totals[2]:,} quarantined + {totals[3]:,} duplicates"
                      + (f"; {skipped} already ingested, skipped" if skipped else ""), highlight=False)
        console.print(f"store: {db.path}", style="dim")


@app.command()
def remove(target: Annotated[str, typer.Argument(help="An ingested file (its path) or a dataset name.")],
           store: StoreOpt = None) -> None:
    """Remove an ingested file or a whole dataset, with its events and quarantined rows, in one transaction."""
    with Store(store) as db:
        console.print(str(db.remove(target)), highlight=False)


@app.command()
def quarantine(limit: Annotated[int, typer.Option(help="At most this many rows (0: all).")] = 50,
               fmt: FormatOpt = Format.table, output: OutOpt = None, store: StoreOpt = None) -> None:
    """List quarantined rows with file, line and reason."""
    if limit < 0:
        raise BilateralError(f"--limit {limit}: give a number of rows, 0 or more (0 lists all)")
    with Store(store, read_only=True) as db:
        emit(db.quarantine(limit), fmt, output, title="quarantine", columns=["path", "line", "reason"])


@app.command()
def stats(by: Annotated[str, typer.Option(help="dataset, year or dyad.")] = "dataset",
          fmt: FormatOpt = Format.table, output: OutOpt = None, store: StoreOpt = None) -> None:
    """Counts of stored events by dataset, year or dyad."""
    with Store(store, read_only=True) as db:
        emit(db.stats(by), fmt, output, title=f"events by {by}")


def _day(text: str | None, option: str, *, last: bool = False) -> date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD; with ``last``, the last day that text covers."""
    if text is None:
        return None
    try:
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 1:
            return date(parts[0], 12, 31) if last else date(parts[0], 1, 1)
        if len(parts) == 2:
            day = calendar.monthrange(*parts)[1] if last else 1
            return date(parts[0], parts[1], day)
        return date(*parts)
    except (ValueError, TypeError):
        raise BilateralError(f"{option} {text!r} is not a date — write YYYY, YYYY-MM or YYYY-MM-DD") from None


def index(
    a: Annotated[str, typer.Argument(help="First state, ISO3 (e.g. RUS).")],
    b: Annotated[str, typer.Argument(help="Second state, ISO3 (e.g. JPN).")],
    freq: Annotated[str, typer.Option(help="D/W/M/Q/Y or day, week, month, quarter, year.")] = "month",
    directed: Annotated[bool, typer.Option(help="Only A→B events.")] = False,
    metric: Annotated[list[str] | None, typer.Option(
        help=f"Metrics to keep: {', '.join(families()['events'])}.")] = None,
    dedup: Annotated[str, typer.Option(help="none or one-a-day (Schrodt).")] = "none",
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY[-MM[-DD]]).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (YYYY[-MM[-DD]]).")] = None,
    fmt: FormatOpt = Format.table,
    output: OutOpt = None,
    plot: Annotated[Path | None, typer.Option(help="Write an HTML chart of the series here.")] = None,
    dataset: Annotated[list[str] | None, typer.Option(help="Datasets to use (default: all but case:*).")] = None,
    store: StoreOpt = None,
    columns: Annotated[list[str] | None, typer.Option(
        "--columns", "-c", help="Columns to show or write, comma-separated (default: those that fit).")] = None,
    engine: Annotated[str, typer.Option(
        help="duckdb (the store) or bigquery (GDELT's public table gdelt-bq.gdeltv2.events).")] = "duckdb",
    sql: Annotated[bool, typer.Option(
        "--sql", help="With --engine bigquery: print the SQL for the BigQuery console; run nothing.")] = False,
) -> None:
    """The A–B relations index from the stored events; empty periods are kept and marked."""
    from bilateral.analysis.bigquery import bigquery_relations, bigquery_sql
    from bilateral.analysis.panel import dyad_relations

    first, last = _day(start, "--from"), _day(end, "--to", last=True)
    if engine not in ("duckdb", "bigquery"):
        raise BilateralError(f"--engine {engine!r} is not known — use duckdb (the store) or bigquery")
    if engine == "duckdb" and sql:
        raise BilateralError("--sql prints the BigQuery SQL — add --engine bigquery")
    if engine == "bigquery":
        given = [name for name, value in (("--store", store), ("--dataset", dataset)) if value] + (
            ["--dedup"] if dedup != "none" else [])
        if given:
            raise BilateralError(f"{', '.join(given)}: not for --engine bigquery, which reads GDELT's table "
                                 "without de-duplication — leave them out")
        if sql:
            typer.echo(bigquery_sql(a, b, freq=freq, start=first, end=last))
            return
        result = bigquery_relations(a, b, freq=freq, directed=directed, metrics=metric, start=first, end=last)
    else:
        result = dyad_relations(a, b, store=store, freq=freq, directed=directed, metrics=metric, dedup=dedup,
                                start=first, end=last, datasets=dataset)
    table = result.index
    a, b = result.dyad
    frame = table.reset_index().assign(period=lambda f: f["period"].astype(str))
    emit(frame, fmt, output, title=f"{a}–{b} ({freq}) sources: {', '.join(table.attrs['sources'])}",
         columns=[c for c in INDEX_COLUMNS if c in frame] or None, chosen=parse_columns(columns), selectable=True)
    if plot:
        if plot.suffix != ".html":
            raise BilateralError(f"--plot {plot}: write the chart as .html (it opens offline)")
        figure = result.figures()["index"]
        write_file(plot, lambda path: figure.write_html(path, include_plotlyjs=True), "--plot")
        console.print(f"chart written to {plot}", style="dim")
