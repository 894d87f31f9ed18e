"""Bueno de Mesquita's expected utility model (1985, 1994) as reconstructed by Scholz, Calbert &
Smith (2011, "Unravelling Bueno de Mesquita's group decision model", J. Theoretical Politics 23(4)).

One formula per function, compiled with numba. A round works on one draw's (n,) arrays with
scratch space allocated once per draw; :func:`_solve_all` runs every Monte Carlo draw to convergence
in parallel threads (draws are independent, so the numbers do not depend on the thread count).
The tests hold a plain Python loop of the same equations (``tests/eum_reference.py``), their
oracle. Notation: xᵢ position, sᵢ salience, cᵢ capability, wᵢ = cᵢsᵢ, R = x_max − x_min of the
initial positions, d(a, b) = |a − b| / R.
"""

from __future__ import annotations

import math
from typing import ClassVar, Literal

import numba
import numpy as np
import pandas as pd

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
from bilateral.simulate.compromise import weighted_mean
from bilateral.simulate.inputs import Stakeholders
from bilateral.simulate.votes import VOTERS, condorcet_median, condorcet_winner, win_matrix

Voters = Literal["all", "exclude_i", "third_parties"]
Perception = Literal["own", "receiver"]
OfferChoice = Literal["smallest_move", "largest_gain"]
Anchor = Literal["mean", "median"]
Probability = Literal["share", "net"]
PERCEPTION = {"own": 0, "receiver": 1}
PROBABILITY = {"share": 0, "net": 1}
OFFER_CHOICE = {"smallest_move": 0, "largest_gain": 1}
ANCHOR = {"mean": 0, "median": 1}
KINDS = {1: "confrontation", 2: "compromise", 3: "capitulation"}

#: Expected utilities closer to zero than this are zero (no challenge), and two expected utilities
#: (or two risk securities) closer than this are equal: keeps the sign tests and comparisons of the
#: offer rules from acting on rounding noise, identically here and in the loop oracle.
EU_TOLERANCE = 1e-12
#: Moves shorter than this times R are no moves, and two moves closer than this times R are equal
#: (the lower sender index wins). Without it two identical actors, which rounding can leave 10⁻¹⁴
#: apart, offer each other a move of that size, and it wins the smallest-move rule.
MOVE_TOLERANCE = 1e-10


@numba.njit(cache=True)
def utility_better(d: float, d_mu: float, r: float) -> float:
    """Ubᵢⱼ = 2 − 4(0.5 − 0.25(d(xᵢ, μ) + dᵢⱼ))^rᵢ: the status quo changes in i's favour."""
    return 2 - 4 * (0.5 - 0.25 * (d_mu + d)) ** r


@numba.njit(cache=True)
def utility_worse(d: float, d_mu: float, r: float) -> float:
    """Uwᵢⱼ = 2 − 4(0.5 + 0.25(d(xᵢ, μ) + dᵢⱼ))^rᵢ: the status quo changes against i."""
    return 2 - 4 * (0.5 + 0.25 * (d_mu + d)) ** r


@numba.njit(cache=True)
def utility_status_quo(r: float) -> float:
    """Usqᵢ = 2 − 4(0.5)^rᵢ: i's utility of the status quo."""
    return 2 - 4 * 0.5 ** r


@numba.njit(cache=True)
def expected_utility(p: float, s_j: float, us: float, uf: float, usq: float, q: float = 1.0, t: float = 1.0,
                     ub: float = 0.0, uw: float = 0.0) -> float:
    """EUᵢ(j), i's expected utility of challenging j (Scholz et al. 2011 eq. 9):

    EUᵢ(j) = sⱼ[Pᵢ(j)·Us + (1 − Pᵢ(j))·Uf] + (1 − sⱼ)·Us − Q·Usq − (1 − Q)[T·Ub + (1 − T)·Uw]

    (Ub and Uw matter only when Q < 1.) |EU| < 1e-12 counts as 0.
    """
    eu = s_j * (p * us + (1 - p) * uf) + (1 - s_j) * us - q * usq
    if q != 1.0:
        eu -= (1 - q) * (t * ub + (1 - t) * uw)
    return 0.0 if abs(eu) < EU_TOLERANCE else eu


@numba.njit(cache=True)
def _challenge(p: float, s_j: float, d: float, d_mu: float, r: float, usq: float, log_near: float,
               log_far: float, q: float, t: float) -> float:
    """:func:`expected_utility` with i's utilities of winning and of losing a challenge against j
    (Scholz et al. 2011 §3)

        Usᵢⱼ = 2 − 4(0.5 − 0.5dᵢⱼ)^rᵢ,   Ufᵢⱼ = 2 − 4(0.5 + 0.5dᵢⱼ)^rᵢ

    computed as 2 − 4·exp(rᵢ·ln(0.5 ∓ 0.5d)) from ``log_near`` = ln(0.5 − 0.5d) and ``log_far`` =
    ln(0.5 + 0.5d), taken once per pair (a third of the transcendental calls)."""
    us = 2 - 4 * math.exp(r * log_near)
    uf = 2 - 4 * math.exp(r * log_far)
    if q == 1.0:
        return expected_utility(p, s_j, us, uf, usq)
    return expected_utility(p, s_j, us, uf, usq, q, t, utility_better(d, d_mu, r), utility_worse(d, d_mu, r))


@numba.njit(cache=True)
def expected_utility_neutral(p: float, s_j: float, d: float, d_mu: float, q: float, t: float) -> float:
    """EUᵢ(j) at r = 1, where Us = 2d, Uf = −2d, Usq = 0, Ub = d(xᵢ, μ) + d, Uw = −Ub:

    EUᵢ(j) = 2dᵢⱼ[1 − 2sⱼ(1 − Pᵢ(j))] − (1 − Q)(2T − 1)(d(xᵢ, μ) + dᵢⱼ)
    """
    eu = 2 * d * (1 - 2 * s_j * (1 - p))
    if q != 1.0:
        eu -= (1 - q) * (2 * t - 1) * (d_mu + d)
    return eu


@numba.njit(cache=True)
def risk_exponents(security: np.ndarray, r: np.ndarray) -> None:
    """r ← rᵢ = (1 − Rᵢ/3)/(1 + Rᵢ/3) ∈ [0.5, 2], Rᵢ = (2Secᵢ − max Sec − min Sec)/(max Sec − min Sec),
    Secᵢ = Σ_{j≠i} EUⱼ(i) at r = 1 (Scholz et al. 2011 eqs. 10–11): r = 0.5 for the actor the
    others most expect to gain from challenging, r = 2 for the one they least do; all rᵢ = 1 when
    every Secᵢ is equal (within :data:`EU_TOLERANCE`)."""
    top, bottom = security.max(), security.min()
    for i in range(security.shape[0]):
        big_r = (2 * security[i] - top - bottom) / (top - bottom) if top - bottom > EU_TOLERANCE else 0.0
        r[i] = (1 - big_r / 3) / (1 + big_r / 3)


@numba.njit(cache=True)
def offer(a: float, b: float, x_i: float, x_j: float, min_move: float = 0.0) -> tuple[float, int, float]:
    """Where receiver i moves on sender j's offer, the offer's kind and the size of the move.

    A = EUᵢ(j), B = EUⱼ(i) (as i perceives it). j offers only when B > 0. Then (Scholz et al. 2011
    §3.6): confrontation, A > 0 and B > A: i loses, xᵢ ← xⱼ; compromise, A ≤ 0 and |A| < B:
    xᵢ ← xᵢ + (xⱼ − xᵢ)|A/B|; capitulation, A ≤ 0 and |A| ≥ B: xᵢ ← xⱼ. A > 0 with B ≤ A: i wins
    and stays (j moves instead, as receiver); B within :data:`EU_TOLERANCE` of A counts as B = A.
    Kinds: 1 confrontation, 2 compromise, 3 capitulation, 0 no offer (also when the move is not
    longer than ``min_move``).
    """
    if b <= 0 or (a > 0 and b <= a + EU_TOLERANCE):
        return x_i, 0, 0.0
    if a > 0:
        target, kind = x_j, 1
    else:
        ratio = abs(a) / b
        target, kind = (x_i + (x_j - x_i) * ratio, 2) if ratio < 1 else (x_j, 3)
    move = abs(target - x_i)
    return (target, kind, move) if move > min_move else (x_i, 0, 0.0)


@numba.njit(cache=True)
def net_vote(p: np.ndarray) -> None:
    """p ← the net-vote probability of dmasad's replication of Scholz et al. (2011)
    (github.com/dmasad/BDM_DecisionModel_Replication, ``Actor.calculate_prob``):

        Pᵢ(j) = max(0, Σₖ vₖ(i, j)) / Σₖ |vₖ(i, j)|

    the margin of i's votes over j's rather than i's share of them. Over the same voters the net
    margin is Σ⁺ − Σ⁻ = (2P − 1)·Σ|v| with P the share, so this is max(0, 2P − 1), 0 on the diagonal."""
    n = p.shape[0]
    for i in range(n):
        for j in range(n):
            p[i, j] = max(0.0, 2 * p[i, j] - 1) if i != j else 0.0


@numba.njit(cache=True)
def better_offer(offer_choice: int, move: float, gain: float, best_move: float, best_gain: float,
                 min_move: float) -> bool:
    """Whether an offer (its move, its sender's gain B) beats the best so far. ``smallest_move`` (0):
    a move shorter by more than ``min_move``; ``largest_gain`` (1): a gain larger by more than
    :data:`EU_TOLERANCE`, or an equal gain (within it) and a move shorter by more than ``min_move``.
    Otherwise the earlier offer (the lower sender index) stays."""
    shorter = move < best_move - min_move
    if offer_choice == 0:
        return shorter
    return gain > best_gain + EU_TOLERANCE or (abs(gain - best_gain) <= EU_TOLERANCE and shorter)


@numba.njit(cache=True)
def merge_positions(x: np.ndarray, min_move: float) -> None:
    """x ← each position within ``min_move`` of a lower-index actor's set to the first such one: actors
    closer than MOVE_TOLERANCE·R hold one position, so rounding noise (P from prefix sums, 10⁻¹⁴)
    cannot split identical actors and the model's discontinuity at xᵢ = xⱼ amplify it round by round."""
    for i in range(1, x.shape[0]):
        for k in range(i):
            if abs(x[i] - x[k]) <= min_move:
                x[i] = x[k]
                break


@numba.njit(cache=True)
def _round(x: np.ndarray, s: np.ndarray, w: np.ndarray, x0: float, span: float, lo: float, hi: float,
           voters: int, probability: int, perception: int, offer_choice: int, anchor: int, q: float,
           t: float, new: np.ndarray, r: np.ndarray, sender: np.ndarray, kind: np.ndarray, order: np.ndarray,
           work: np.ndarray, pairs: np.ndarray) -> float:
    """One round for one draw: μ, P, EU at r = 1, r, EU with r, every receiver's chosen offer, all
    applied at once and clamped to [lo, hi]. Writes ``new``, ``r``, ``sender`` (−1: none) and
    ``kind``; ``order`` (n,), ``work`` (9, n + 1) and ``pairs`` (4, n, n) are scratch. Returns the
    largest move."""
    n = x.shape[0]
    y, d_mu, sec, usq = work[5], work[6], work[7], work[8]
    p, eu, near, far = pairs[0], pairs[1], pairs[2], pairs[3]
    total = w.sum()
    mu = (w * x).sum() / total if total > 0 else x.mean()
    if anchor == 1:
        mu = condorcet_winner(x, w)
    for i in range(n):
        y[i] = (x[i] - x0) / span
        d_mu[i] = abs(x[i] - mu) / span
        sec[i] = 0.0
    win_matrix(y[:n], w, voters, p, order, work[:5])
    if probability == 1:
        net_vote(p)
    for i in range(n):
        near[i, i] = far[i, i] = math.log(0.5)
        for j in range(i + 1, n):
            d = abs(y[i] - y[j])
            near[i, j] = near[j, i] = math.log(0.5 - 0.5 * d) if d < 1 else -math.inf
            far[i, j] = far[j, i] = math.log(0.5 + 0.5 * d)
            sec[j] += expected_utility_neutral(p[i, j], s[j], d, d_mu[i], q, t)
            sec[i] += expected_utility_neutral(p[j, i], s[i], d, d_mu[j], q, t)
    risk_exponents(sec[:n], r)
    for i in range(n):
        usq[i] = utility_status_quo(r[i])
        for j in range(n):
            eu[i, j] = 0.0 if i == j else _challenge(p[i, j], s[j], abs(y[i] - y[j]), d_mu[i], r[i], usq[i],
                                                     near[i, j], far[i, j], q, t)
    moved, min_move = 0.0, MOVE_TOLERANCE * span
    for i in range(n):
        pick, pick_kind, pick_move, pick_gain, target = -1, 0, math.inf, -math.inf, x[i]
        for j in range(n):
            if j == i:
                continue
            b = eu[j, i]
            if perception == 1:
                b = _challenge(p[j, i], s[i], abs(y[i] - y[j]), d_mu[j], r[i], usq[i], near[i, j], far[i, j], q, t)
            to, k, move = offer(eu[i, j], b, x[i], x[j], min_move)
            if k == 0:
                continue
            if better_offer(offer_choice, move, b, pick_move, pick_gain, min_move):
                pick, pick_kind, pick_move, pick_gain, target = j, k, move, b, to
        new[i] = min(hi, max(lo, target))
        sender[i], kind[i] = pick, pick_kind
    merge_positions(new, min_move)
    for i in range(n):
        moved = max(moved, abs(new[i] - x[i]))
    return moved


@numba.njit(cache=True)
def _iterate(x: np.ndarray, s: np.ndarray, c: np.ndarray, lo: float, hi: float, max_rounds: int,
             tolerance: float, voters: int, probability: int, perception: int, offer_choice: int,
             anchor: int, q: float, t: float, hist_x: np.ndarray, hist_r: np.ndarray, hist_sender: np.ndarray,
             hist_kind: np.ndarray) -> tuple[int, bool]:
    """Rounds for one draw until the largest move < tolerance·R or ``max_rounds``; ``x`` ends as the
    final positions. Each round is written to the ``hist_*`` rows when they have any.
    Returns (rounds, converged)."""
    n = x.shape[0]
    x0, span = x.min(), x.max() - x.min()
    if span <= 0:
        return 0, True
    w = c * s
    new, r = np.empty(n), np.empty(n)
    ints = np.empty((3, n), np.int64)
    sender, kind, order = ints[0], ints[1], ints[2]
    work, pairs = np.empty((9, n + 1)), np.empty((4, n, n))
    record = hist_x.shape[0] > 0
    for round_no in range(1, max_rounds + 1):
        moved = _round(x, s, w, x0, span, lo, hi, voters, probability, perception, offer_choice, anchor, q, t,
                       new, r, sender, kind, order, work, pairs)
        x[:] = new
        if record:
            hist_x[round_no - 1], hist_r[round_no - 1] = new, r
            hist_sender[round_no - 1], hist_kind[round_no - 1] = sender, kind
        if moved < tolerance * span:
            return round_no, True
    return max_rounds, False


@numba.njit(cache=True, parallel=True)
def _solve_all(x: np.ndarray, s: np.ndarray, c: np.ndarray, lo: float, hi: float, max_rounds: int,
               tolerance: float, voters: int, probability: int, perception: int, offer_choice: int,
               anchor: int, q: float, t: float, rounds: np.ndarray, converged: np.ndarray) -> None:
    """:func:`_iterate` for every draw (row of ``x``, updated in place), in parallel threads."""
    no_x, no_i = np.empty((0, x.shape[1])), np.empty((0, x.shape[1]), np.int64)
    for k in numba.prange(x.shape[0]):
        rounds[k], converged[k] = _iterate(x[k], s[k], c[k], lo, hi, max_rounds, tolerance, voters, probability,
                                           perception, offer_choice, anchor, q, t, no_x, no_x, no_i, no_i)


class ExpectedUtility(BargainingModel):
    """Bueno de Mesquita's expected utility model, Scholz et al. (2011) reconstruction.

    Each round: μ and the median (:func:`condorcet_median`), win probabilities P, expected utilities
    at r = 1, risk exponents r, expected utilities with r, offers, every actor's chosen offer applied
    at once and clamped to the scale. Stops when the largest move is below ``tolerance``·R or after
    ``max_rounds`` (then ``converged`` is false: convergence is not guaranteed, Scholz et al. §5).
    The forecast is the final median; the weighted mean is reported too.

    Variant parameters (defaults in brackets): ``voters`` who votes in Pᵢ(j) [all]; ``probability``
    Pᵢ(j) as the ``share`` of the votes cast for i [share] or dmasad's ``net`` vote (:func:`net_vote`);
    ``perception`` whose risk exponent evaluates the sender's EUⱼ(i) — its ``own`` rⱼ [own] or the
    ``receiver``'s rᵢ (i's perception); ``offer_choice`` [smallest_move]: the offer needing the
    smallest move, or ``largest_gain``, the sender expecting the largest gain B, then the smallest
    move (ties go to the lower index); ``anchor`` μ in Ub/Uw is the weighted ``mean`` [mean] or the
    ``median``; ``q`` and ``t`` the status-quo probabilities Q and T [1, 1]. Deterministic:
    ``solve``'s ``rng`` is not used. Utilities are compared within :data:`EU_TOLERANCE` and moves
    within `MOVE_TOLERANCE`·R, as in the tests' loop oracle (docs/models.md §3.3).

    References
    ----------
    Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In
    B. Bueno de Mesquita and F. N. Stokman (eds.), *European Community Decision Making*. Yale
    University Press.

    Scholz, J. B., Calbert, G. J. and Smith, G. A. (2011). Unravelling Bueno De Mesquita's group
    decision model. *Journal of Theoretical Politics* 23(4), 510–531.

    Examples
    --------
    >>> outcome = simulate.ExpectedUtility(max_rounds=50).solve(simulate.load_stakeholders("russia-japan"))
    >>> outcome.position, outcome.trace.tail()        # the forecast, the last rounds
    """

    name = "eum"
    label = "Expected utility (Bueno de Mesquita)"
    PARAMS: ClassVar[ParamRules] = {"max_rounds": Interval(0, integer=True), "tolerance": Interval(0, open_low=True),
              "voters": tuple(VOTERS), "perception": tuple(PERCEPTION),
              "offer_choice": tuple(OFFER_CHOICE), "anchor": tuple(ANCHOR),
              "q": Interval(0, 1), "t": Interval(0, 1), "probability": tuple(PROBABILITY)}

    def __init__(self, max_rounds: int = 100, tolerance: float = 1e-3, voters: Voters = "all",
                 perception: Perception = "own", offer_choice: OfferChoice = "smallest_move",
                 anchor: Anchor = "mean", q: float = 1.0, t: float = 1.0,
                 probability: Probability = "share") -> None:
        self.set_params(max_rounds=max_rounds, tolerance=tolerance, voters=voters, perception=perception,
                        offer_choice=offer_choice, anchor=anchor, q=q, t=t, probability=probability)

    def _settings(self) -> tuple:
        return (int(self.max_rounds), float(self.tolerance), VOTERS[self.voters], PROBABILITY[self.probability],
                PERCEPTION[self.perception], OFFER_CHOICE[self.offer_choice], ANCHOR[self.anchor],
                float(self.q), float(self.t))

    def solve_batch(self, batch: Batch) -> BatchResult:
        x = np.array(batch.position, float)
        s, c = np.ascontiguousarray(batch.salience, float), np.ascontiguousarray(batch.capability, float)
        rounds, converged = np.zeros(batch.runs, np.int64), np.zeros(batch.runs, bool)
        _solve_all(x, s, c, float(batch.scale[0]), float(batch.scale[1]), *self._settings(), rounds, converged)
        return BatchResult(condorcet_median(x, c * s), converged, rounds,
                           {"mean": weighted_mean(x, s, c), "final": x})

    def history(self, batch: Batch) -> dict[str, np.ndarray]:
        """Every round of the batch's first draw: positions after it (``x``), risk exponents (``r``),
        whose offer each actor took (``sender``, −1: none) and its kind (``kind``, :data:`KINDS`);
        plus ``rounds`` and ``converged``."""
        n, rounds_max = batch.position.shape[1], self.max_rounds
        x = np.array(batch.position[0], float)
        hist = {"x": np.empty((rounds_max, n)), "r": np.empty((rounds_max, n)),
                "sender": np.empty((rounds_max, n), np.int64), "kind": np.empty((rounds_max, n), np.int64)}
        rounds, converged = _iterate(x, np.array(batch.salience[0], float), np.array(batch.capability[0], float),
                                     float(batch.scale[0]), float(batch.scale[1]), *self._settings(),
                                     hist["x"], hist["r"], hist["sender"], hist["kind"])
        return {**{k: v[:rounds] for k, v in hist.items()}, "rounds": rounds, "converged": converged}

    def solve(self, stakeholders: Stakeholders, *, rng: np.random.Generator | None = None) -> Outcome:
        hist = self.history(Batch.of(stakeholders))
        names = list(stakeholders.actor)
        s, c = stakeholders.salience, stakeholders.capability
        positions = np.vstack([stakeholders.position[None].astype(float), hist["x"]])
        trace = pd.DataFrame(positions, columns=names)
        trace.insert(0, "round", np.arange(len(positions)))
        trace["mean"] = weighted_mean(positions, s, c)
        trace["median"] = condorcet_median(positions, c * s)
        moves = [{"round": k + 1, "actor": names[i], "accepts": names[j], "kind": KINDS[int(kind)],
                  "to": float(positions[k + 1, i])}
                 for k, (senders, kinds) in enumerate(zip(hist["sender"], hist["kind"], strict=True))
                 for i, (j, kind) in enumerate(zip(senders, kinds, strict=True)) if j >= 0]
        moves = pd.DataFrame(moves, columns=["round", "actor", "accepts", "kind", "to"])
        for table in (trace, moves):
            table.attrs["sources"] = list(stakeholders.sources)
        converged, rounds = bool(hist["converged"]), int(hist["rounds"])
        risk = hist["r"][0] if rounds else np.ones(len(names))
        return Outcome(
            self.name, float(trace["median"].iloc[-1]), OK if converged else NOT_CONVERGED,
            "" if converged else f"no convergence within {self.max_rounds} rounds; the forecast "
            "is the median of the last round", rounds=rounds, converged=converged,
            trace=trace, diagnostics={"mean": float(trace["mean"].iloc[-1]),
                                      "risk_exponents_round_1": dict(zip(names, np.round(risk, 9), strict=True)),
                                      "moves": moves,
                                      "params": self.get_params()},
        )
