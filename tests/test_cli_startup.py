"""The ``bilateral`` command loads its sub-commands lazily: ``serve`` starts without pandas & co,
``--help`` still lists every command, and a user mistake in a lazily loaded command exits 2."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from bilateral.cli import COMMANDS, app, load_command

HEAVY = ("pandas", "numpy", "duckdb", "ibis", "scipy", "statsmodels", "numba", "plotly")


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_serve_resolves_without_the_heavy_libraries():
    code = ("import sys; from bilateral.cli import app; import typer; "
            "group = typer.main.get_command(app); ctx = group.make_context('bilateral', ['serve', '--help'], "
            "resilient_parsing=True); cmd = group.get_command(ctx, 'serve'); "
            "import bilateral.web; print(cmd.name); "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    name, loaded = done.stdout.splitlines()
    assert name == "serve"
    assert loaded == "", f"serve and the web app loaded {loaded} before listening"


def test_importing_the_command_package_loads_no_sub_command():
    done = run_python("import sys, bilateral.cli; "
                      "print(','.join(m for m in sys.modules if m.startswith('bilateral.cli.')))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_help_lists_every_command_in_order():
    result = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    panel = result.output.split("Commands")[1]
    listed = re.findall(r"^\W (\w+) ", panel, re.M)  # a command's name starts its row; wrapped help is indented
    assert listed == list(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_lazy_command_is_the_module_s_own(name):
    command = load_command(name)
    assert command.name == name
    module, attribute = COMMANDS[name]
    target = getattr(sys.modules[module], attribute)
    if isinstance(target, typer.Typer):
        assert isinstance(command, TyperGroup) and command.commands, f"{name}: a group without sub-commands"
    else:
        assert command.callback is not None
        assert (command.help or "").split("\n")[0] == (target.__doc__ or "").strip().split("\n")[0]


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(app, ["nonsense"])
    assert result.exit_code == 2
    assert "nonsense" in result.output


def test_a_mistake_in_a_lazy_command_exits_2_without_traceback():
    done = subprocess.run([sys.executable, "-m", "bilateral", "cite", "no_such_key"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2
    assert "unknown citation key(s) no_such_key" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_version_without_loading_commands():
    done = run_python("import sys; from bilateral.cli import main; sys.argv = ['bilateral', '--version']; "
                      "import contextlib\nwith contextlib.suppress(SystemExit): main()\n"
                      "print(any(m.startswith('bilateral.cli.') for m in sys.modules))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["bilateral 0.1.0", "False"]
