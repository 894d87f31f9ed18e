"""Progress of long work, drawn with rich in a terminal or a Jupyter notebook.

Every long public function takes ``progress``: ``None`` (the default) shows it when stderr is a
terminal or the code runs in a notebook with ipywidgets (in the main thread: a server's workers
stay quiet), ``False`` shows nothing, ``True`` always shows it (on stderr), and a
``rich.console.Console`` draws it there (a test, or the CLI's stderr console)::

    bilateral.explain.evaluate(case, progress=False)        # quiet
    a = bilateral.Analysis("russia-japan", progress=True)   # each part as it is computed

Work inside work joins the same display, one line lower, and leaves when done; the outermost
line stays, with its time. A quiet caller (``False``, or ``None`` when nothing is shown) keeps the
work it calls quiet unless that work is asked with ``True`` or a console. Bars advance once a
step (a hypothesis, a model, a panel step), never inside numerical loops.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Task as RichTask
from rich.text import Text

from bilateral.errors import BilateralError

T = TypeVar("T")
#: What ``progress=`` takes.
ProgressArg = bool | Console | None


class _Count(ProgressColumn):
    """``done/total`` for a bar of steps; nothing for a spinner (work without a count)."""

    def render(self, task: RichTask) -> Text:
        counted = task.fields.get("counted")
        return Text(f"{task.completed:g}/{task.total:g}" if counted else "", style="progress.download")


class _Display:
    """One rich Progress on one console, shared by nested work."""

    def __init__(self, console: Console):
        self.console = console
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), _Count(),
                            TimeElapsedColumn(), console=console, refresh_per_second=4)
        self.depth = 0


#: The display of the work running now; ``False`` inside quiet work; ``None`` outside any.
_ACTIVE: ContextVar[_Display | bool | None] = ContextVar("bilateral_progress", default=None)


def _console(explicit: bool) -> Console | None:
    """The stderr console to draw on: always when ``explicit``, else only in the main thread (not
    a server's workers) of a terminal or a notebook that can show widgets. Without ipywidgets a
    notebook gets plain text (the end state)."""
    if not explicit and threading.current_thread() is not threading.main_thread():
        return None
    console = Console(stderr=True)
    widgets = importlib.util.find_spec("ipywidgets") is not None
    if console.is_jupyter and not widgets:
        return Console(stderr=True, force_jupyter=False) if explicit else None
    if explicit or console.is_jupyter or (console.is_terminal and not console.is_dumb_terminal):
        return console
    return None


def _display(progress: ProgressArg) -> tuple[_Display | None, bool]:
    """The display for ``progress`` and whether it is new (to be started and stopped here)."""
    if progress is not None and not isinstance(progress, bool | Console):
        raise BilateralError(f"progress={progress!r}: give True, False, None (automatic) or a rich Console")
    active = _ACTIVE.get()
    if progress is False or (progress is None and active is False):
        return None, False
    if isinstance(active, _Display) and (not isinstance(progress, Console) or progress is active.console):
        return active, False
    console = progress if isinstance(progress, Console) else _console(explicit=progress is True)
    return (None, False) if console is None else (_Display(console), True)


class Task:
    """A line of progress: `advance` it once a step; `stage` reports sub-steps."""

    def __init__(self, display: _Display | None = None, task: TaskID | None = None):
        self._display, self._task = display, task
        self._stages: dict[str, TaskID] = {}

    def advance(self, steps: float = 1) -> None:
        """Count ``steps`` more steps done."""
        if self._display is not None:
            self._display.bar.advance(self._task, steps)

    def describe(self, description: str) -> None:
        """Change what the line says (e.g. the step now running)."""
        if self._display is not None:
            indent = "  " * (self._display.depth - 1)
            self._display.bar.update(self._task, description=indent + description)

    def stage(self, name: str, done: int, total: int) -> None:
        """A sub-step's progress, as a line below this one (a ``(stage, done, total)`` callback)."""
        if self._display is None:
            return
        bar = self._display.bar
        if name not in self._stages:
            self._stages[name] = bar.add_task("  " * self._display.depth + name, total=total, counted=True)
        bar.update(self._stages[name], completed=done, total=total)

    def _close(self) -> None:
        for stage in self._stages.values():
            self._display.bar.remove_task(stage)


@contextmanager
def task(description: str, total: float | None = None, *, progress: ProgressArg = None) -> Iterator[Task]:
    """Show ``description`` while the block runs: a bar of ``total`` steps, or a spinner without one.

    Parameters
    ----------
    description
        What is being computed (``evidence``, ``Monte Carlo``, …).
    total
        The number of steps the block will `Task.advance` (None: a spinner, full when done).
    progress
        ``None`` (automatic), ``True``, ``False`` or a rich ``Console`` (see the module doc).
    """
    display, new = _display(progress)
    if display is None:
        token = _ACTIVE.set(False)  # work called from quiet work stays quiet
        try:
            yield Task()
        finally:
            _ACTIVE.reset(token)
        return
    if new:
        display.bar.start()
    token = _ACTIVE.set(display)
    display.depth += 1
    nested = display.depth > 1
    task_id = display.bar.add_task("  " * (display.depth - 1) + description, total=total,
                                   counted=total is not None)
    line = Task(display, task_id)
    try:
        yield line
        if total is None:
            display.bar.update(task_id, total=1, completed=1)
    finally:
        line._close()
        if nested:
            display.bar.remove_task(task_id)
        display.depth -= 1
        _ACTIVE.reset(token)
        if new:
            display.bar.stop()


def track(items: Iterable[T], description: str, total: int | None = None, *,
          progress: ProgressArg = None, label: Callable[[T], str] | None = None) -> Iterator[T]:
    """Yield ``items``, advancing a bar once an item; ``label(item)`` names the item now running."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with task(description, total, progress=progress) as line:
        for item in items:
            if label is not None:
                line.describe(f"{description}: {label(item)}")
            yield item
            line.advance()
        if label is not None:
            line.describe(description)
