"""The ``bilateral`` command: a thin face over the library.

Each sub-command's module is imported when that command runs (or when ``--help`` lists it), so
that ``bilateral serve`` does not load pandas, DuckDB, Ibis and the models before it listens.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from bilateral.errors import BilateralError

#: Command name → (module, attribute): a command function, or a Typer app for a command group.
#: Listed in the order ``bilateral --help`` shows them.
COMMANDS: dict[str, tuple[str, str]] = {
    "case": ("bilateral.cli.case", "app"),
    "events": ("bilateral.cli.events", "app"),
    "index": ("bilateral.cli.events", "index"),
    "explain": ("bilateral.cli.explain", "explain"),
    "simulate": ("bilateral.cli.simulate", "simulate"),
    "data": ("bilateral.cli.data", "app"),
    "panel": ("bilateral.cli.panel", "panel"),
    "extract": ("bilateral.cli.extract", "extract_command"),
    "dynamics": ("bilateral.cli.dynamics", "dynamics"),
    "serve": ("bilateral.cli.serve", "serve"),
    "report": ("bilateral.cli.report", "report"),
    "cite": ("bilateral.cli.report", "cite"),
}


def load_command(name: str) -> click.Command:
    """The click command of one sub-command, importing its module now."""
    module, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    if isinstance(target, typer.Typer):
        command: click.Command = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class _Commands(TyperGroup):
    """The command group: sub-commands load on first use; a user mistake anywhere below prints its
    message and exits 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(dict.fromkeys([*super().list_commands(ctx), *COMMANDS]))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = load_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BilateralError as err:
            from rich.markup import escape

            from bilateral.cli.output import err_console

            err_console.print(f"[red]error:[/red] {escape(str(err))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None


app = typer.Typer(cls=_Commands, help="Measure, explain and simulate the relations between two states.",
                  no_args_is_help=True, pretty_exceptions_enable=False)


def _version(value: bool) -> None:
    if value:
        from bilateral import __version__

        typer.echo(f"bilateral {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False) -> None:
    """Measure, explain and simulate the relations between two states."""


def main() -> None:
    """Entry point: user mistakes print a message and exit 2, without a traceback."""
    app()
