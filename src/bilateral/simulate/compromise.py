"""The compromise model: the salience- and capability-weighted mean of the actors' positions."""

from __future__ import annotations

import numpy as np

from bilateral.simulate.base import NO_SOLUTION, BargainingModel, Batch, BatchResult, Outcome
from bilateral.simulate.inputs import Stakeholders


def weighted_mean(position: np.ndarray, salience: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """O = Σᵢ cᵢsᵢxᵢ / Σᵢ cᵢsᵢ along the last axis (NaN where every weight is zero).

    The compromise model of Achen (2006, *The European Union Decides*, ch. 4), the most accurate
    simple model on EU legislative data (Thomson 2011); also the μ of Bueno de Mesquita's model.
    """
    weight = capability * salience
    total = weight.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (weight * position).sum(axis=-1) / total, np.nan)


class Compromise(BargainingModel):
    """Weighted-mean (compromise) model; no parameters, no status quo needed; deterministic
    (``solve``'s ``rng`` is not used).

    The outcome is O = Σᵢ cᵢsᵢxᵢ / Σᵢ cᵢsᵢ (docs/models.md §3.1).

    References
    ----------
    Achen, C. H. (2006). In R. Thomson, F. N. Stokman, C. H. Achen and T. König (eds.), *The
    European Union Decides*. Cambridge University Press.

    Thomson, R. (2011). *Resolving Controversy in the European Union*. Cambridge University Press.

    Examples
    --------
    >>> simulate.Compromise().solve(simulate.load_stakeholders("russia-japan")).position
    """

    name = "compromise"
    label = "Compromise (weighted mean)"

    def solve_batch(self, batch: Batch) -> BatchResult:
        pos = weighted_mean(batch.position, batch.salience, batch.capability)
        runs = batch.runs
        return BatchResult(pos, np.ones(runs, bool), np.zeros(runs, int))

    def solve(self, stakeholders: Stakeholders, *, rng: np.random.Generator | None = None) -> Outcome:
        pos = float(self.solve_batch(Batch.of(stakeholders)).position[0])
        if np.isnan(pos):
            return Outcome(self.name, None, NO_SOLUTION, "every actor has zero capability × salience")
        weight = stakeholders.weight / stakeholders.weight.sum()
        return Outcome(self.name, pos, diagnostics={"weights": dict(zip(stakeholders.actor,
                                                                         weight.round(6), strict=True))})
