"""Pairwise votes among positions on one dimension: the Condorcet (weighted) median and the
probability that one position beats another, shared by the expected utility and spatial models.

Voter k casts vₖ(a, b) = wₖ[Uₖ(a) − Uₖ(b)] with Uₖ(y) = 1 − 2|xₖ − y|/R (Scholz, Calbert & Smith
2011 §3.1), wₖ = cₖsₖ. The kernels take one draw's (n,) arrays and are compiled with numba; the
array functions below run them over every draw of an (R, n) batch.
"""

from __future__ import annotations

import numba
import numpy as np

#: Ties in the Condorcet (median) vote closer than this, relative to Σ wₖ·R, go to the lower position.
MEDIAN_TOLERANCE = 1e-12
#: ``voters`` variants of Pᵢ(j), as the codes the kernels take.
VOTERS = {"all": 0, "exclude_i": 1, "third_parties": 2}


@numba.njit(cache=True)
def condorcet_winner(x: np.ndarray, w: np.ndarray) -> float:
    """The position that wins every pairwise vote: argmin F(y), F(y) = Σₖ wₖ|xₖ − y| over the
    actors' positions (Σₖ vₖ(a, b) = (2/R)[F(b) − F(a)]; Black 1948). Ties (within
    ``MEDIAN_TOLERANCE``·Σw·R) go to the lowest tied position."""
    n = x.shape[0]
    f = np.empty(n)
    for a in range(n):
        total = 0.0
        for k in range(n):
            total += abs(x[k] - x[a]) * w[k]
        f[a] = total
    span = (x.max() - x.min()) * w.sum()
    cut = f.min() + MEDIAN_TOLERANCE * max(span, 1e-300)
    best = np.inf
    for a in range(n):
        if f[a] <= cut and x[a] < best:
            best = x[a]
    return best


@numba.njit(cache=True)
def sort_index(x: np.ndarray, order: np.ndarray) -> None:
    """``order`` ← the stable ascending order of ``x`` (insertion sort: n is small, no allocation)."""
    n = x.shape[0]
    for k in range(n):
        order[k] = k
    for k in range(1, n):
        key = order[k]
        m = k - 1
        while m >= 0 and x[order[m]] > x[key]:
            order[m + 1] = order[m]
            m -= 1
        order[m + 1] = key


@numba.njit(cache=True)
def win_matrix(y: np.ndarray, w: np.ndarray, voters: int, p: np.ndarray, order: np.ndarray,
               work: np.ndarray) -> None:
    """p[i, j] ← Pᵢ(j) = Σ_{k: Uₖ(xᵢ) > Uₖ(xⱼ)} vₖ(i, j) / Σₖ |vₖ(i, j)|, and 0 when xᵢ = xⱼ.

    Scholz et al. (2011) eq. 4 with vₖ(i, j) ∝ wₖDₖᵢⱼ, Dₖᵢⱼ = |xₖ − xⱼ| − |xₖ − xᵢ|. ``voters``
    (:data:`VOTERS`): all k (0, the formula as printed), i does not vote for itself (1, as in some
    public ports) or neither i nor j votes (2).

    O(n²) per draw, not O(n³): over positions sorted ascending, the numerator is
    (Σ wₖDₖᵢⱼ + Σ wₖ|Dₖᵢⱼ|)/2, the first sum is F(xⱼ) − F(xᵢ) with F(y) = Σₖ wₖ|xₖ − y|, and |Dₖᵢⱼ|
    equals d = |xᵢ − xⱼ| for k outside [xᵢ, xⱼ] and |xᵢ + xⱼ − 2xₖ| inside, summed with prefix sums
    of w and wx split at the midpoint. ``order`` ((n,) integers) and ``work`` ((5, n + 1)) are scratch.
    """
    n = y.shape[0]
    sort_index(y, order)
    cw, cwx, f, ys, ws = work[0], work[1], work[2], work[3], work[4]
    cw[0] = cwx[0] = 0.0
    for k in range(n):
        ys[k], ws[k] = y[order[k]], w[order[k]]
        cw[k + 1] = cw[k] + ws[k]
        cwx[k + 1] = cwx[k] + ws[k] * ys[k]
    total, total_x = cw[n], cwx[n]
    for k in range(n):
        f[k] = ys[k] * cw[k] - cwx[k] + (total_x - cwx[k + 1]) - ys[k] * (total - cw[k + 1])
        p[k, k] = 0.0
    for a in range(n):
        c = a + 1
        for b in range(a + 1, n):
            d = ys[b] - ys[a]
            two_m = ys[a] + ys[b]
            while c < b and ys[c] < 0.5 * two_m:
                c += 1
            inside = two_m * (2 * cw[c] - cw[a + 1] - cw[b]) + 2 * (cwx[a + 1] + cwx[b] - 2 * cwx[c])
            s_abs = d * (total - (cw[b] - cw[a + 1])) + inside
            num_a = 0.5 * ((f[b] - f[a]) + s_abs)
            num_b = s_abs - num_a
            den_a = den_b = s_abs
            if voters > 0:
                own_a, own_b = ws[a] * d, ws[b] * d
                num_a -= own_a
                num_b -= own_b
                if voters == 1:
                    den_a, den_b = s_abs - own_a, s_abs - own_b
                else:
                    den_a = den_b = s_abs - own_a - own_b
            p[order[a], order[b]] = min(1.0, max(0.0, num_a / den_a)) if d > 0 and den_a > 0 else 0.0
            p[order[b], order[a]] = min(1.0, max(0.0, num_b / den_b)) if d > 0 and den_b > 0 else 0.0


@numba.njit(cache=True)
def _win_rows(y: np.ndarray, w: np.ndarray, voters: int, out: np.ndarray) -> None:
    n = y.shape[1]
    order, work = np.empty(n, np.int64), np.empty((5, n + 1))
    for r in range(y.shape[0]):
        win_matrix(y[r], w[r], voters, out[r], order, work)


@numba.njit(cache=True)
def _median_rows(x: np.ndarray, w: np.ndarray, out: np.ndarray) -> None:
    for r in range(x.shape[0]):
        out[r] = condorcet_winner(x[r], w[r])


def win_probability(y: np.ndarray, weight: np.ndarray, voters: str = "all") -> np.ndarray:
    """Pᵢ(j) (:func:`win_matrix`) for every draw: (R, n) positions and weights → (R, n, n)."""
    y, weight = np.ascontiguousarray(y, float), np.ascontiguousarray(weight, float)
    out = np.empty((*y.shape, y.shape[-1]))
    _win_rows(y, weight, VOTERS[voters], out)
    return out


def condorcet_median(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The Condorcet winner (:func:`condorcet_winner`) along the last axis of (…, n) arrays."""
    x = np.ascontiguousarray(position, float)
    w = np.ascontiguousarray(np.broadcast_to(weight, x.shape), float)
    n = x.shape[-1]
    out = np.empty(x.size // n)
    _median_rows(x.reshape(-1, n), w.reshape(-1, n), out)
    return out.reshape(x.shape[:-1])
