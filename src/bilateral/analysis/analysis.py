"""One analysis of one case on one body of data: each part computed once, on first use, and kept.

    a = bilateral.Analysis("russia-japan", store="store.duckdb", rng=1)
    a.relations.summary()          # the measured event index
    a.evidence.table()             # one verdict per claim
    a.negotiation.figures()        # win-sets, Monte Carlo distributions, the EUM trace

The report, the CLI and the dashboard render these results; none of them computes. The dyad's
panels (one per frequency) and event indices are built once and shared by every part that reads
them — the evidence, the long-run figures and the measured relations. Each part, panel and index
shows a line of progress while it is computed (`bilateral.progress`; ``progress=False``: none).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from functools import cached_property, wraps
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from bilateral.analysis.dynamics import DynamicsResult, dynamics_of
from bilateral.analysis.evidence import EvidenceResult, evidence
from bilateral.analysis.latent import LatentResult, latent
from bilateral.analysis.longrun import DRAWN, START, LongRunResult, longrun
from bilateral.analysis.negotiation import NegotiationResult, negotiation
from bilateral.analysis.overview import OverviewResult, overview
from bilateral.analysis.relations import RelationsResult, relations
from bilateral.case import Case, load_case
from bilateral.errors import BilateralError
from bilateral.progress import ProgressArg, task, track

Seed = int | np.random.Generator | None
T = TypeVar("T")
PARTS = ("overview", "relations", "latent", "longrun", "evidence", "negotiation", "dynamics")
#: The parts a quick analysis may leave out: they fit models of their own on top of the others.
OPTIONAL = ("latent", "dynamics")
SKIPPED = "skipped (asked not to compute it)"


def _seeds(rng: Seed, parts: int) -> list[int | np.random.Generator]:
    """One seed per stochastic part: the same int for each (every part seeds itself from it), or
    independent child generators of a given Generator."""
    if isinstance(rng, np.random.Generator):
        return list(rng.spawn(parts))
    if rng is None:
        return list(np.random.default_rng().spawn(parts))
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer) or rng < 0:
        raise BilateralError(f"rng={rng!r}: give a seed (a whole number ≥ 0) or a numpy Generator")
    return [int(rng)] * parts


def _part(compute: Callable[[Analysis], T]) -> cached_property[T]:
    """A part of the analysis: computed on first use, under a line of progress named after it, and kept."""
    @wraps(compute)
    def computed(self: Analysis) -> T:
        with task(compute.__name__, progress=self.progress):
            return compute(self)
    return cached_property(computed)


class Analysis:
    """The parts of one case's analysis, each computed once.

    Parameters
    ----------
    case
        A `bilateral.Case`, a built-in case name or a case folder.
    store
        The event store (default ``$BILATERAL_HOME/store.duckdb``).
    rng
        A seed or a numpy ``Generator`` for every stochastic part (Monte Carlo, bootstraps,
        placebo dates). Same seed, same numbers.
    runs
        Monte Carlo runs of the negotiation.
    scenario_runs
        Monte Carlo runs per scenario (0: the scenarios' point forecasts only).
    workers
        Threads for the compiled bargaining models (0: one per CPU).
    adjust
        Multiple-testing correction of the evidence (``holm``, ``fdr_bh``, …).
    skip
        Parts not to compute (of ``OPTIONAL``: the model-fitting ones); each answers as not
        available, with the reason "skipped".
    progress
        A line of progress per part, panel and index while it is computed, with the work inside
        (explain, Monte Carlo, …) below it: ``None`` in a terminal or notebook only, ``True``
        always, ``False`` never, or a rich ``Console`` to draw on (`bilateral.progress`).

    Examples
    --------
    >>> a = bilateral.Analysis("russia-japan", rng=1, runs=200, skip=("latent", "dynamics"))
    >>> a.evidence.summary()["counts"]          # one verdict per claim
    {'supported': 1, 'contradicted': 0, 'inconclusive': 34, 'no data': 27}
    >>> a.negotiation.table()                   # each model: bargained, ratifiable, P(breakthrough)
    >>> a.latent.available, a.latent.reason
    (False, 'skipped (asked not to compute it)')
    """

    def __init__(self, case: Case | str | Path = "russia-japan", *, store: str | Path | None = None,
                 rng: Seed = 0, runs: int = 1000, scenario_runs: int = 0, workers: int = 0,
                 adjust: str = "holm", skip: tuple[str, ...] | list[str] = (), progress: ProgressArg = None):
        self.case = case if isinstance(case, Case) else load_case(case)
        from bilateral.data.store import default_path

        self.store_path = Path(store) if store is not None else default_path()
        self.runs, self.scenario_runs, self.workers, self.adjust = runs, scenario_runs, workers, adjust
        self.rng = rng
        unknown = sorted(set(skip) - set(OPTIONAL))
        if unknown:
            raise BilateralError(f"skip={', '.join(unknown)}: only {', '.join(OPTIONAL)} can be skipped")
        self.skip = tuple(skip)
        self.progress = progress
        self._evidence_rng, self._negotiation_rng, self._latent_rng, self._dynamics_rng = _seeds(rng, 4)
        self._panels: dict[str, pd.DataFrame | BilateralError] = {}
        self._indices: dict[tuple[str, str, str], pd.DataFrame | BilateralError] = {}

    def __repr__(self) -> str:
        done = [name for name in PARTS if name in vars(self)]
        return (f"<Analysis of {self.case.name!r} ({'–'.join(self.case.dyad)}); store {self.store_path}; "
                f"computed: {', '.join(done) or 'nothing yet'}>")

    # -- shared inputs (the explain layer's SeriesSource) ---------------------------------------

    def steps(self) -> list[str]:
        """The panel steps this analysis reads: those of every series the case's hypotheses name
        (a pair's series through the triads step), those the long-run figures draw, and those the
        latent relation index fuses — not every dataset the panel could add."""
        from bilateral.case.dynamics import load_dynamics
        from bilateral.measure.latent import panel_steps
        from bilateral.registry import series as registry

        wanted = ["leaders", *DRAWN["Y"], *DRAWN["M"], "triads", *panel_steps(*self.case.dyad)]
        with suppress(BilateralError):  # no dynamics.yaml, or a broken one: the dynamics part says why
            wanted.append(registry.spec(load_dynamics(self.case).series).step)
        for h in self.case.hypotheses:
            for ref in [*h.test.series, *(h.test.predictors or [])]:
                parsed = registry.parse_series_ref(ref)
                step = registry.spec(ref).step
                wanted.append("triads" if parsed.dyad and set(parsed.dyad) != set(self.case.dyad) else step)
        panel_steps_known = set(registry.steps()) - {registry.EVENTS, registry.CASE}
        return [s for s in dict.fromkeys(wanted) if s in panel_steps_known]

    def panel(self, freq: str = "Y") -> pd.DataFrame:
        """The dyad's panel from 1946 with `steps()`, built once per frequency.

        Raises the `BilateralError` that building it raised (kept, not retried).
        """
        from bilateral.measure import panel as panels

        if freq not in self._panels:
            a, b = self.case.dyad
            try:
                with task(f"{'yearly' if freq == 'Y' else 'monthly' if freq == 'M' else freq} panel",
                          progress=self.progress):
                    self._panels[freq] = panels.panel(a, b, freq=freq, start=START, case=self.case).add(*self.steps())
            except BilateralError as err:
                self._panels[freq] = err
        built = self._panels[freq]
        if isinstance(built, BilateralError):
            raise built
        return built

    def event_index(self, a: str, b: str, freq: str) -> pd.DataFrame:
        """The A–B relations index (every metric) from the store, built once per pair and frequency."""
        from bilateral.measure.index import relations_index

        key = (a, b, freq)
        if key not in self._indices:
            path = self.store_path
            try:
                if not path.exists():
                    raise BilateralError(f"no event store at {path} — ingest event data (ICEWS, GDELT, …) "
                                         "into it first")
                with task(f"{a}–{b} event index", progress=self.progress):
                    self._indices[key] = relations_index(a, b, store=path, freq=freq)
            except BilateralError as err:
                self._indices[key] = err
        built = self._indices[key]
        if isinstance(built, BilateralError):
            raise built
        return built

    @cached_property
    def series(self) -> Any:
        """The explain layer's resolver of series references over this analysis' panels and
        indices (`bilateral.explain.Evidence`), shared by the evidence and its figures."""
        from bilateral.explain import Evidence

        return Evidence(self.case, source=self)

    # -- parts ------------------------------------------------------------------------------

    @_part
    def overview(self) -> OverviewResult:
        """The case's records at a glance, events by period and the timeline."""
        return overview(self.case)

    @_part
    def relations(self) -> RelationsResult:
        """The dyad's monthly event index from the store."""
        try:
            table = self.event_index(*self.case.dyad, "M")
        except BilateralError as err:
            return relations(None, self.case.dyad, "M", case=self.case, reason=str(err))
        return relations(table, self.case.dyad, "M", case=self.case)

    @_part
    def longrun(self) -> LongRunResult:
        """UN votes, trade, disputes and opinion over the long run."""
        frames, reasons = {}, []
        for freq in ("Y", "M"):
            try:
                frames[freq] = self.panel(freq)
            except BilateralError as err:
                frames[freq] = None
                reasons.append(f"{'yearly' if freq == 'Y' else 'monthly'} panel: {err}")
        return longrun(self.case, frames["Y"], frames["M"], reasons=reasons)

    @_part
    def evidence(self) -> EvidenceResult:
        """Every hypothesis tested, one verdict per claim."""
        return evidence(self.case, self.series, adjust=self.adjust, rng=self._evidence_rng)

    @_part
    def latent(self) -> LatentResult:
        """The latent relation index (monthly) fused from every series, and P(best) per period."""
        if "latent" in self.skip:
            return LatentResult(available=False, reason=SKIPPED)
        try:
            yearly = self.panel("Y")
        except BilateralError as err:
            return LatentResult(available=False, reason=f"yearly panel: {err}")
        try:
            monthly = self.panel("M")
        except BilateralError:
            monthly = None
        try:
            events = self.event_index(*self.case.dyad, "M")
        except BilateralError:
            events = {}
        return latent(*self.case.dyad, panel_y=yearly, panel_m=monthly, events=events, case=self.case,
                      rng=self._latent_rng)

    @_part
    def dynamics(self) -> DynamicsResult:
        """Relations over time: the fitted dynamics, forecast, back-test, exact bounds and
        P(breakthrough by year) per scenario."""
        if "dynamics" in self.skip:
            return DynamicsResult(available=False, reason=SKIPPED)
        with task("fit, forecast and scenarios", progress=self.progress) as line:
            return dynamics_of(self, paths=self.runs, rng=self._dynamics_rng, progress=line.stage)

    def evidence_of(self, hypotheses: list[str] | None = None) -> EvidenceResult:
        """The evidence for the named hypotheses only (all of them, cached, when none are named)."""
        if not hypotheses:
            return self.evidence
        return evidence(self.case, self.series, adjust=self.adjust, rng=self._evidence_rng, hypotheses=hypotheses)

    @_part
    def negotiation(self) -> NegotiationResult:
        """The bargaining models, ratification, Monte Carlo, scenarios and sensitivity."""
        return negotiation(self.case, runs=self.runs, rng=self._negotiation_rng, workers=self.workers,
                           scenario_runs=self.scenario_runs)

    def parts(self) -> dict[str, Any]:
        """Every part, computed (one bar over them, each part's own progress below it)."""
        return {name: getattr(self, name) for name in track(PARTS, "analysis", progress=self.progress, label=str)}
