"""Bueno de Mesquita's expected utility model (1985, 1994) as reconstructed by Scholz, Calbert &
Smith (2011, "Unravelling Bueno de Mesquita's group decision model", J. Theoretical Politics 23(4)).

Vectorised across Monte Carlo draws: every array is (R, n) or (R, n, n) for R draws of n actors.
One formula per function; :mod:`bilateral.simulate.reference` holds a plain per-actor loop of the
same equations, the tests' oracle. Notation: xᵢ position, sᵢ salience, cᵢ capability,
wᵢ = cᵢsᵢ, R = x_max − x_min of the initial positions, d(a, b) = |a − b| / R.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from bilateral.simulate.compromise import weighted_mean
from bilateral.simulate.inputs import Stakeholders
from bilateral.simulate.outcome import NOT_CONVERGED, OK, BargainingModel, Batch, BatchResult, Outcome

Voters = Literal["all", "exclude_i", "third_parties"]
Perception = Literal["own", "receiver"]
OfferChoice = Literal["smallest_move", "largest_gain"]
Anchor = Literal["mean", "median"]

#: Expected utilities closer to zero than this are zero (no challenge): keeps the sign tests of the
#: offer rules from acting on rounding noise, identically here and in the loop oracle.
EU_TOLERANCE = 1e-12
#: Ties in the Condorcet (median) vote closer than this, relative to Σ wₖ·R, go to the lower position.
MEDIAN_TOLERANCE = 1e-12
CHUNK_ELEMENTS = 25_000  # (R, n, n) arrays of ~200 kB: cache-friendly, no large allocations


def condorcet_median(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The position that wins every pairwise vote vₖ(a, b) = cₖsₖ[Uₖ(a) − Uₖ(b)], Uₖ(y) = 1 − 2d(xₖ, y).

    Σₖ vₖ(a, b) = (2/R)[F(b) − F(a)] with F(y) = Σₖ wₖ|xₖ − y|, so a beats b iff F(a) < F(b): the
    Condorcet winner among the actors' positions is the weighted median, argmin F (Scholz et al.
    2011 §3.1; Black 1948). Ties go to the lowest tied position.
    """
    dist = np.abs(position[..., :, None] - position[..., None, :])
    f = (dist * weight[..., None, :]).sum(axis=-1)
    span = np.ptp(position, axis=-1, keepdims=True) * weight.sum(axis=-1, keepdims=True)
    tied = f <= f.min(axis=-1, keepdims=True) + MEDIAN_TOLERANCE * np.maximum(span, 1e-300)
    return np.where(tied, position, np.inf).min(axis=-1)


_PAIRS: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
_BIG = 1e300


def _pairs(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper-triangle index pairs (a < b) and an (n, n) table: entry [a, b] is the pair's slot,
    [b, a] the slot plus m (the reverse direction), the diagonal 2m (m = number of pairs)."""
    if n not in _PAIRS:
        a, b = np.triu_indices(n, 1)
        m = len(a)
        table = np.full((n, n), 2 * m)
        table[a, b] = np.arange(m)
        table[b, a] = np.arange(m) + m
        _PAIRS[n] = (a, b, table)
    return _PAIRS[n]


def _pair_matrix(upper: np.ndarray, lower: np.ndarray, diagonal: float, index: np.ndarray) -> np.ndarray:
    """(R, n, n) from per-pair values: [a, b] = upper, [b, a] = lower, diagonal constant;
    ``index`` (R, n, n) are slots into [upper | lower | diagonal] (see :func:`_pairs`)."""
    runs = upper.shape[0]
    values = np.concatenate([upper, lower, np.full((runs, 1), diagonal)], axis=1)
    return np.take_along_axis(values, index.reshape(runs, -1), axis=1).reshape(index.shape)


def win_probability(y: np.ndarray, weight: np.ndarray, voters: Voters = "all") -> np.ndarray:
    """P[i, j] = Pᵢ(j) = Σ_{k: Uₖ(xᵢ) > Uₖ(xⱼ)} vₖ(i, j) / Σₖ |vₖ(i, j)|, and 0 when xᵢ = xⱼ.

    Scholz et al. (2011) eq. 4 with vₖ(i, j) = wₖ[Uₖ(xᵢ) − Uₖ(xⱼ)] ∝ wₖDₖᵢⱼ,
    Dₖᵢⱼ = |xₖ − xⱼ| − |xₖ − xᵢ|. ``voters``: ``all`` k (default, the formula as printed),
    ``exclude_i`` (i does not vote for itself, as in some public ports) or ``third_parties``
    (neither i nor j votes).

    Computed in O(n² log n) per draw, not O(n³): the numerator is (Σ wₖDₖᵢⱼ + Σ wₖ|Dₖᵢⱼ|)/2, the
    first sum is F(xⱼ) − F(xᵢ) with F(y) = Σₖ wₖ|xₖ − y|, and |Dₖᵢⱼ| equals d = |xᵢ − xⱼ| for k
    outside [xᵢ, xⱼ] and |xᵢ + xⱼ − 2xₖ| inside, summed with prefix sums over sorted positions.
    """
    runs, n = y.shape
    order = np.argsort(y, axis=1, kind="stable")
    ys = np.take_along_axis(y, order, axis=1)
    ws = np.take_along_axis(weight, order, axis=1)
    zero = np.zeros((runs, 1))
    cw = np.concatenate([zero, np.cumsum(ws, axis=1)], axis=1)
    cwx = np.concatenate([zero, np.cumsum(ws * ys, axis=1)], axis=1)
    a, b, table = _pairs(n)
    ya, yb = ys[:, a], ys[:, b]
    d = yb - ya
    two_m = ya + yb
    # c = how many sorted positions lie below the midpoint: one searchsorted for all draws.
    span = 4.0 + 2.0 * float(np.abs(y).max(initial=0.0))
    offset = np.arange(runs, dtype=float) * span
    found = np.searchsorted((ys + offset[:, None]).ravel(), (0.5 * two_m + offset[:, None]).ravel())
    c = np.clip(found.reshape(runs, -1) - (np.arange(runs) * n)[:, None], a + 1, b)
    base = (np.arange(runs) * (n + 1))[:, None]
    cw_c, cwx_c = cw.ravel()[c + base], cwx.ravel()[c + base]
    cw_lo, cwx_lo, cw_b, cwx_b = cw[:, a + 1], cwx[:, a + 1], cw[:, b], cwx[:, b]
    inside = (two_m * (2 * cw_c - cw_lo - cw_b) + 2 * (cwx_lo + cwx_b - 2 * cwx_c))
    s_abs = d * (cw[:, -1:] - (cw_b - cw_lo)) + inside
    # F(y_a) = Σₖ wₖ|yₖ − y_a| from the same prefix sums (the k = a term is 0)
    f = ys * cw[:, :-1] - cwx[:, :-1] + (cwx[:, -1:] - cwx[:, 1:]) - ys * (cw[:, -1:] - cw[:, 1:])
    num_a = 0.5 * ((f[:, b] - f[:, a]) + s_abs)
    num_b = s_abs - num_a
    den_a = den_b = s_abs
    if voters in ("exclude_i", "third_parties"):
        own_a, own_b = ws[:, a] * d, ws[:, b] * d
        num_a, num_b = num_a - own_a, num_b - own_b
        if voters == "exclude_i":
            den_a, den_b = s_abs - own_a, s_abs - own_b
        else:
            den_a = den_b = s_abs - own_a - own_b
    # 0 where xᵢ = xⱼ or no vote is cast (arithmetic masks: np.where is slow on mixed masks)
    p_a = np.clip(num_a / np.maximum(den_a, 1e-300), 0.0, 1.0) * ((d > 0) & (den_a > 0))
    p_b = np.clip(num_b / np.maximum(den_b, 1e-300), 0.0, 1.0) * ((d > 0) & (den_b > 0))
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(n), (runs, n)), axis=1)
    index = table[rank[:, :, None], rank[:, None, :]]
    return _pair_matrix(p_a, p_b, 0.0, index)


def utility_success(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Usᵢⱼ = 2 − 4(0.5 − 0.5dᵢⱼ)^rᵢ: i's utility of winning a challenge against j."""
    return 2 - 4 * (0.5 - 0.5 * d) ** r


def utility_failure(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Ufᵢⱼ = 2 − 4(0.5 + 0.5dᵢⱼ)^rᵢ: i's utility of losing a challenge against j."""
    return 2 - 4 * (0.5 + 0.5 * d) ** r


def utility_better(d: np.ndarray, d_mu: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Ubᵢⱼ = 2 − 4(0.5 − 0.25(d(xᵢ, μ) + dᵢⱼ))^rᵢ: the status quo changes in i's favour."""
    return 2 - 4 * (0.5 - 0.25 * (d_mu + d)) ** r


def utility_worse(d: np.ndarray, d_mu: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Uwᵢⱼ = 2 − 4(0.5 + 0.25(d(xᵢ, μ) + dᵢⱼ))^rᵢ: the status quo changes against i."""
    return 2 - 4 * (0.5 + 0.25 * (d_mu + d)) ** r


def utility_status_quo(r: np.ndarray) -> np.ndarray:
    """Usqᵢ = 2 − 4(0.5)^rᵢ: i's utility of the status quo."""
    return 2 - 4 * 0.5 ** r


def expected_utility(p: np.ndarray, salience: np.ndarray, d: np.ndarray, d_mu: np.ndarray,
                     r: np.ndarray, q: float = 1.0, t: float = 1.0,
                     logs: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """EU[i, j] = EUᵢ(j), i's expected utility of challenging j (Scholz et al. 2011 eq. 9):

    EUᵢ(j) = sⱼ[Pᵢ(j)·Us + (1 − Pᵢ(j))·Uf] + (1 − sⱼ)·Us − Q·Usq − (1 − Q)[T·Ub + (1 − T)·Uw]

    ``r`` broadcasts against (R, n, n) (row i's exponent: (R, n, 1)). ``logs`` may carry
    ln(0.5 − 0.5d) and ln(0.5 + 0.5d), so that Us and Uf are exp(r·ln …) (same numbers, faster).
    |EU| < 1e-12 counts as 0; the diagonal is 0.
    """
    if logs is None:
        us, uf = utility_success(d, r), utility_failure(d, r)
    else:
        us, uf = 2 - 4 * np.exp(r * logs[0]), 2 - 4 * np.exp(r * logs[1])
    sj = salience[:, None, :]
    eu = sj * (p * us + (1 - p) * uf) + (1 - sj) * us - q * utility_status_quo(r)
    if q != 1.0:
        eu = eu - (1 - q) * (t * utility_better(d, d_mu[:, :, None], r)
                             + (1 - t) * utility_worse(d, d_mu[:, :, None], r))
    eu *= np.abs(eu) >= EU_TOLERANCE
    n = eu.shape[-1]
    eu[:, np.arange(n), np.arange(n)] = 0.0
    return eu


def expected_utility_neutral(p: np.ndarray, salience: np.ndarray, d: np.ndarray, d_mu: np.ndarray,
                             q: float = 1.0, t: float = 1.0) -> np.ndarray:
    """EUᵢ(j) at r = 1, where Us = 2d, Uf = −2d, Usq = 0, Ub = d(xᵢ, μ) + d, Uw = −Ub:

    EUᵢ(j) = 2dᵢⱼ[1 − 2sⱼ(1 − Pᵢ(j))] − (1 − Q)(2T − 1)(d(xᵢ, μ) + dᵢⱼ)
    """
    eu = 2 * d * (1 - 2 * salience[:, None, :] * (1 - p))
    if q != 1.0:
        eu = eu - (1 - q) * (2 * t - 1) * (d_mu[:, :, None] + d)
    n = eu.shape[-1]
    eu[:, np.arange(n), np.arange(n)] = 0.0
    return eu


def risk_exponent(eu_neutral: np.ndarray) -> np.ndarray:
    """rᵢ = (1 − Rᵢ/3)/(1 + Rᵢ/3) ∈ [0.5, 2], Rᵢ = (2Secᵢ − max Sec − min Sec)/(max Sec − min Sec),
    Secᵢ = Σ_{j≠i} EUⱼ(i) at r = 1 (Scholz et al. 2011 eqs. 10–11): r = 0.5 for the actor the
    others most expect to gain from challenging, r = 2 for the one they least do; all rᵢ = 1 when
    every Secᵢ is equal."""
    sec = eu_neutral.sum(axis=1)
    top, bottom = sec.max(axis=1, keepdims=True), sec.min(axis=1, keepdims=True)
    spread = top - bottom
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = np.where(spread > 0, (2 * sec - top - bottom) / spread, 0.0)
    return (1 - big_r / 3) / (1 + big_r / 3)


KINDS = {1: "confrontation", 2: "compromise", 3: "capitulation"}


def symmetric_logs(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ln(0.5 − 0.5dᵢⱼ) and ln(0.5 + 0.5dᵢⱼ), computed once per unordered pair (d is symmetric)."""
    n = d.shape[-1]
    a, b, table = _pairs(n)
    upper = d[:, a, b]
    index = np.broadcast_to(np.where(table >= len(a), table - len(a), table), d.shape)
    with np.errstate(divide="ignore"):
        out = [_pair_matrix(values, values[:, :0], float(np.log(0.5)), index)
               for values in (np.log(0.5 - 0.5 * upper), np.log(0.5 + 0.5 * upper))]
    return out[0], out[1]


def offer_targets(x: np.ndarray, a: np.ndarray, b: np.ndarray,
                  kinds: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Where receiver i would move on sender j's offer (NaN: no offer), and the offer's kind.

    A = EUᵢ(j), B = EUⱼ(i) (as i perceives it). j offers only when B > 0. Then (Scholz et al. 2011
    §3.6): confrontation, A > 0 and B > A: i loses, xᵢ ← xⱼ; compromise, A ≤ 0 and |A| < B:
    xᵢ ← xᵢ + (xⱼ − xᵢ)|A/B|; capitulation, A ≤ 0 and |A| ≥ B: xᵢ ← xⱼ. A > 0 with B ≤ A: i wins
    and stays (j moves instead, as receiver). Offers that would not move i are dropped.
    Kind codes: 1 confrontation, 2 compromise, 3 capitulation, 0 none.
    """
    offers = _offers(x, a, b)
    target = np.where(offers["valid"], np.where(offers["full"], x[:, None, :], offers["partial"]), np.nan)
    if not kinds:
        return target, None
    kind = np.where(offers["confront"], 1, np.where(offers["full"], 3, 2))
    return target, np.where(offers["valid"], kind, 0)


def _offers(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """The offer rules of :func:`offer_targets` as masks and moves (arithmetic, no np.where)."""
    xi = x[:, :, None]
    diff = x[:, None, :] - xi
    positive = b > 0
    a_positive = a > 0
    confront = positive & a_positive & (b > a)
    yielding = positive & ~a_positive
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.abs(a) / np.maximum(b, 1e-300)
    compromise = yielding & (ratio < 1)
    full = confront | (yielding & ~compromise)
    partial = xi + diff * (ratio * compromise)
    move = np.abs(diff) * full + np.abs(partial - xi)
    valid = (full | compromise) & (move > 0)
    return {"full": full, "confront": confront, "valid": valid, "partial": partial, "move": move}


def choose_offer(x: np.ndarray, target: np.ndarray, b: np.ndarray,
                 rule: OfferChoice = "smallest_move") -> np.ndarray:
    """Index of the sender whose offer each receiver takes (−1: none).

    ``smallest_move`` (default, models.md §2): the offer needing the smallest move; ``largest_gain``:
    the sender expecting the largest gain B, then the smallest move. Ties go to the lower index.
    """
    valid = ~np.isnan(target)
    return _choose(np.where(valid, np.abs(target - x[:, :, None]), 0.0), valid, b, rule)


def _choose(move: np.ndarray, valid: np.ndarray, b: np.ndarray, rule: OfferChoice) -> np.ndarray:
    if rule == "largest_gain":
        gain = b * valid - _BIG * ~valid
        valid = valid & (gain == gain.max(axis=-1, keepdims=True))
    key = move + _BIG * ~valid
    pick = np.argmin(key, axis=-1)
    return np.where(valid.any(axis=-1), pick, -1)


class ExpectedUtility(BargainingModel):
    """Bueno de Mesquita's expected utility model, Scholz et al. (2011) reconstruction.

    Each round: μ and the median (:func:`condorcet_median`), win probabilities P, expected utilities
    at r = 1, risk exponents r, expected utilities with r, offers, every actor's chosen offer applied
    at once and clamped to the scale. Stops when the largest move is below ``tolerance``·R or after
    ``max_rounds`` (then ``converged`` is false: convergence is not guaranteed, Scholz et al. §5).
    The forecast is the final median; the weighted mean is reported too.

    Variant parameters (defaults in brackets): ``voters`` who votes in Pᵢ(j) [all];
    ``perception`` whose risk exponent evaluates the sender's EUⱼ(i) — its ``own`` rⱼ [own] or the
    ``receiver``'s rᵢ (i's perception); ``offer_choice`` [smallest_move]; ``anchor`` μ in Ub/Uw is
    the weighted ``mean`` [mean] or the ``median``; ``q`` and ``t`` the status-quo probabilities
    Q and T [1, 1].
    """

    name = "eum"
    label = "Expected utility (Bueno de Mesquita)"

    def __init__(self, max_rounds: int = 100, tolerance: float = 1e-3, voters: Voters = "all",
                 perception: Perception = "own", offer_choice: OfferChoice = "smallest_move",
                 anchor: Anchor = "mean", q: float = 1.0, t: float = 1.0) -> None:
        self.max_rounds = max_rounds
        self.tolerance = tolerance
        self.voters = voters
        self.perception = perception
        self.offer_choice = offer_choice
        self.anchor = anchor
        self.q = q
        self.t = t

    # -- one round ---------------------------------------------------------------------------------
    def step(self, x: np.ndarray, s: np.ndarray, c: np.ndarray, x0_min: np.ndarray, span: np.ndarray,
             scale: tuple[float, float], record: bool = False) -> dict[str, np.ndarray]:
        """One round for the draws in ``x`` (R, n); returns the new positions and the round's numbers."""
        w = c * s
        mean = weighted_mean(x, s, c)
        mu = mean if self.anchor == "mean" else condorcet_median(x, w)
        mu = np.where(np.isnan(mu), x.mean(axis=1), mu)
        y = (x - x0_min[:, None]) / span[:, None]
        d = np.abs(y[:, :, None] - y[:, None, :])
        d_mu = np.abs(x - mu[:, None]) / span[:, None]
        p = win_probability(y, w, self.voters)
        r = risk_exponent(expected_utility_neutral(p, s, d, d_mu, self.q, self.t))
        logs = symmetric_logs(d)
        eu = expected_utility(p, s, d, d_mu, r[:, :, None], self.q, self.t, logs)
        if self.perception == "receiver":
            b = expected_utility(p, s, d, d_mu, r[:, None, :], self.q, self.t, logs).transpose(0, 2, 1)
        else:
            b = eu.transpose(0, 2, 1)
        offers = _offers(x, eu, b)
        pick = _choose(offers["move"], offers["valid"], b, self.offer_choice)
        safe = np.maximum(pick, 0)[:, :, None]
        full = np.take_along_axis(offers["full"], safe, axis=2)[:, :, 0]
        partial = np.take_along_axis(offers["partial"], safe, axis=2)[:, :, 0]
        sender_x = np.take_along_axis(x, safe[:, :, 0], axis=1)
        chosen = np.where(full, sender_x, partial)
        new = np.clip(np.where(pick >= 0, chosen, x), *scale)
        out = {"x": new, "mean": mean, "r": r, "sender": pick}
        if record:
            confront = np.take_along_axis(offers["confront"], safe, axis=2)[:, :, 0]
            out["kind"] = np.where(pick >= 0, np.where(confront, 1, np.where(full, 3, 2)), 0)
        return out

    # -- many draws ---------------------------------------------------------------------------------
    def run(self, batch: Batch, record: bool = False) -> tuple[BatchResult, list[dict[str, np.ndarray]]]:
        """Iterate to convergence for every draw; ``record`` keeps each round (for traces)."""
        x = batch.position.astype(float).copy()
        s, c = batch.salience.astype(float), batch.capability.astype(float)
        w = c * s
        runs = x.shape[0]
        x0_min = x.min(axis=1)
        span = np.ptp(x, axis=1)
        rounds = np.zeros(runs, dtype=int)
        converged = span <= 0
        active = np.flatnonzero(~converged)
        safe_span = np.where(span > 0, span, 1.0)
        history: list[dict[str, np.ndarray]] = []
        for round_no in range(1, self.max_rounds + 1):
            if active.size == 0:
                break
            out = self.step(x[active], s[active], c[active], x0_min[active], safe_span[active],
                            batch.scale, record)
            moved = np.abs(out["x"] - x[active]).max(axis=1)
            x[active] = out["x"]
            rounds[active] = round_no
            if record:
                history.append({**out, "active": active.copy()})
            done = moved < self.tolerance * safe_span[active]
            converged[active[done]] = True
            active = active[~done]
        median = condorcet_median(x, w)
        mean = weighted_mean(x, s, c)
        return BatchResult(median, converged, rounds, {"mean": mean, "final": x}), history

    def solve_batch(self, batch: Batch) -> BatchResult:
        n = batch.position.shape[1]
        size = max(1, CHUNK_ELEMENTS // max(1, n * n))
        parts = [self.run(batch.take(slice(i, i + size)))[0] for i in range(0, batch.runs, size)]
        return BatchResult.concat(parts)

    # -- one table, with its trace ------------------------------------------------------------------
    def solve(self, stakeholders: Stakeholders, *, rng: np.random.Generator | None = None) -> Outcome:
        batch = Batch.of(stakeholders)
        result, history = self.run(batch, record=True)
        names = list(stakeholders.actor)
        w = stakeholders.weight
        rows = [{"round": 0, **dict(zip(names, stakeholders.position, strict=True)),
                 "mean": float(weighted_mean(stakeholders.position, stakeholders.salience,
                                             stakeholders.capability)),
                 "median": float(condorcet_median(stakeholders.position[None], w[None])[0])}]
        moves = []
        for k, rec in enumerate(history, start=1):
            xk = rec["x"][0]
            rows.append({"round": k, **dict(zip(names, xk, strict=True)),
                         "mean": float(weighted_mean(xk, stakeholders.salience, stakeholders.capability)),
                         "median": float(condorcet_median(xk[None], w[None])[0])})
            for i, (sender, kind) in enumerate(zip(rec["sender"][0], rec["kind"][0], strict=True)):
                if sender >= 0:
                    moves.append({"round": k, "actor": names[i], "accepts": names[sender],
                                  "kind": KINDS[int(kind)], "to": float(xk[i])})
        trace = pd.DataFrame(rows)
        converged = bool(result.converged[0])
        risk = history[0]["r"][0] if history else np.ones(len(names))
        return Outcome(
            self.name, float(result.position[0]), OK if converged else NOT_CONVERGED,
            "" if converged else f"no convergence within {self.max_rounds} rounds; the forecast "
            "is the median of the last round", rounds=int(result.rounds[0]), converged=converged,
            trace=trace, diagnostics={"mean": float(result.extra["mean"][0]),
                                      "risk_exponents_round_1": dict(zip(names, np.round(risk, 9),
                                                                         strict=True)),
                                      "moves": pd.DataFrame(moves, columns=["round", "actor", "accepts",
                                                                            "kind", "to"]),
                                      "params": self.get_params()},
        )
