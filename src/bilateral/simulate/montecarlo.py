"""Monte Carlo over the stakeholders' uncertainty ranges, vectorised across runs.

Each run draws every actor's position, salience and capability from a triangular distribution on
its (low, value, high) range (or uniform on (low, high)); all runs are solved at once by each
model's ``solve_batch`` (the iterative models' compiled rounds run the draws in parallel threads).
Every run is then ratified (its own win-sets from its own draws of the veto players' positions),
and a breakthrough is a ratifiable outcome at or above the case's threshold. Same seed, same
numbers, whatever the number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral
from typing import Any, Literal

import numba
import numpy as np
import pandas as pd
from scipy.stats import binomtest, triang

from bilateral.errors import BilateralError
from bilateral.progress import ProgressArg, track
from bilateral.simulate.base import BargainingModel, Batch, BatchResult
from bilateral.simulate.inputs import FIELDS, Stakeholders, load_stakeholders
from bilateral.simulate.ratification import agreement_bounds, ratify
from bilateral.simulate.registry import get_models

Distribution = Literal["triangular", "uniform"]


def triangular(low: np.ndarray, mode: np.ndarray, high: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse CDF of the triangular distribution on (low, mode, high) at ``u``
    (``scipy.stats.triang.ppf`` with c = (mode − low)/(high − low)); the value itself when the
    range is empty."""
    width = high - low
    wide = width > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(wide, (mode - low) / np.where(wide, width, 1.0), 0.5)
    return np.where(wide, triang.ppf(u, c, loc=low, scale=np.where(wide, width, 1.0)), mode)


def generator(rng: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy ``Generator`` from a seed (a whole number ≥ 0), a ``Generator`` (used as is) or
    ``None`` (fresh entropy: not reproducible)."""
    if isinstance(rng, np.random.Generator) or rng is None:
        return np.random.default_rng(rng)
    if isinstance(rng, Integral) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise BilateralError(f"rng={rng!r}: give a seed (a whole number ≥ 0) or a numpy Generator")


def seed_of(rng: int | np.random.Generator | None) -> int | None:
    """The seed when ``rng`` is one (for reports: "seed 0"), else ``None``."""
    return int(rng) if isinstance(rng, Integral) and not isinstance(rng, bool) else None


def draw(sh: Stakeholders, runs: int, rng: np.random.Generator,
         distribution: Distribution = "triangular", u: np.ndarray | None = None) -> Batch:
    """``runs`` draws of every actor's inputs. ``u`` (runs, 3n) uniforms may be given (for
    quasi-random designs); the columns are position, salience, capability for actor 0, 1, …"""
    if distribution not in ("triangular", "uniform"):
        raise BilateralError(f"distribution={distribution!r}: use triangular or uniform")
    n = sh.n
    if u is None:
        u = rng.random((runs, 3 * n))
    u = u.reshape(runs, n, 3)
    out = {}
    for k, fld in enumerate(FIELDS):
        low, mode, high = (getattr(sh, f"{fld}_low"), getattr(sh, fld), getattr(sh, f"{fld}_high"))
        uk = u[:, :, k]
        out[fld] = (triangular(low, mode, high, uk) if distribution == "triangular"
                    else low + uk * (high - low))
    return Batch(out["position"], out["salience"], out["capability"], sh.scale, sh.status_quo)


def wilson(successes: int, trials: int, level: float = 0.95) -> tuple[float, float, float]:
    """Share and Wilson score interval (scipy.stats.binomtest … proportion_ci(method='wilson'))."""
    if trials == 0:
        return float("nan"), float("nan"), float("nan")
    ci = binomtest(int(successes), int(trials)).proportion_ci(confidence_level=level, method="wilson")
    return successes / trials, float(ci.low), float(ci.high)


def solve_parallel(model: BargainingModel, batch: Batch, workers: int = 0) -> BatchResult:
    """``model.solve_batch`` with the draws spread over ``workers`` threads (0: one per CPU)."""
    previous = numba.get_num_threads()
    numba.set_num_threads(min(workers or numba.config.NUMBA_NUM_THREADS, numba.config.NUMBA_NUM_THREADS))
    try:
        return model.solve_batch(batch)
    finally:
        numba.set_num_threads(previous)


@dataclass(repr=False)
class ModelRuns:
    """One model's Monte Carlo: bargained and ratified outcome per run, and the breakthroughs."""

    model: str
    label: str
    bargained: np.ndarray
    ratified: np.ndarray
    converged: np.ndarray
    rounds: np.ndarray
    breakthrough: np.ndarray | None

    def summary(self, level: float = 0.95) -> dict[str, Any]:
        """One row: shares, the outcomes' mean and 5/50/95 % percentiles, P(breakthrough) with its
        Wilson interval (``p_breakthrough``, ``ci_low``, ``ci_high``) when there is a threshold."""
        runs = len(self.bargained)
        defined = ~np.isnan(self.bargained)
        ratifiable = ~np.isnan(self.ratified)
        row: dict[str, Any] = {"model": self.model, "runs": runs, "defined_share": defined.mean()}
        for name, values in (("bargained", self.bargained[defined]), ("ratified", self.ratified[ratifiable])):
            row[f"{name}_mean"] = values.mean() if values.size else np.nan
            for q in (5, 50, 95):
                row[f"{name}_p{q}"] = np.percentile(values, q) if values.size else np.nan
        row["ratifiable_share"] = ratifiable.mean()
        row["converged_share"] = self.converged[defined].mean() if defined.any() else np.nan
        if self.breakthrough is not None:
            p, lo, hi = wilson(int(self.breakthrough.sum()), runs, level)
            row.update({"p_breakthrough": p, "ci_low": lo, "ci_high": hi})
        return row

    def __repr__(self) -> str:
        return f"ModelRuns({self.model!r}, {len(self.bargained)} runs)"


@dataclass(repr=False)
class MonteCarlo:
    """The result of :func:`monte_carlo`: per model runs, the agreement-set bounds per run."""

    stakeholders: Stakeholders
    runs: int
    seed: int | None
    distribution: str
    threshold: float | None
    z_low: np.ndarray
    z_high: np.ndarray
    models: dict[str, ModelRuns] = field(default_factory=dict)

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """One row per model (:meth:`ModelRuns.summary`)."""
        frame = pd.DataFrame([m.summary(level) for m in self.models.values()])
        frame.attrs["sources"] = list(self.stakeholders.sources)
        return frame

    @property
    def agreement_share(self) -> float:
        """Share of runs with a ratifiable agreement set (Z not empty)."""
        return float((self.z_high - self.z_low > 0).mean())

    def breakthrough(self, model: str, level: float = 0.95) -> tuple[float, float, float]:
        """(share, Wilson low, Wilson high) of the runs with a breakthrough; NaN without a threshold."""
        runs = self.models[model]
        if runs.breakthrough is None:
            return float("nan"), float("nan"), float("nan")
        return wilson(int(runs.breakthrough.sum()), self.runs, level)

    def __repr__(self) -> str:
        seed = "" if self.seed is None else f", seed {self.seed}"
        return (f"MonteCarlo({self.runs:,} runs{seed}, {self.distribution}, threshold {self.threshold}; "
                f"models {', '.join(self.models)})")

    def _repr_html_(self) -> str:
        return self.table().to_html(index=False)


def monte_carlo(source: Any = "russia-japan", models: Any = "all", *, runs: int = 1000,
                rng: int | np.random.Generator | None = None, seed: int | None = 0,
                distribution: Distribution = "triangular", threshold: float | None = None,
                workers: int = 0, uniforms: np.ndarray | None = None, progress: ProgressArg = None) -> MonteCarlo:
    """Run every model on ``runs`` draws of the stakeholders (a case, a CSV or a Stakeholders).

    Parameters
    ----------
    source
        A case name or folder, a ``Case``, a stakeholder CSV path or ``Stakeholders``.
    models
        ``"all"``, a model name, or a list of names or model instances.
    runs
        Draws of every actor's position, salience and capability within its range.
    rng
        A seed or a numpy ``Generator``.
    seed
        The same as an int ``rng``; used when ``rng`` is not given.
    distribution
        ``triangular`` (mode at the point value) or ``uniform`` on each range.
    threshold
        The breakthrough threshold (default: the case's); a breakthrough in a run is a
        ratifiable outcome ≥ threshold.
    workers
        Threads for the iterative models (0: one per CPU).
    uniforms
        (runs, 3n) uniforms to map through the ranges instead of drawing them (common random
        numbers across scenarios; see `draw`).
    progress
        A bar advancing once a model (`bilateral.progress`; None: in a terminal or notebook only).

    Returns
    -------
    MonteCarlo
        Each model's bargained and ratified outcome per run; ``table()`` summarises them with
        P(breakthrough) and its Wilson interval.

    Examples
    --------
    >>> mc = simulate.monte_carlo("russia-japan", runs=10_000, rng=1)
    >>> mc.table()[["model", "bargained_p50", "ratified_p50", "p_breakthrough", "ci_high"]]
    """
    sh = load_stakeholders(source)
    rng = seed if rng is None else rng
    if not isinstance(runs, Integral) or isinstance(runs, bool) or runs < 1:
        raise BilateralError(f"runs={runs!r}: give a whole number of Monte Carlo runs ≥ 1")
    threshold = sh.breakthrough if threshold is None else threshold
    batch = draw(sh, int(runs), generator(rng), distribution, u=uniforms)
    z_low, z_high = agreement_bounds(sh, batch.position)
    result = MonteCarlo(sh, int(runs), seed_of(rng), distribution, threshold, z_low, z_high)
    for model in track(get_models(models), f"Monte Carlo ({runs:,} runs)", progress=progress,
                       label=lambda m: m.name):
        solved = solve_parallel(model, batch, workers)
        ratified = ratify(solved.position, z_low, z_high)
        hit = None if threshold is None else (~np.isnan(ratified)) & (ratified >= threshold)
        result.models[model.name] = ModelRuns(model.name, model.label, solved.position, ratified,
                                              solved.converged, solved.rounds, hit)
    return result
