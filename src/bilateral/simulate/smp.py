"""A KTAB-style spatial model of politics (KAPSARC's Knowledge Tool for Analysis of Bargaining:
``smp.cpp``, ``kmodel.cpp``; Wise, Lester et al. 2015). Positions are scaled to [0, 1].

Each round: risk-neutral probabilistic Condorcet election among the actors' positions → risk
attitudes → risk-aware election → bargains between each stronger and weaker position → the weaker
side takes its best bargain. The forecast is the expected outcome Σ Pᵢxᵢ of the final election
(the probability that each position prevails times the position). This is a simplified,
vectorised reading of KTAB's SMP, not a port: KTAB's own bargaining queue (each initiator picks a
target by expected state utility, the community votes among bargains) is replaced by the rule
below, documented in docs/models.md.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from bilateral.simulate.eum import win_probability
from bilateral.simulate.inputs import Stakeholders
from bilateral.simulate.outcome import NOT_CONVERGED, OK, BargainingModel, Batch, BatchResult, Outcome

VoteRule = Literal["proportional", "binary", "cubic", "propbin", "propcubic"]
Prevail = Literal["conditional", "markov"]
MIN_STRENGTH = 1e-8
#: Positions closer than this (on the [0, 1] scale) are one option (KTAB's ``posTol``).
POSITION_TOLERANCE = 1e-9
CHUNK_ELEMENTS = 25_000


def utility(d: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """u = (1 − d)(1 + d·Rᵢ), d ∈ [0, 1] the scaled distance, Rᵢ ∈ [−1, 1] (+1 risk-averse, concave;
    −1 risk-seeking, convex) — KTAB ``SMPModel::bsUtil``."""
    return (1 - d) * (1 + d * risk)


def vote(weight: np.ndarray, du: np.ndarray, rule: VoteRule = "proportional") -> np.ndarray:
    """vₖ(i:j) = wₖ·f(uₖ(i) − uₖ(j)); f proportional Δ (default), binary sign(Δ), cubic Δ³, propbin
    0.8Δ + 0.2·sign(Δ), propcubic 0.5Δ + 0.5Δ³ (KTAB ``Model::vote``)."""
    if rule == "binary":
        f = np.sign(du)
    elif rule == "cubic":
        f = du ** 3
    elif rule == "propbin":
        f = 0.8 * du + 0.2 * np.sign(du)
    elif rule == "propcubic":
        f = 0.5 * du + 0.5 * du ** 3
    else:
        f = du
    return weight * f


def victory_probability(strength: np.ndarray, total: np.ndarray | float = 1.0) -> np.ndarray:
    """p_ij = C_ij / (C_ij + C_ji), C_ij = Σₖ max(vₖ(i:j), 0) + 1e-8·Σₖwₖ (KTAB ``Model::vProb``,
    linear; the small floor, relative to the total weight, avoids 0/0)."""
    c = strength + MIN_STRENGTH * np.asarray(total)
    return c / (c + c.transpose(0, 2, 1))


def coalition_strength(y: np.ndarray, weight: np.ndarray, risk: np.ndarray,
                       rule: VoteRule = "proportional") -> np.ndarray:
    """C[i, j] = Σₖ max(vₖ(i:j), 0) with risk-aware utilities uₖ(·) = (1 − dₖ·)(1 + dₖ·Rₖ)."""
    d = np.abs(y[:, :, None] - y[:, None, :])
    u = utility(d, risk[:, :, None])  # u[r, k, j]: actor k's utility of position j
    strength = np.empty_like(d)
    w = weight[:, None, :]
    for i in range(y.shape[1]):
        # f ≥ 0 exactly when Δ ≥ 0 and wₖ ≥ 0, so Σₖ max(wₖf(Δ), 0) = Σₖ wₖ max(f(Δ), 0): a matmul
        support = np.maximum(vote(1.0, u[:, :, i:i + 1] - u, rule), 0)
        strength[:, i, :] = (w @ support)[:, 0, :]
    return strength


def prevail_probability(p: np.ndarray, same: np.ndarray, method: Prevail = "conditional") -> np.ndarray:
    """Probability that each actor's position prevails, split evenly among actors sharing it.

    conditional: P(option a) ∝ Π_b p_ab over the distinct options, p_aa = 0.5 (KTAB ``condPCE``);
    markov: the stationary P with P_a = (1/m) Σ_b p_ab(P_a + P_b) (KTAB ``markovPCE``).
    """
    copies = same.sum(axis=-1)
    if method == "markov":
        distinct = (1.0 / copies).sum(axis=-1, keepdims=True)
        prob = np.full(copies.shape, 1.0) / distinct
        for _ in range(1000):
            new = ((p * (prob[:, :, None] + prob[:, None, :])) / copies[:, None, :]).sum(-1) / distinct
            done = np.abs(new - prob).max() < 1e-12
            prob = new
            if done:
                break
        share = prob / copies
    else:
        terms = np.log(np.maximum(p, 1e-300)) / copies[:, None, :]
        logp = np.where(same, 0.0, terms).sum(axis=-1) + np.log(0.5)
        logp = logp - logp.max(axis=-1, keepdims=True)
        share = np.exp(logp) / copies
    return share / share.sum(axis=-1, keepdims=True)


def risk_attitude(prob: np.ndarray) -> np.ndarray:
    """Rᵢ = (2Pᵢ − P_max − P_min)/(P_max − P_min) ∈ [−1, 1] from the risk-neutral election: the
    likeliest winner is most risk-averse (KTAB ``bigRfromProb``, range Max); 0 if all are equal."""
    top, bottom = prob.max(axis=-1, keepdims=True), prob.min(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(top > bottom, (2 * prob - top - bottom) / (top - bottom), 0.0)


def bargain(y: np.ndarray, salience: np.ndarray, p: np.ndarray) -> np.ndarray:
    """B_ij = (sᵢ²p_ij²yᵢ + sⱼ²p_ji²yⱼ)/(sᵢ²p_ij² + sⱼ²p_ji²): positions interpolated by salience²
    × probability² (KTAB ``interpBrgnSnPm(2, 2)``)."""
    wi = (salience[:, :, None] * p) ** 2
    wj = (salience[:, None, :] * p.transpose(0, 2, 1)) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (wi * y[:, :, None] + wj * y[:, None, :]) / (wi + wj)
    return np.where(wi + wj > 0, out, 0.5 * (y[:, :, None] + y[:, None, :]))


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
    ``stop_ratio`` [0.05].
    """

    name = "smp"
    label = "Spatial model (KTAB-style)"

    def __init__(self, vote_rule: VoteRule = "proportional", prevail: Prevail = "conditional",
                 max_rounds: int = 100, stop_ratio: float = 0.05) -> None:
        self.vote_rule = vote_rule
        self.prevail = prevail
        self.max_rounds = max_rounds
        self.stop_ratio = stop_ratio

    def election(self, y: np.ndarray, s: np.ndarray, c: np.ndarray) -> dict[str, np.ndarray]:
        """Risk-neutral then risk-aware elections among the current positions."""
        w = c * s
        same = np.abs(y[:, :, None] - y[:, None, :]) < POSITION_TOLERANCE
        p0 = np.where(same, 0.5, win_probability(y, w, "all"))
        risk = risk_attitude(prevail_probability(p0, same, self.prevail))
        total = w.sum(axis=1)[:, None, None]
        p = np.where(same, 0.5, victory_probability(coalition_strength(y, w, risk, self.vote_rule), total))
        return {"p": p, "risk": risk, "prob": prevail_probability(p, same, self.prevail)}

    def run(self, batch: Batch, record: bool = False) -> tuple[BatchResult, list[np.ndarray]]:
        lo, hi = batch.scale
        width = hi - lo
        y = (batch.position.astype(float) - lo) / width
        s, c = batch.salience.astype(float), batch.capability.astype(float)
        runs, n = y.shape
        rounds = np.zeros(runs, int)
        converged = np.zeros(runs, bool)
        prob = np.full((runs, n), 1.0 / n)
        active = np.arange(runs)
        first = np.zeros(runs)
        history = [y.copy()] if record else []
        for round_no in range(1, self.max_rounds + 1):
            if active.size == 0:
                break
            ya, sa = y[active], s[active]
            out = self.election(ya, sa, c[active])
            prob[active] = out["prob"]
            p = out["p"]
            offers = bargain(ya, sa, p)
            stronger = p > 0.5 + 1e-12
            dist = np.where(stronger, np.abs(offers - ya[:, None, :]), np.inf)
            best = np.argmin(dist, axis=1)
            has = np.isfinite(dist.min(axis=1))
            target = np.take_along_axis(offers, best[:, None, :], axis=1)[:, 0, :]
            new = np.where(has, target, ya)
            moved = np.abs(new - ya).sum(axis=1)
            if round_no == 1:
                first[active] = moved
            y[active] = new
            rounds[active] = round_no
            if record:
                history.append(y.copy())
            done = (moved <= 1e-9) | ((round_no > 1) & (moved < self.stop_ratio * first[active]))
            converged[active[done]] = True
            active = active[~done]
        if active.size:
            prob[active] = self.election(y[active], s[active], c[active])["prob"]
        expected = lo + width * (prob * y).sum(axis=1)
        modal = lo + width * np.take_along_axis(y, np.argmax(prob, axis=1)[:, None], axis=1)[:, 0]
        result = BatchResult(expected, converged, rounds, {"modal": modal, "prob": prob,
                                                           "final": lo + width * y})
        return result, history

    def solve_batch(self, batch: Batch) -> BatchResult:
        n = batch.position.shape[1]
        size = max(1, CHUNK_ELEMENTS // max(1, n * n))
        return BatchResult.concat([self.run(batch.take(slice(i, i + size)))[0]
                                   for i in range(0, batch.runs, size)])

    def solve(self, stakeholders: Stakeholders, *, rng: np.random.Generator | None = None) -> Outcome:
        import pandas as pd

        result, history = self.run(Batch.of(stakeholders), record=True)
        lo, hi = stakeholders.scale
        names = list(stakeholders.actor)
        trace = pd.DataFrame([{"round": k, **dict(zip(names, lo + (hi - lo) * h[0], strict=True))}
                              for k, h in enumerate(history)])
        converged = bool(result.converged[0])
        prob = result.extra["prob"][0]
        return Outcome(self.name, float(result.position[0]), OK if converged else NOT_CONVERGED,
                       "" if converged else f"no convergence within {self.max_rounds} rounds",
                       rounds=int(result.rounds[0]), converged=converged, trace=trace,
                       diagnostics={"modal": float(result.extra["modal"][0]),
                                    "prevail": dict(zip(names, prob.round(6), strict=True)),
                                    "params": self.get_params()})
