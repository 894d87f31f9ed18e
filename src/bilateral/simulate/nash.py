"""Asymmetric Nash bargaining with a status quo (Achen 2006, in *The European Union Decides*).

x* = argmaxₓ Σᵢ cᵢ ln(uᵢ(x) − uᵢ(q)),  uᵢ(x) = −sᵢ(x − xᵢ)²

Only actors with cᵢsᵢ > 0 take part (an actor with no salience or no capability is indifferent and
would make the product zero everywhere). The solution exists only where some x gives every such
actor a positive gain gᵢ(x) = uᵢ(x) − uᵢ(q): actor i gains exactly on the open interval between q
and its mirror image 2xᵢ − q, so the feasible set is the intersection of those intervals. It is
empty when an actor sits on the status quo or actors lie on both sides of it; the model then
reports "no solution" rather than a number.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from bilateral.simulate.base import NO_SOLUTION, BargainingModel, Batch, BatchResult, Interval, Outcome, ParamRules
from bilateral.simulate.inputs import Stakeholders


def gain(x: np.ndarray, position: np.ndarray, salience: np.ndarray, q: float) -> np.ndarray:
    """gᵢ(x) = uᵢ(x) − uᵢ(q) = sᵢ[(q − xᵢ)² − (x − xᵢ)²] (quadratic loss, Achen 2006)."""
    return salience * ((q - position) ** 2 - (x - position) ** 2)


def feasible_interval(position: np.ndarray, salience: np.ndarray, capability: np.ndarray, q: float,
                      scale: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """(L, U): the open interval where every participating actor gains over q, cut to the scale.

    Actor i gains on (min(q, 2xᵢ − q), max(q, 2xᵢ − q)); L = maxᵢ of the lower ends, U = minᵢ of the
    upper ends; empty (L ≥ U) when no agreement beats the status quo for all.
    """
    active = capability * salience > 0
    mirror = 2 * position - q
    low = np.where(active, np.minimum(q, mirror), -np.inf).max(axis=-1)
    high = np.where(active, np.maximum(q, mirror), np.inf).min(axis=-1)
    return np.maximum(low, scale[0]), np.minimum(high, scale[1])


def nash_slope(x: np.ndarray, position: np.ndarray, salience: np.ndarray, capability: np.ndarray,
               q: float) -> np.ndarray:
    """d/dx Σᵢ cᵢ ln gᵢ(x) = Σᵢ −2cᵢsᵢ(x − xᵢ)/gᵢ(x); zero at x* ⇔ x* = Σ wᵢxᵢ / Σ wᵢ with
    wᵢ = cᵢsᵢ / gᵢ(x*), the fixed point of models.md §2 (it reduces to the weighted mean when all
    gains are equal)."""
    active = capability * salience > 0
    g = gain(x[..., None], position, salience, q)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(active, -2 * capability * salience * (x[..., None] - position) / g, 0.0)
    return terms.sum(axis=-1)


class Nash(BargainingModel):
    """Asymmetric Nash bargaining solution; needs a status quo.

    The objective is strictly concave on the feasible interval and its slope falls from +∞ to −∞
    across it, so ``iterations`` bisection steps on the slope find the unique maximiser for every
    draw at once (60 steps reach double precision; the fixed-point iteration of the FOC can cycle).
    When the slope is still positive at the edge of the scale the maximiser is that edge.
    Deterministic: ``solve``'s ``rng`` is not used.

    The outcome is x* = argmaxₓ Σᵢ cᵢ ln[uᵢ(x) − uᵢ(q)] with quadratic loss uᵢ(x) = −sᵢ(x − xᵢ)²;
    an empty feasible set (an actor on q, or actors on both sides of it) is "no solution"
    (docs/models.md §3.2).

    Parameters
    ----------
    iterations
        Bisection steps on the objective's slope.

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155–162.

    Achen, C. H. (2006). In R. Thomson, F. N. Stokman, C. H. Achen and T. König (eds.), *The
    European Union Decides*. Cambridge University Press.

    Examples
    --------
    >>> simulate.Nash().solve(simulate.load_stakeholders("russia-japan"))
    """

    name = "nash"
    label = "Asymmetric Nash bargaining"
    PARAMS: ClassVar[ParamRules] = {"iterations": Interval(1, integer=True)}

    def __init__(self, iterations: int = 80) -> None:
        self.set_params(iterations=iterations)

    def solve_batch(self, batch: Batch) -> BatchResult:
        runs = batch.runs
        if batch.status_quo is None:
            return BatchResult(np.full(runs, np.nan), np.zeros(runs, bool), np.zeros(runs, int))
        q = float(batch.status_quo)
        x, s, c = batch.position, batch.salience, batch.capability
        low, high = feasible_interval(x, s, c, q, batch.scale)
        exists = low < high
        a, b = np.where(exists, low, 0.0), np.where(exists, high, 1.0)
        for _ in range(self.iterations):
            mid = 0.5 * (a + b)
            up = nash_slope(mid, x, s, c, q) > 0
            a, b = np.where(up, mid, a), np.where(up, b, mid)
        pos = np.where(exists, 0.5 * (a + b), np.nan)
        return BatchResult(pos, exists, np.full(runs, self.iterations),
                           {"feasible_low": np.where(exists, low, np.nan),
                            "feasible_high": np.where(exists, high, np.nan)})

    def solve(self, stakeholders: Stakeholders, *, rng: np.random.Generator | None = None) -> Outcome:
        q = stakeholders.status_quo
        if q is None:
            return Outcome(self.name, None, NO_SOLUTION, "no status quo given (the Nash solution is "
                           "defined relative to one: pass status_quo / --status-quo)")
        result = self.solve_batch(Batch.of(stakeholders))
        if np.isnan(result.position[0]):
            x, w = stakeholders.position, stakeholders.weight
            at_q = [a for a, xi, wi in zip(stakeholders.actor, x, w, strict=True) if wi > 0 and xi == q]
            below = any((xi < q) and wi > 0 for xi, wi in zip(x, w, strict=True))
            above = any((xi > q) and wi > 0 for xi, wi in zip(x, w, strict=True))
            why = (f"{', '.join(at_q)} sit{'s' if len(at_q) == 1 else ''} on the status quo {q:g}"
                   if at_q else f"actors lie on both sides of the status quo {q:g}" if below and above
                   else "the actors' gain intervals do not overlap")
            return Outcome(self.name, None, NO_SOLUTION, f"no agreement beats the status quo for "
                           f"every actor: {why}", diagnostics={"status_quo": q})
        pos = float(result.position[0])
        g = gain(pos, stakeholders.position, stakeholders.salience, q)
        w = np.where(stakeholders.weight > 0, stakeholders.weight / np.where(g > 0, g, np.inf), 0.0)
        return Outcome(self.name, pos, diagnostics={
            "status_quo": q, "feasible": (float(result.extra["feasible_low"][0]),
                                          float(result.extra["feasible_high"][0])),
            "fixed_point_weights": dict(zip(stakeholders.actor, (w / w.sum()).round(6), strict=True)),
        })
