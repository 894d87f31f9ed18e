"""Inference that holds under serial correlation at short lengths: the parametric AR(1) bootstrap.

Relations series are short (8–80 yearly points) and persistent (AR(1) coefficients up to 0.9), where
Newey–West t-tests reject a true null two to eight times too often (docs/explain.md, calibration).
Every regression-type method here therefore calibrates its HAC t-statistic against draws
of the same statistic on AR(1) noise fitted to the series' residuals:

1. fit OLS and the t-statistic; estimate the AR(1) coefficient φ̂ and innovation sd σ̂ of the
   residuals under the null (the model without the tested column: restricted residuals, which
   keep the size at 8–20 points where unrestricted ones over-reject at φ = 0.9); the t-statistic's
   variance is the Bartlett-kernel HAC estimator with bandwidth n (fixed-b, b = 1: Kiefer &
   Vogelsang 2002), which depends far less on φ than the Newey–West n^(2/9) rule;
2. correct φ̂ for its small-sample bias by simulation (Kilian 1998, "Small-sample confidence
   intervals for impulse response functions", REStat 80(2): φ̃ = 2φ̂ − mean φ̂*, where φ̂* is φ̂ re-
   estimated on AR(1) series at φ̂ put through the same design), capped at ``PHI_MAX``;
3. draw ``draws`` stationary AR(1) series at (φ̃, σ̂) — the null, since the t-statistic of a column
   of X does not depend on the other columns' coefficients (Frisch–Waugh) — and compute the t of
   each; the p-value is the share of |t*| ≥ |t| and the interval β̂ ± c·se with c the 95 % quantile
   of |t*| (a bootstrap-t interval, Hall 1992).

The power of each test is stated as its minimum detectable effect: the effect it detects with
probability 0.8, (c + z₀.₈)·se in the effect's own units (normal shift of the calibrated statistic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.signal import lfilter

DRAWS = 399
BIAS_DRAWS = 100
PHI_MAX = 0.97
ALPHA = 0.05
Z_POWER = float(stats.norm.ppf(0.8))


def _lag1(u: np.ndarray) -> np.ndarray:
    """Lag-one autocorrelation of each row of ``u`` (rows: series): Σ u_t u_{t−1} / Σ u_t²."""
    num = np.sum(u[..., 1:] * u[..., :-1], axis=-1)
    den = np.sum(u * u, axis=-1)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def ar1_draws(n: int, phi: float, sigma: float, draws: int, rng: np.random.Generator) -> np.ndarray:
    """``draws`` stationary AR(1) series of length ``n``: u_t = φ u_{t−1} + σ ε_t, u_0 ~ N(0, σ²/(1−φ²))."""
    eps = rng.standard_normal((draws, n)) * sigma
    eps[:, 0] /= np.sqrt(max(1 - phi * phi, 1e-6))
    return lfilter([1.0], [1.0, -phi], eps, axis=1)


class Residuals:
    """The OLS residuals of any y on a fixed design ``x``: y − Q(Q'y), Q an orthonormal basis of x."""

    def __init__(self, x: np.ndarray):
        q, r = np.linalg.qr(x)
        self.q = q[:, np.abs(np.diag(r)) > 1e-10 * max(1.0, float(np.abs(r).max()))]

    def __call__(self, y: np.ndarray) -> np.ndarray:
        """Residuals of each row of ``y`` (shape (n,) or (draws, n))."""
        return y - (y @ self.q) @ self.q.T


def corrected_phi(resid: np.ndarray, residuals: Residuals, rng: np.random.Generator) -> tuple[float, float]:
    """Bias-corrected AR(1) coefficient of OLS residuals and the innovation sd (Kilian 1998)."""
    n = len(resid)
    phi = float(np.clip(_lag1(resid), -PHI_MAX, PHI_MAX))
    sims = residuals(ar1_draws(n, phi, 1.0, BIAS_DRAWS, rng))
    bias = float(np.mean(_lag1(sims))) - phi
    corrected = float(np.clip(phi - bias, -PHI_MAX, PHI_MAX))
    innovations = resid[1:] - corrected * resid[:-1]
    sigma = float(np.sqrt(np.sum(innovations**2) / max(n - 2, 1))) or 1.0
    return corrected, sigma


def nw_t(x: np.ndarray, y: np.ndarray, column: int) -> tuple[np.ndarray, np.ndarray]:
    """OLS slope of ``column`` and its fixed-b t for each row of ``y`` (shape (draws, n) or (n,)).

    By Frisch–Waugh the slope is Σ d̃ y / Σ d̃² with d̃ the column partialled out of the others.
    Its variance is the Bartlett-kernel HAC estimator with bandwidth n, which for OLS scores
    z_t = d̃_t e_t (Σ z_t = 0) equals (2/n) Σ_t S_t², S_t = Σ_{s≤t} z_s, over (Σ d̃²)² (Kiefer &
    Vogelsang 2002, "Heteroskedasticity-autocorrelation robust standard errors using the Bartlett
    kernel without truncation", Econometrica 70(5)).
    """
    others = np.delete(x, column, axis=1)
    d = Residuals(others)(x[:, column]) if others.shape[1] else x[:, column]
    ss = float(d @ d)
    y2 = np.atleast_2d(y)
    beta = y2 @ d / ss
    partial = np.cumsum(Residuals(x)(y2) * d, axis=1)
    var = 2.0 / len(d) * np.sum(partial * partial, axis=1)
    t = beta / (np.sqrt(np.maximum(var, 1e-300)) / ss)
    return (beta, t) if y.ndim == 2 else (beta[:1], t[:1])


def tail_p(statistic: float, null: np.ndarray) -> float:
    """(1 + #null ≥ statistic)/(m + 1) for ``m`` null draws (non-negative, e.g. |t*|).

    Beyond the draws' resolution (no draw as large) the tail is extrapolated from a normal scaled
    to match the draws' 95 % quantile, p = 2(1 − Φ(1.96·s/q₀.₉₅)), capped at 1/(m + 1), so that a
    p-value adjusted across many tests (Holm) is not floored at 1/(m + 1); every decision at
    α ≥ 1/(m + 1) is the draws' own.
    """
    count = int(np.sum(null >= statistic))
    floor = 1 / (len(null) + 1)
    if count:
        return (1 + count) * floor
    q = float(np.quantile(null, 1 - ALPHA)) or 1e-12
    return float(min(floor, 2 * stats.norm.sf(stats.norm.ppf(1 - ALPHA / 2) * statistic / q)))


@dataclass(frozen=True)
class Calibrated:
    """A coefficient with its bootstrap-calibrated inference, in the units of y per unit of the column."""

    beta: float
    se: float
    p: float
    low: float
    high: float
    critical: float
    phi: float
    mde: float
    draws: int

    def note(self) -> str:
        """How the p-value was had, for a test row's method column."""
        return f"AR(1) bootstrap, φ̃ = {self.phi:.2f}, {self.draws} draws"


def calibrated_slope(x: np.ndarray, y: np.ndarray, column: int, rng: np.random.Generator,
                     draws: int = DRAWS) -> Calibrated:
    """The OLS slope of ``x[:, column]`` (x includes the constant) with AR(1)-bootstrap inference.

    See the module docstring for the three steps; the bootstrap draws AR(1) noise only, which is
    the null of a zero slope whatever the other coefficients are.
    """
    n = len(y)
    restricted = Residuals(np.delete(x, column, axis=1))
    beta, t = nw_t(x, y, column)
    phi, sigma = corrected_phi(restricted(y), restricted, rng)
    _, t_star = nw_t(x, ar1_draws(n, phi, sigma, draws, rng), column)
    abs_star = np.abs(t_star)
    critical = float(np.quantile(abs_star, 1 - ALPHA))
    se = float(beta[0] / t[0]) if t[0] != 0 else float(np.std(y) / np.sqrt(n))
    p = tail_p(abs(t[0]), abs_star)
    return Calibrated(float(beta[0]), abs(se), p, float(beta[0] - critical * abs(se)),
                      float(beta[0] + critical * abs(se)), critical, phi, (critical + Z_POWER) * abs(se), draws)
