"""The dashboard's state: the known cases, one cached :class:`bilateral.Analysis` per case, its parts
computed lazily in the background, and the live negotiation runs (bounded, cached by input).

Only case names from :attr:`Dashboard.cases` ever reach the filesystem; everything else a request
carries is a number, a name from a fixed list or an index into the case's own records.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from bilateral.errors import BilateralError
from bilateral.web import inputs
from bilateral.web.pool import Pool, wait

PARTS = ("overview", "relations", "latent", "longrun", "evidence", "negotiation", "dynamics")
#: Parts warmed in the background after start-up, cheapest first (the last two fit models: a minute or more).
WARM = ("overview", "negotiation", "relations", "evidence", "dynamics", "latent")
CAPABILITY_MAX = 1e6
LIVE_CACHE = 128
DEFAULT_PATHS = 500


class UnknownCase(BilateralError):
    """A case name that is not one of the dashboard's cases (HTTP 404)."""


@dataclass(frozen=True)
class Live:
    """One live negotiation request: models, Monte Carlo runs, seed and the edited inputs as
    ``(actor index, field, value)`` triples (fields: position, salience, capability, veto)."""

    case: str
    models: tuple[str, ...]
    runs: int
    seed: int
    edits: tuple[tuple[int, str, float], ...]


@dataclass(frozen=True)
class ScenarioRun:
    """One user-built scenario: its shocks as ``(year, what, size, half-life)``, the simulated paths
    and years (``None``: the case's horizon), the headline year, models and seed."""

    case: str
    shocks: tuple[tuple[int, str, float | None, float | None], ...]
    paths: int
    years: int | None
    by_year: int | None
    models: tuple[str, ...]
    seed: int


def builtin_cases() -> dict[str, Path]:
    """The built-in cases' names and folders (as :func:`bilateral.case.builtin_cases`, without
    importing the case package, so that the server starts before pandas is loaded)."""
    root = files("bilateral").joinpath("cases")
    return {p.name: Path(str(p)) for p in root.iterdir() if p.joinpath("case.yaml").is_file()}


class Dashboard:
    """The cases served, their analyses and the pools that compute them."""

    def __init__(self, case: str | Path = "russia-japan", *, store: str | Path | None = None, seed: int = 0,
                 runs: int = 1000, pool: Pool | None = None, warm: bool = True):
        self.cases: dict[str, Path] = builtin_cases()
        name = str(case)
        if name not in self.cases:
            folder = Path(case)
            if not (folder / "case.yaml").is_file():
                raise UnknownCase(f"{case}: not a built-in case ({', '.join(self.cases)}) nor a case folder "
                                  "with a case.yaml")
            name = folder.name
            self.cases[name] = folder
        self.default = name
        self.store, self.seed, self.runs = store, seed, runs
        self.pool = pool or Pool()
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bilateral-parts")
        self._lock = threading.Lock()
        self._analyses: dict[str, Any] = {}
        self._parts: dict[tuple[str, str], Future[Any]] = {}
        self._live: OrderedDict[Live, dict[str, Any]] = OrderedDict()
        self._scenarios: OrderedDict[ScenarioRun, Any] = OrderedDict()
        self.warm = warm

    # -- cases and parts -------------------------------------------------------------------

    def case_name(self, query: Mapping[str, str]) -> str:
        """The ``case`` of a request: one of the known names (the default when absent)."""
        name = query.get("case", "").strip() or self.default
        if name not in self.cases:
            raise UnknownCase(f"case {name[:60]!r} is not served here — known cases: {', '.join(self.cases)}")
        return name

    def analysis(self, name: str) -> Any:
        """The one :class:`bilateral.Analysis` of a known case (created on first use)."""
        with self._lock:
            if name not in self._analyses:
                from bilateral.analysis import Analysis

                self._analyses[name] = Analysis(self.cases[name], store=self.store, rng=self.seed, runs=self.runs,
                                                workers=1)
            return self._analyses[name]

    def part_future(self, case: str, part: str) -> Future[Any]:
        """The background computation of one part of a case's analysis (started once)."""
        with self._lock:
            key = (case, part)
            if key not in self._parts:
                self._parts[key] = self._background.submit(lambda: getattr(self.analysis(case), part))
            return self._parts[key]

    def compute(self, key: tuple[str, ...], fn: Any, *args: Any) -> Future[Any]:
        """``fn(*args)`` on the background thread, once per ``key`` (shared inputs such as panels)."""
        with self._lock:
            if key not in self._parts:
                self._parts[key] = self._background.submit(fn, *args)  # type: ignore[index]
            return self._parts[key]  # type: ignore[index]

    async def part(self, case: str, part: str, timeout: float) -> Any | None:
        """A part's result, or ``None`` when it is still being computed after ``timeout`` seconds."""
        return await self.result(self.part_future(case, part), timeout)

    async def result(self, future: Future[Any], timeout: float) -> Any | None:
        """A background future's result, or ``None`` when it is not done after ``timeout`` seconds."""
        if not future.done():
            try:
                await wait(future, timeout)
            except Exception as err:  # the time limit: the page says it is computing
                if not future.done():
                    return None
                raise future.exception() from err
        return future.result()

    def warm_up(self) -> None:
        """Start computing the default case's parts in the background (cheapest first)."""
        if self.warm:
            for part in WARM:
                self.part_future(self.default, part)

    def shutdown(self) -> None:
        self._background.shutdown(wait=False, cancel_futures=True)
        self.pool.shutdown()

    # -- live negotiation ------------------------------------------------------------------

    def live_request(self, query: Mapping[str, str]) -> Live:
        """The live negotiation asked for by a query string, every value checked."""
        case = self.case_name(query)
        sh = self.stakeholders(case)
        if sh.n > inputs.MAX_ACTORS:
            raise inputs.BadInput("case", f"{sh.n} stakeholders — the dashboard runs at most {inputs.MAX_ACTORS}")
        lo, hi = sh.scale
        edits: list[tuple[int, str, float]] = []
        for key in query:
            if len(key) > 1 and key[0] in "pscv" and key[1:].isdigit() and int(key[1:]) >= sh.n:
                raise inputs.BadInput(key, f"no stakeholder {key[1:]} — this case has {sh.n} (0–{sh.n - 1})")
        for i in range(sh.n):
            for prefix, field, low, high in (("p", "position", lo, hi), ("s", "salience", 0.0, 1.0),
                                             ("c", "capability", 0.0, CAPABILITY_MAX)):
                value = inputs.number(query, f"{prefix}{i}", low, high)
                if value is not None and value != float(getattr(sh, field)[i]):
                    edits.append((i, field, value))
            veto = inputs.flag(query, f"v{i}")
            if veto is not None and veto != bool(sh.veto[i]):
                edits.append((i, "veto", float(veto)))
        return Live(case=case, models=tuple(inputs.models(query)),
                    runs=inputs.integer(query, "runs", 1000, 0, inputs.MAX_RUNS),
                    seed=inputs.integer(query, "seed", self.seed, 0, inputs.MAX_SEED), edits=tuple(edits))

    def stakeholders(self, case: str) -> Any:
        """The case's own stakeholders (the inputs a live run edits)."""
        from bilateral.analysis.negotiation import case_stakeholders

        return case_stakeholders(self.analysis(case).case)

    def edited(self, live: Live) -> Any:
        """The case's stakeholders with a request's edits (see ``edited_stakeholders``)."""
        from bilateral.analysis.negotiation import edited_stakeholders

        case = self.analysis(live.case).case
        return edited_stakeholders(self.stakeholders(live.case), list(live.edits), label=case.scale.name)

    def live(self, live: Live) -> dict[str, Any]:
        """Run (or recall) one live negotiation; returns the page's payload (see :func:`payload`)."""
        with self._lock:
            if live in self._live:
                self._live.move_to_end(live)
                return self._live[live]
        from bilateral.analysis.negotiation import simulation
        from bilateral.web.negotiation import payload

        sh = self.edited(live)
        result = simulation(sh, list(live.models), runs=live.runs, rng=live.seed, workers=1, trace=True)
        body = payload(result, self.analysis(live.case).case, live, self.take(live))
        with self._lock:
            self._live[live] = body
            while len(self._live) > LIVE_CACHE:
                self._live.popitem(last=False)
        return body

    # -- user-built scenarios of the relations dynamics -------------------------------------

    def scenario_request(self, query: Mapping[str, str]) -> ScenarioRun:
        """The scenario a dynamics page's query asks for, every value parsed (bounds: the analysis layer)."""
        from bilateral.analysis.scenario_edit import MAX_PATHS, MAX_SHOCKS, MAX_YEARS

        raw_years = inputs.integer(query, "years", 0, 1, MAX_YEARS)
        raw_by = inputs.integer(query, "by", 0, 1000, 9999)
        return ScenarioRun(case=self.case_name(query), shocks=tuple(inputs.shocks(query, MAX_SHOCKS)),
                           paths=inputs.integer(query, "paths", DEFAULT_PATHS, 1, MAX_PATHS),
                           years=raw_years or None, by_year=raw_by or None, models=tuple(inputs.models(query)),
                           seed=inputs.integer(query, "seed", self.seed, 0, inputs.MAX_SEED))

    def scenario(self, run: ScenarioRun) -> Any:
        """Run (or recall) a user's scenario beside the baseline (``analysis.scenario_edit.run_scenario``);
        the case's dynamics part must be computed (the page awaits it first)."""
        with self._lock:
            if run in self._scenarios:
                self._scenarios.move_to_end(run)
                return self._scenarios[run]
        from bilateral.analysis.scenario_edit import ShockEdit, run_scenario

        result = self.part_future(run.case, "dynamics").result()
        shocks = [ShockEdit(year, what, size, half) for year, what, size, half in run.shocks]
        found = run_scenario(result, self.analysis(run.case).case, shocks, paths=run.paths, years=run.years,
                             by_year=run.by_year, models=list(run.models), rng=run.seed)
        with self._lock:
            self._scenarios[run] = found
            while len(self._scenarios) > LIVE_CACHE:
                self._scenarios.popitem(last=False)
        return found

    def take(self, live: Live) -> Any:
        """The bound and "what it would take" for a live request's edited stakeholders."""
        from bilateral.analysis.scenario_edit import what_it_would_take_for

        return what_it_would_take_for(self.edited(live), list(live.models))
