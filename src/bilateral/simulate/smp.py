"""A KTAB-style spatial model of politics (KAPSARC's Knowledge Tool for Analysis of Bargaining:
``smp.cpp``, ``kmodel.cpp``; Wise, Lester et al. 2015). Positions are scaled to [0, 1].

Each round: risk-neutral probabilistic Condorcet election among the actors' positions → risk
attitudes → risk-aware election → bargains between each stronger and weaker position → the weaker
side takes its best bargain. The forecast is the expected outcome Σ Pᵢxᵢ of the final election
(the probability that each position prevails times the position). This is a simplified reading
of KTAB's SMP, not a port: KTAB's own bargaining queue (each initiator picks a target by expected
state utility, the community votes among bargains) is replaced by the rule below, documented in
docs/models.md.

The rounds are compiled with numba: one formula per small function, per-draw kernels over one
draw's (n,) arrays with scratch arrays allocated once per draw, and :func:`run_batch` over the
draws in parallel (each draw on its own, so the numbers depend neither on the thread count nor on
the other draws in the batch).
"""

from __future__ import annotations

import math
from typing import ClassVar, Literal

import numba
import numpy as np

from bilateral.simulate.base import (
    NOT_CONVERGED,
    OK,
    BargainingModel,
    Batch,
    BatchResult,
    Interval,
    Outcome,
    ParamRules,
)
from bilateral.simulate.inputs import Stakeholders
from bilateral.simulate.votes import VOTERS, win_matrix

VoteRule = Literal["proportional", "binary", "cubic", "propbin", "propcubic"]
Prevail = Literal["conditional", "markov"]
#: ``vote_rule`` and ``prevail`` variants, as the codes the kernels take.
VOTE_RULES = {"proportional": 0, "binary": 1, "cubic": 2, "propbin": 3, "propcubic": 4}
PREVAIL = {"conditional": 0, "markov": 1}
MIN_STRENGTH = 1e-8
#: Positions closer than this (on the [0, 1] scale) are one option (KTAB's ``posTol``).
POSITION_TOLERANCE = 1e-9
#: i defeats j when p_ij exceeds 0.5 by more than this.
WIN_MARGIN = 1e-12
#: A round that moves the positions by at most this in all (Σ|Δxᵢ|) ends the run.
MIN_MOVEMENT = 1e-9
#: Victory probabilities are floored at this in the conditional prevail probability.
MIN_PROBABILITY = 1e-300
MARKOV_ITERATIONS = 1000
MARKOV_TOLERANCE = 1e-12
_ALL = VOTERS["all"]


@numba.njit(cache=True)
def utility(d: float, risk: float) -> float:
    """u = (1 − d)(1 + d·Rᵢ), d ∈ [0, 1] the scaled distance, Rᵢ ∈ [−1, 1] (+1 risk-averse, concave;
    −1 risk-seeking, convex) — KTAB ``SMPModel::bsUtil``."""
    return (1 - d) * (1 + d * risk)


@numba.njit(cache=True)
def sign(x: float) -> float:
    """sign(x) ∈ {−1, 0, 1} (``np.sign``)."""
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


@numba.njit(cache=True)
def vote(weight: float, du: float, rule: int) -> float:
    """vₖ(i:j) = wₖ·f(uₖ(i) − uₖ(j)); f (:data:`VOTE_RULES`) proportional Δ (0, default), binary
    sign(Δ) (1), cubic Δ³ (2), propbin 0.8Δ + 0.2·sign(Δ) (3), propcubic 0.5Δ + 0.5Δ³ (4) (KTAB
    ``Model::vote``)."""
    if rule == 1:
        f = sign(du)
    elif rule == 2:
        f = du ** 3
    elif rule == 3:
        f = 0.8 * du + 0.2 * sign(du)
    elif rule == 4:
        f = 0.5 * du + 0.5 * du ** 3
    else:
        f = du
    return weight * f


@numba.njit(cache=True)
def support(du: float, rule: int) -> float:
    """max(f(Δ), 0) = f(Δ) for Δ > 0, else 0 (f is odd and keeps the sign of Δ): voter k's support
    for i against j, per unit weight."""
    return vote(1.0, du, rule) if du > 0.0 else 0.0


@numba.njit(cache=True, error_model="numpy")
def victory_probability(strength_ij: float, strength_ji: float, total: float) -> float:
    """p_ij = C_ij / (C_ij + C_ji), C_ij = Σₖ max(vₖ(i:j), 0) + 1e-8·Σₖwₖ (KTAB ``Model::vProb``,
    linear; the small floor, relative to the total weight ``total``, avoids 0/0)."""
    floor = MIN_STRENGTH * total
    c_ij = strength_ij + floor
    c_ji = strength_ji + floor
    return c_ij / (c_ij + c_ji)


@numba.njit(cache=True)
def conditional_prevail(p: np.ndarray, same: np.ndarray, copies: np.ndarray, out: np.ndarray,
                        work: np.ndarray) -> None:
    """out ← P(option a) ∝ Π_b p_ab over the distinct options b, p_aa = 0.5 (KTAB ``condPCE``), split
    evenly among the copiesₐ actors on a: Pᵢ ∝ Π_{b ≁ i} max(p_ib, 1e-300)^(1/copies_b) / copiesᵢ.

    Summed in logs (a product of many small p_ib would underflow): log Pᵢ = log 0.5 +
    Σ_{b ≁ i} log max(p_ib, 1e-300)/copies_b − log copiesᵢ + const. ``work`` (n,) is scratch."""
    n = p.shape[0]
    best = -np.inf
    for a in range(n):
        for b in range(n):
            if same[a, b]:
                work[b] = 0.0
            else:
                logp = math.log(max(p[a, b], MIN_PROBABILITY))
                work[b] = logp if copies[b] == 1.0 else logp / copies[b]  # x/1 is x: skip the division
        out[a] = work.sum() + math.log(0.5)
        best = max(best, out[a])
    for a in range(n):
        out[a] = math.exp(out[a] - best) / copies[a]
    total = out.sum()
    for a in range(n):
        out[a] /= total


@numba.njit(cache=True)
def markov_prevail(p: np.ndarray, copies: np.ndarray, out: np.ndarray, work: np.ndarray, terms: np.ndarray) -> None:
    """out ← the stationary P with P_a = (1/m) Σ_b p_ab(P_a + P_b)/copies_b, m = Σ_b 1/copies_b the
    number of distinct options (KTAB ``markovPCE``), iterated from P = 1/m until no Pₐ changes by
    1e-12 (at most 1000 times), then split evenly among the copiesₐ actors on each option and
    normalised. ``work`` and ``terms`` (n,) are scratch."""
    n = p.shape[0]
    for a in range(n):
        terms[a] = 1.0 / copies[a]
    distinct = terms.sum()
    for a in range(n):
        out[a] = 1.0 / distinct
    for _ in range(MARKOV_ITERATIONS):
        change = 0.0
        for a in range(n):
            for b in range(n):
                terms[b] = (p[a, b] * (out[a] + out[b])) / copies[b]
            work[a] = terms.sum() / distinct
            change = max(change, abs(work[a] - out[a]))
        out[:] = work
        if change < MARKOV_TOLERANCE:
            break
    for a in range(n):
        out[a] /= copies[a]
    total = out.sum()
    for a in range(n):
        out[a] /= total


@numba.njit(cache=True)
def prevail_probability(p: np.ndarray, same: np.ndarray, copies: np.ndarray, method: int, out: np.ndarray,
                        work: np.ndarray) -> None:
    """out ← the probability that each actor's position prevails, split evenly among actors sharing
    it: :func:`conditional_prevail` (``method`` 0) or :func:`markov_prevail` (1, :data:`PREVAIL`).
    ``same`` (n, n) marks coinciding positions, ``copies`` = Σⱼ sameᵢⱼ; ``work`` (2, n) is scratch."""
    if method == 1:
        markov_prevail(p, copies, out, work[0], work[1])
    else:
        conditional_prevail(p, same, copies, out, work[0])


@numba.njit(cache=True)
def risk_attitude(prob: np.ndarray, out: np.ndarray) -> None:
    """out ← Rᵢ = (2Pᵢ − P_max − P_min)/(P_max − P_min) ∈ [−1, 1] from the risk-neutral election: the
    likeliest winner is most risk-averse (KTAB ``bigRfromProb``, range Max); 0 if all are equal."""
    top, bottom = prob.max(), prob.min()
    for i in range(prob.shape[0]):
        out[i] = (2 * prob[i] - top - bottom) / (top - bottom) if top > bottom else 0.0


@numba.njit(cache=True, error_model="numpy")
def bargain(y_i: float, y_j: float, s_i: float, s_j: float, p_ij: float, p_ji: float) -> float:
    """B_ij = (sᵢ²p_ij²yᵢ + sⱼ²p_ji²yⱼ)/(sᵢ²p_ij² + sⱼ²p_ji²): positions interpolated by salience²
    × probability² (KTAB ``interpBrgnSnPm(2, 2)``); the midpoint when both weights are 0."""
    wi = (s_i * p_ij) ** 2
    wj = (s_j * p_ji) ** 2
    if wi + wj > 0:
        return (wi * y_i + wj * y_j) / (wi + wj)
    return 0.5 * (y_i + y_j)


@numba.njit(cache=True)
def coincide(y: np.ndarray, same: np.ndarray, copies: np.ndarray) -> None:
    """same_ij ← |yᵢ − yⱼ| < ``POSITION_TOLERANCE`` (one option), copiesᵢ ← Σⱼ same_ij."""
    n = y.shape[0]
    for i in range(n):
        count = 0.0
        for j in range(n):
            same[i, j] = abs(y[i] - y[j]) < POSITION_TOLERANCE
            count += same[i, j]
        copies[i] = count


@numba.njit(cache=True)
def coalition_strength(u: np.ndarray, w: np.ndarray, rule: int, out: np.ndarray) -> None:
    """out[i, j] ← C_ij = Σₖ max(vₖ(i:j), 0) = Σₖ wₖ·max(f(uₖ(i) − uₖ(j)), 0) (f ≥ 0 exactly when
    Δ ≥ 0, and wₖ ≥ 0), u[k, ·] the risk-aware utilities of actor k. The innermost loop runs over
    contiguous j, branch-free for the default proportional rule, so that it vectorises."""
    n = u.shape[0]
    out[:] = 0.0
    for k in range(n):
        uk, wk = u[k], w[k]
        for i in range(n):
            a, row = uk[i], out[i]
            if rule == 0:
                for j in range(n):
                    row[j] += wk * max(a - uk[j], 0.0)
            else:
                for j in range(n):
                    row[j] += wk * support(a - uk[j], rule)


@numba.njit(cache=True)
def election(y: np.ndarray, w: np.ndarray, total: float, same: np.ndarray, copies: np.ndarray, rule: int,
             method: int, p: np.ndarray, u: np.ndarray, strength: np.ndarray, risk: np.ndarray,
             work: np.ndarray, order: np.ndarray, votes: np.ndarray) -> None:
    """Risk-neutral then risk-aware elections among one draw's positions y (n,), weights wᵢ = cᵢsᵢ
    (Σ ``total``): p ← Pᵢ(j) (:func:`~bilateral.simulate.votes.win_matrix`, all voters), risk ← the
    risk attitudes from its prevail probabilities, then p ← the risk-aware victory probabilities;
    p_ij = 0.5 where positions coincide. Every other array is scratch."""
    n = y.shape[0]
    win_matrix(y, w, _ALL, p, order, votes)
    for i in range(n):
        for j in range(n):
            if same[i, j]:
                p[i, j] = 0.5
    prevail_probability(p, same, copies, method, risk, work)
    risk_attitude(risk, risk)
    for k in range(n):
        for j in range(n):
            u[k, j] = utility(abs(y[k] - y[j]), risk[k])
    coalition_strength(u, w, rule, strength)
    for i in range(n):
        for j in range(n):
            p[i, j] = 0.5 if same[i, j] else victory_probability(strength[i, j], strength[j, i], total)


@numba.njit(cache=True, error_model="numpy")
def bargaining(y: np.ndarray, s: np.ndarray, p: np.ndarray, pt: np.ndarray, new: np.ndarray,
               nearest: np.ndarray) -> None:
    """new[j] ← the bargain B_ij nearest yⱼ among the i that would defeat j (p_ij > 0.5 + 1e-12), the
    first such i on ties; yⱼ if there is none. ``pt`` (n, n) and ``nearest`` (n,) are scratch."""
    n = y.shape[0]
    for i in range(n):
        for j in range(n):
            pt[i, j] = p[j, i]
    for j in range(n):
        new[j] = y[j]
        nearest[j] = np.inf
    for i in range(n):
        y_i, s_i, p_i, q_i = y[i], s[i], p[i], pt[i]
        for j in range(n):
            offer = bargain(y_i, y[j], s_i, s[j], p_i[j], q_i[j])
            gap = abs(offer - y[j])
            take = p_i[j] > 0.5 + WIN_MARGIN and gap < nearest[j]
            nearest[j] = gap if take else nearest[j]
            new[j] = offer if take else new[j]


@numba.njit(cache=True)
def run_draw(y: np.ndarray, s: np.ndarray, c: np.ndarray, rule: int, method: int, max_rounds: int,
             stop_ratio: float, prob: np.ndarray, history: np.ndarray) -> tuple[int, bool]:
    """One draw's rounds, in place: y (n,) the positions on [0, 1] (left at the final ones), s, c the
    saliences and capabilities; prob ← the prevail probabilities of the last election; history
    (max_rounds + 1, n) ← y after each round (row 0 the start), or (0, n) not to record. Each
    round: :func:`election`, then every j whose position some i defeats (p_ij > 0.5) moves to the
    bargain B_ij nearest its position (the first such i on ties). Stops when the round's movement
    Σ|Δyᵢ| is ≤ 1e-9 or (after round 1) < ``stop_ratio`` × round 1's; a run that hits
    ``max_rounds`` has a last election on its final positions. Returns (rounds, converged)."""
    n = y.shape[0]
    w, new = np.empty(n), np.empty(n)
    for k in range(n):
        w[k] = c[k] * s[k]
    total = w.sum()
    same = np.empty((n, n), np.bool_)
    p, u, strength = np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    copies, risk, f, work = np.empty(n), np.empty(n), np.empty(n), np.empty((2, n))
    order, votes = np.empty(n, np.int64), np.empty((5, n + 1))
    if history.shape[0] > 0:
        history[0] = y
    first = 0.0
    rounds = 0
    converged = False
    for round_no in range(1, max_rounds + 1):
        coincide(y, same, copies)
        election(y, w, total, same, copies, rule, method, p, u, strength, risk, work, order, votes)
        bargaining(y, s, p, u, new, risk)
        for j in range(n):
            f[j] = abs(new[j] - y[j])
        moved = f.sum()
        # the forecast's prevail probabilities are those of this round's election if it is the last
        converged = moved <= MIN_MOVEMENT or (round_no > 1 and moved < stop_ratio * first)
        if converged:
            prevail_probability(p, same, copies, method, prob, work)
        y[:] = new
        rounds = round_no
        if history.shape[0] > 0:
            history[round_no] = y
        if round_no == 1:
            first = moved
        if converged:
            return rounds, True
    coincide(y, same, copies)
    election(y, w, total, same, copies, rule, method, p, u, strength, risk, work, order, votes)
    prevail_probability(p, same, copies, method, prob, work)
    return rounds, False


@numba.njit(cache=True, parallel=True)
def run_batch(y: np.ndarray, s: np.ndarray, c: np.ndarray, rule: int, method: int, max_rounds: int,
              stop_ratio: float, prob: np.ndarray, rounds: np.ndarray, converged: np.ndarray,
              history: np.ndarray) -> None:
    """:func:`run_draw` over the R draws of (R, n) arrays (y in place, prob (R, n), rounds and
    converged (R,), history (R, max_rounds + 1, n) or (R, 0, n)), in parallel over draws."""
    for r in numba.prange(y.shape[0]):
        rounds[r], converged[r] = run_draw(y[r], s[r], c[r], rule, method, max_rounds, stop_ratio, prob[r],
                                           history[r])


class SpatialModel(BargainingModel):
    """KTAB-style spatial model of politics (probabilistic Condorcet elections with bargaining).

    Each round: (1) risk-neutral victory probabilities p⁰ (proportional votes, weights cᵢsᵢ) and the
    probabilities P⁰ that each position prevails; (2) risk attitudes R from P⁰; (3) risk-aware
    coalitions C and victory probabilities p; (4) for every pair a bargain B_ij; (5) each actor j
    whose position some i would defeat (p_ij > 0.5) moves to the bargain it likes best among those
    (the one nearest its position); the others stay. Stops, as KTAB's ``smpStopFn``, when a round's
    total movement Σ|Δxᵢ| falls below ``stop_ratio`` × the first round's (or below 1e-9), or after
    ``max_rounds``. Forecast: Σ Pᵢxᵢ of the last election.

    Parameters: ``vote_rule`` [proportional], ``prevail`` [conditional], ``max_rounds`` [100],
    ``stop_ratio`` [0.05]. Deterministic (the elections are probabilistic, but only their
    probabilities are used): ``solve``'s ``rng`` is not used. The equations and where this
    simplified reading departs from KTAB: docs/models.md §3.4.

    References
    ----------
    KTAB, the KAPSARC Toolkit for Behavioral Analysis (open source): its spatial model of
    politics (SMP) and the functions named above.

    Examples
    --------
    >>> simulate.SpatialModel(max_rounds=50).solve(simulate.load_stakeholders("russia-japan")).position
    """

    name = "smp"
    label = "Spatial model (KTAB-style)"
    PARAMS: ClassVar[ParamRules] = {"vote_rule": tuple(VOTE_RULES), "prevail": tuple(PREVAIL),
              "max_rounds": Interval(0, integer=True), "stop_ratio": Interval(0, 1)}

    def __init__(self, vote_rule: VoteRule = "proportional", prevail: Prevail = "conditional",
                 max_rounds: int = 100, stop_ratio: float = 0.05) -> None:
        self.set_params(vote_rule=vote_rule, prevail=prevail, max_rounds=max_rounds,
                        stop_ratio=stop_ratio)

    def run(self, batch: Batch, record: bool = False) -> tuple[BatchResult, list[np.ndarray]]:
        """Every draw's rounds (:func:`run_batch`); with ``record``, the history as one (R, n) array
        of positions on [0, 1] per round (round 0 first; a draw that stopped keeps its positions)."""
        lo, hi = batch.scale
        width = hi - lo
        y = np.ascontiguousarray((batch.position.astype(float) - lo) / width)
        s = np.ascontiguousarray(batch.salience, float)
        c = np.ascontiguousarray(batch.capability, float)
        runs, n = y.shape
        rounds = np.zeros(runs, np.int64)
        converged = np.zeros(runs, bool)
        prob = np.full((runs, n), 1.0 / n)
        steps = self.max_rounds + 1 if record else 0
        history = np.empty((runs, steps, n))
        run_batch(y, s, c, VOTE_RULES[self.vote_rule], PREVAIL[self.prevail], int(self.max_rounds),
                  float(self.stop_ratio), prob, rounds, converged, history)
        expected = lo + width * (prob * y).sum(axis=1)
        modal = lo + width * np.take_along_axis(y, np.argmax(prob, axis=1)[:, None], axis=1)[:, 0]
        result = BatchResult(expected, converged, rounds, {"modal": modal, "prob": prob,
                                                           "final": lo + width * y})
        trace = []
        if record:
            last = int(rounds.max()) if runs else 0
            step = np.minimum(np.arange(last + 1)[None, :], rounds[:, None])
            kept = np.take_along_axis(history, step[:, :, None], axis=1)
            trace = [kept[:, k].copy() for k in range(last + 1)]
        return result, trace

    def solve_batch(self, batch: Batch) -> BatchResult:
        return self.run(batch)[0]

    def solve(self, stakeholders: Stakeholders, *, rng: np.random.Generator | None = None) -> Outcome:
        import pandas as pd

        result, history = self.run(Batch.of(stakeholders), record=True)
        lo, hi = stakeholders.scale
        names = list(stakeholders.actor)
        trace = pd.DataFrame([{"round": k, **dict(zip(names, lo + (hi - lo) * h[0], strict=True))}
                              for k, h in enumerate(history)])
        trace.attrs["sources"] = list(stakeholders.sources)
        converged = bool(result.converged[0])
        prob = result.extra["prob"][0]
        return Outcome(self.name, float(result.position[0]), OK if converged else NOT_CONVERGED,
                       "" if converged else f"no convergence within {self.max_rounds} rounds",
                       rounds=int(result.rounds[0]), converged=converged, trace=trace,
                       diagnostics={"modal": float(result.extra["modal"][0]),
                                    "prevail": dict(zip(names, prob.round(6), strict=True)),
                                    "params": self.get_params()})
