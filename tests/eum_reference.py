"""The tests' oracle: a plain per-actor loop implementation of the expected utility model's equations.

Written as directly from Scholz, Calbert & Smith (2011) as possible — Python floats and loops over
actors, no numpy — so that it can check the compiled :class:`bilateral.simulate.eum.ExpectedUtility`
(same variants, same tolerances — ``EU_TOLERANCE`` on utilities, ``MOVE_TOLERANCE``·R on moves —
same tie rules) and serve as the baseline of the Monte Carlo
benchmark. It is a test oracle, not a library feature (and slow).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bilateral.simulate.eum import EU_TOLERANCE, MOVE_TOLERANCE
from bilateral.simulate.votes import MEDIAN_TOLERANCE


@dataclass
class ReferenceResult:
    median: float
    mean: float
    positions: list[float]
    rounds: int
    converged: bool
    history: list[list[float]] = field(default_factory=list)
    risk: list[list[float]] = field(default_factory=list)


def mean_position(x: list[float], s: list[float], c: list[float]) -> float:
    """μ = Σ cᵢsᵢxᵢ / Σ cᵢsᵢ."""
    top = sum(ci * si * xi for xi, si, ci in zip(x, s, c, strict=True))
    return top / sum(ci * si for si, ci in zip(s, c, strict=True))


def median_position(x: list[float], s: list[float], c: list[float]) -> float:
    """The actors' position that wins every pairwise vote Σₖ cₖsₖ(Uₖ(a) − Uₖ(b)); ties → lowest."""
    n = len(x)
    votes_against = []
    for a in range(n):
        total = 0.0
        for k in range(n):
            total += c[k] * s[k] * abs(x[k] - x[a])
        votes_against.append(total)
    best = min(votes_against)
    span = (max(x) - min(x)) * sum(ck * sk for ck, sk in zip(c, s, strict=True))
    tol = MEDIAN_TOLERANCE * max(span, 1e-300)
    return min(x[a] for a in range(n) if votes_against[a] <= best + tol)


def vote_probability(i: int, j: int, x: list[float], w: list[float], voters: str, rule: str = "share") -> float:
    """Pᵢ(j): the share of the votes between xᵢ and xⱼ cast for xᵢ (``rule="share"``), or the net
    margin of those votes, max(0, Σ v)/Σ|v| (``"net"``, dmasad's replication)."""
    if x[i] == x[j]:
        return 0.0
    top = bottom = 0.0
    for k in range(len(x)):
        if k == i and voters in ("exclude_i", "third_parties"):
            continue
        if k == j and voters == "third_parties":
            continue
        vote = w[k] * (abs(x[k] - x[j]) - abs(x[k] - x[i]))
        if rule == "net" or vote > 0:  # net: the signed margin, clipped at 0 below
            top += vote
        bottom += abs(vote)
    if bottom <= 0:
        return 0.0
    return min(1.0, max(0.0, top / bottom))


def expected_utility(i: int, j: int, x: list[float], s: list[float], p: float, r: float, mu: float,
                     span: float, q: float, t: float) -> float:
    """EUᵢ(j) = sⱼ[P·Us + (1−P)·Uf] + (1−sⱼ)·Us − Q·Usq − (1−Q)[T·Ub + (1−T)·Uw], exponent r."""
    d = abs(x[i] - x[j]) / span
    d_mu = abs(x[i] - mu) / span
    us = 2 - 4 * (0.5 - 0.5 * d) ** r
    uf = 2 - 4 * (0.5 + 0.5 * d) ** r
    ub = 2 - 4 * (0.5 - 0.25 * (d_mu + d)) ** r
    uw = 2 - 4 * (0.5 + 0.25 * (d_mu + d)) ** r
    usq = 2 - 4 * 0.5 ** r
    eu = s[j] * (p * us + (1 - p) * uf) + (1 - s[j]) * us - q * usq
    if q != 1.0:
        eu -= (1 - q) * (t * ub + (1 - t) * uw)
    return 0.0 if abs(eu) < EU_TOLERANCE else eu


def run_reference(position: list[float], salience: list[float], capability: list[float],
                  scale: tuple[float, float], *, max_rounds: int = 100, tolerance: float = 1e-3,
                  voters: str = "all", probability: str = "share", perception: str = "own",
                  offer_choice: str = "smallest_move",
                  anchor: str = "mean", q: float = 1.0, t: float = 1.0) -> ReferenceResult:
    """Run the model round by round with loops over actors; same parameters as ExpectedUtility."""
    x = [float(v) for v in position]
    s = [float(v) for v in salience]
    c = [float(v) for v in capability]
    n = len(x)
    w = [c[k] * s[k] for k in range(n)]
    span = max(x) - min(x)
    history: list[list[float]] = [list(x)]
    risk: list[list[float]] = []
    if span <= 0:
        return ReferenceResult(x[0], mean_position(x, s, c), x, 0, True, history)
    rounds, converged = 0, False
    min_move = MOVE_TOLERANCE * span
    for round_no in range(1, max_rounds + 1):
        rounds = round_no
        mu = mean_position(x, s, c) if anchor == "mean" else median_position(x, s, c)
        p = [[vote_probability(i, j, x, w, voters, probability) if i != j else 0.0 for j in range(n)]
             for i in range(n)]
        neutral = [[expected_utility(i, j, x, s, p[i][j], 1.0, mu, span, q, t) if i != j else 0.0
                    for j in range(n)] for i in range(n)]
        security = [sum(neutral[j][i] for j in range(n) if j != i) for i in range(n)]
        top, bottom = max(security), min(security)
        r = []
        for i in range(n):
            big_r = (2 * security[i] - top - bottom) / (top - bottom) if top - bottom > EU_TOLERANCE else 0.0
            r.append((1 - big_r / 3) / (1 + big_r / 3))
        risk.append(r)
        eu = [[expected_utility(i, j, x, s, p[i][j], r[i], mu, span, q, t) if i != j else 0.0
               for j in range(n)] for i in range(n)]
        new = list(x)
        for i in range(n):
            best_j, best_move, best_gain, best_target = -1, float("inf"), float("-inf"), x[i]
            for j in range(n):
                if j == i:
                    continue
                a = eu[i][j]
                if perception == "receiver":
                    b = expected_utility(j, i, x, s, p[j][i], r[i], mu, span, q, t)
                else:
                    b = eu[j][i]
                if b <= 0:
                    continue
                if a > 0:
                    if b <= a + EU_TOLERANCE:  # B = A within the tolerance: i does not lose
                        continue
                    target = x[j]
                elif abs(a) < b:
                    target = x[i] + (x[j] - x[i]) * abs(a / b)
                else:
                    target = x[j]
                move = abs(target - x[i])
                if move <= min_move:  # no move (identical actors left 1e-14 apart by rounding)
                    continue
                shorter = move < best_move - min_move  # equal moves within the tolerance: lower index
                if offer_choice == "largest_gain":
                    better = b > best_gain + EU_TOLERANCE or (abs(b - best_gain) <= EU_TOLERANCE and shorter)
                else:
                    better = shorter
                if better:
                    best_j, best_move, best_gain, best_target = j, move, b, target
            if best_j >= 0:
                new[i] = min(scale[1], max(scale[0], best_target))
        for i in range(1, n):  # positions within the move tolerance of an earlier actor's are one
            for k in range(i):
                if abs(new[i] - new[k]) <= min_move:
                    new[i] = new[k]
                    break
        moved = max(abs(new[i] - x[i]) for i in range(n))
        x = new
        history.append(list(x))
        if moved < tolerance * span:
            converged = True
            break
    return ReferenceResult(median_position(x, s, c), mean_position(x, s, c), x, rounds, converged,
                           history, risk)
