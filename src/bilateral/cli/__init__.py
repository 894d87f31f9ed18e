"""The ``bilateral`` command: a thin face over the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from bilateral.case import load_case
from bilateral.cli import case as case_cli
from bilateral.cli import data as data_cli
from bilateral.cli import events as events_cli
from bilateral.cli import panel as panel_cli
from bilateral.cli.dynamics import dynamics as dynamics_command
from bilateral.cli.explain import explain as explain_command
from bilateral.cli.extract import extract_command
from bilateral.cli.output import console, err_console
from bilateral.cli.serve import serve as serve_command
from bilateral.cli.simulate import simulate as simulate_command
from bilateral.errors import BilateralError


class _Commands(TyperGroup):
    """The command group: a user mistake anywhere below prints its message and exits 2."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BilateralError as err:
            err_console.print(f"[red]error:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None


app = typer.Typer(cls=_Commands, help="Measure, explain and simulate the relations between two states.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(case_cli.app, name="case")
app.add_typer(events_cli.app, name="events")
app.command("index")(events_cli.index)
app.command("explain")(explain_command)
app.command("simulate")(simulate_command)
app.add_typer(data_cli.app, name="data")
app.command("panel")(panel_cli.panel)
app.command("extract")(extract_command)
app.command("dynamics")(dynamics_command)
app.command("serve")(serve_command)


def _version(value: bool) -> None:
    if value:
        from bilateral import __version__

        console.print(f"bilateral {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False) -> None:
    """Measure, explain and simulate the relations between two states."""


@app.command()
def report(
    case: Annotated[str, typer.Argument(help="Built-in case name or a case folder.")] = "russia-japan",
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the report.")] = Path("report"),
    store: Annotated[Path | None, typer.Option(help="Event store (default $BILATERAL_HOME/store.duckdb).")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed (same seed, same numbers).")] = 0,
    runs: Annotated[int, typer.Option(min=1, max=100_000, help="Monte Carlo runs of the negotiation.")] = 1000,
    skip: Annotated[str, typer.Option(help="Sections not to compute, comma-separated: latent, dynamics "
                                      "(the model-fitting ones; a quicker report).")] = "",
) -> None:
    """Write the self-contained HTML report of a case and print its headline findings."""
    from bilateral.analysis import Analysis
    from bilateral.report import write_report

    if output.exists() and not output.is_dir():
        raise BilateralError(f"--output {output}: that is a file — name a folder for the report")
    analysis = Analysis(case, store=store, rng=seed, runs=runs,
                        skip=[part.strip() for part in skip.split(",") if part.strip()])
    with console.status("measuring, testing the hypotheses and simulating the negotiation…"):
        report = write_report(analysis, output)
    console.print(f"[bold]{analysis.case.info.title}[/bold]")
    for line in report.headline:
        console.print(f"• {line}", highlight=False)
    console.print(f"[green]report written to {report.path}[/green]")


@app.command()
def cite(
    keys: Annotated[list[str] | None, typer.Argument(help="Bibliography keys (all when none).")] = None,
    case: Annotated[str, typer.Option(help="Case whose bibliography to use.")] = "russia-japan",
    panel: Annotated[str | None, typer.Option("--panel", help="Panel steps (comma-separated, or all): "
                                              "print the BibTeX of the datasets they use.")] = None,
) -> None:
    """Print BibTeX for the given keys of the case bibliography (or of the panel's datasets)."""
    if panel is not None:
        print(panel_cli.cite_text(panel))
        return
    data = load_case(case)
    unknown = [k for k in keys or [] if k not in data.sources]
    if unknown:
        raise BilateralError(f"unknown citation key(s) {', '.join(unknown)} — known keys: "
                             f"{', '.join(data.sources)}")
    print(data.cite(*(keys or [])))


def main() -> None:
    """Entry point: user mistakes print a message and exit 2, without a traceback."""
    app()
