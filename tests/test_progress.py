"""Progress of long work: quiet with progress=False, the steps shown with progress on, nested work on
lines below, and bars that advance once a step (their cost measured on one run)."""

from __future__ import annotations

import io
import threading

import pytest
import rich.live
import rich.progress
from rich.console import Console

import bilateral
from bilateral import BilateralError
from bilateral import progress as progress_module
from bilateral.progress import task, track
from bilateral.simulate.montecarlo import monte_carlo


def capture() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=100), out


@pytest.fixture
def added(monkeypatch) -> list[tuple[str, float | None]]:
    """Every line a display adds, as (description, total)."""
    lines: list[tuple[str, float | None]] = []
    original = rich.progress.Progress.add_task

    def add_task(self, description, *args, total=100.0, **kwargs):
        lines.append((description, total))
        return original(self, description, *args, total=total, **kwargs)
    monkeypatch.setattr(rich.progress.Progress, "add_task", add_task)
    return lines


@pytest.fixture
def auto(monkeypatch) -> io.StringIO:
    """Pretend stderr is a terminal: the automatic choice draws here."""
    console, out = capture()
    monkeypatch.setattr(progress_module, "_console", lambda explicit: console)
    return out


def test_progress_false_prints_nothing(capfd, auto, added):
    mc = monte_carlo("russia-japan", runs=200, rng=1, progress=False)
    assert mc.runs == 200 and added == [] and auto.getvalue() == ""
    with task("outer", progress=False):  # quiet work keeps what it calls quiet, even where bars would show
        monte_carlo("russia-japan", runs=200, rng=1)
        list(track(range(3), "inner"))
    assert added == [] and auto.getvalue() == ""
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_automatic_progress_draws_where_it_can(auto, added):
    monte_carlo("russia-japan", runs=200, rng=1)
    assert added == [("Monte Carlo (200 runs)", 4)]
    assert "Monte Carlo (200 runs)" in auto.getvalue() and "4/4" in auto.getvalue()


def test_quiet_where_no_one_sees_it(capfd, added):
    """Under pytest stderr is no terminal; a worker thread stays quiet even in one."""
    monte_carlo("russia-japan", runs=200, rng=1)
    assert added == [] and capfd.readouterr().err == ""
    assert progress_module._console(explicit=False) is None
    seen = []
    worker = threading.Thread(target=lambda: seen.append(progress_module._console(explicit=False)))
    worker.start()
    worker.join()
    assert seen == [None]


def test_progress_shows_the_steps_of_the_monte_carlo_and_explain(added, tmp_path):
    console, out = capture()
    monte_carlo("russia-japan", runs=200, rng=1, progress=console)
    text = out.getvalue()
    assert "Monte Carlo (200 runs)" in text and "4/4" in text
    case = bilateral.load_case("russia-japan")
    console, out = capture()
    table = bilateral.explain.evaluate(case, store=tmp_path / "empty.duckdb", progress=console)
    assert set(table["hypothesis"]) == {h.id for h in case.hypotheses}  # no store: the case's own series only
    n = len(case.hypotheses)
    assert ("explain", n) in added
    assert f"{n}/{n}" in out.getvalue() and "explain" in out.getvalue()


def test_the_analysis_shows_which_part_is_computed(added, tmp_path):
    console, out = capture()
    a = bilateral.Analysis("russia-japan", store=tmp_path / "none.duckdb", runs=100, progress=console,
                           skip=("latent", "dynamics"))
    a.parts()
    parts = ["overview", "relations", "latent", "longrun", "evidence", "negotiation", "dynamics"]
    assert added[0] == ("analysis", len(parts))
    assert [d.strip() for d, _ in added if d.strip() in parts] == parts
    nested = dict(added)
    assert nested["  evidence"] is None and nested["    explain"] == len(a.case.hypotheses)
    assert nested["    Monte Carlo (100 runs)"] == 4  # the Monte Carlo inside the negotiation, a line lower
    assert [d for d, _ in added].count("    yearly panel") == 1  # tried once (no data here), under longrun
    text = out.getvalue()
    assert "analysis" in text and f"{len(parts)}/{len(parts)}" in text
    assert "evidence" not in text  # nested lines leave when done; the outer line stays
    console, out = capture()
    overview = bilateral.Analysis("russia-japan", runs=100, progress=console).overview
    assert overview.available and "overview" in out.getvalue()  # one part asked for: its own line stays


def test_bad_progress_is_a_clear_error():
    with pytest.raises(BilateralError, match=r"progress='yes': give True, False, None \(automatic\) or a rich Console"):
        monte_carlo("russia-japan", runs=10, progress="yes")


def test_no_bars_in_hot_loops(monkeypatch, added):
    """Count every call into rich's progress during one Monte Carlo run: one advance a model, not
    one a draw or a round (its time is measured in benchmarks/bench_progress.py, not asserted)."""
    calls: list[str] = []

    def counted(cls, name):
        original = getattr(cls, name)

        def wrapper(*args, **kwargs):
            calls.append(name)
            return original(*args, **kwargs)
        monkeypatch.setattr(cls, name, wrapper)
    for name in ("start", "stop", "add_task", "update", "advance", "remove_task"):
        counted(rich.progress.Progress, name)
    console = Console(file=io.StringIO(), force_terminal=True, width=100)  # a terminal: the bar is redrawn
    monte_carlo("russia-japan", runs=1000, rng=2, progress=console)
    assert calls.count("advance") == 4 and calls.count("update") <= 8  # once a model (and its label)


def test_track_and_task_nest_in_one_display(added):
    console, out = capture()
    with task("outer", total=2, progress=console) as line:
        for _ in track(["a", "b"], "inner", label=str):
            line.advance()
        line.stage("stage", 3, 3)
    assert added == [("outer", 2), ("  inner", 2), ("  stage", 3)]
    assert "outer" in out.getvalue() and "inner" not in out.getvalue()


def test_notebook_without_widgets_gets_text(monkeypatch):
    monkeypatch.setattr("rich.console._is_jupyter", lambda: True)
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    assert progress_module._console(explicit=False) is None
    console = progress_module._console(explicit=True)
    assert console is not None and not console.is_jupyter

