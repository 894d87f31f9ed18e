"""``bilateral report`` and ``bilateral cite``: the HTML report of a case and its bibliography."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from bilateral.cli.output import console, err_console
from bilateral.errors import BilateralError


def report(
    case: Annotated[str, typer.Argument(help="Built-in case name or a case folder.")] = "russia-japan",
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the report.")] = Path("report"),
    store: Annotated[Path | None, typer.Option(help="Event store (default $BILATERAL_HOME/store.duckdb).")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed (same seed, same numbers).")] = 0,
    runs: Annotated[int, typer.Option(min=1, max=100_000, help="Monte Carlo runs of the negotiation.")] = 1000,
    skip: Annotated[str, typer.Option(help="Sections not to compute, comma-separated: latent, dynamics "
                                      "(the model-fitting ones; a quicker report).")] = "",
    ingest: Annotated[bool, typer.Option(help="With BILATERAL_DATA set, first ingest the event files under its "
                                         "events/ folder into the store (each file once).")] = True,
) -> None:
    """Write the self-contained HTML report of a case and print its headline findings.

    With ``BILATERAL_DATA`` set, the event files found under its ``events/`` folder are ingested
    into the store first (each once: a later report finds them stored), so the report measures
    relations from the events there are.
    """
    from bilateral.analysis import Analysis
    from bilateral.data.paths import ENV_VAR, data_dir
    from bilateral.report import write_report

    if output.exists() and not output.is_dir():
        raise BilateralError(f"--output {output}: that is a file — name a folder for the report")
    analysis = Analysis(case, store=store, rng=seed, runs=runs, progress=err_console,
                        skip=[part.strip() for part in skip.split(",") if part.strip()])
    if ingest and os.environ.get(ENV_VAR, "").strip() and (data_dir() / "events").is_dir():
        _ingest_found(analysis.store_path)
    report = write_report(analysis, output)  # each part draws its line of progress on stderr
    console.print(f"[bold]{analysis.case.info.title}[/bold]")
    for line in report.headline:
        console.print(f"• {line}", highlight=False)
    console.print(f"[green]report written to {report.path}[/green]")


def _ingest_found(store_path: Path) -> None:
    """Ingest the data directory's event files into the store and print what was done."""
    from bilateral.data.events.found import ingest_found
    from bilateral.data.store import Store

    store_path.parent.mkdir(parents=True, exist_ok=True)
    with Store(store_path) as store:
        summary = ingest_found(store, progress=err_console)
    console.print(f"events: {summary}", highlight=False)


def cite(
    keys: Annotated[list[str] | None, typer.Argument(help="Bibliography keys (all when none).")] = None,
    case: Annotated[str, typer.Option(help="Case whose bibliography to use.")] = "russia-japan",
    panel: Annotated[str | None, typer.Option("--panel", help="Panel steps (comma-separated, or all): "
                                              "print the BibTeX of the datasets they use.")] = None,
) -> None:
    """Print BibTeX for the given keys of the case bibliography (or of the panel's datasets)."""
    if panel is not None:
        from bilateral.cli.panel import cite_text

        print(cite_text(panel))
        return
    from bilateral.case import load_case

    data = load_case(case)
    unknown = [k for k in keys or [] if k not in data.sources]
    if unknown:
        raise BilateralError(f"unknown citation key(s) {', '.join(unknown)} — known keys: "
                             f"{', '.join(data.sources)}")
    print(data.cite(*(keys or [])))
