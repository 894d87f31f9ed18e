"""The ``bilateral`` command: a thin face over the library."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from bilateral.cli import case as case_cli
from bilateral.cli import data as data_cli
from bilateral.cli import events as events_cli
from bilateral.cli import panel as panel_cli
from bilateral.cli.dynamics import dynamics as dynamics_command
from bilateral.cli.explain import explain as explain_command
from bilateral.cli.extract import extract_command
from bilateral.cli.output import console, err_console
from bilateral.cli.report import cite as cite_command
from bilateral.cli.report import report as report_command
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
app.command("report")(report_command)
app.command("cite")(cite_command)


def _version(value: bool) -> None:
    if value:
        from bilateral import __version__

        console.print(f"bilateral {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False) -> None:
    """Measure, explain and simulate the relations between two states."""


def main() -> None:
    """Entry point: user mistakes print a message and exit 2, without a traceback."""
    app()
