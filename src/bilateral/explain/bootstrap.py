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
   estimated on AR(1) series at φ̂ put through the same design, read off a per-design table over
   a grid of φ), capped at ``PHI_MAX``;
3. draw ``draws`` stationary AR(1) series at (φ̃, σ̂) — the null, since the t-statistic of a column
   of X does not depend on the other columns' coefficients (Frisch–Waugh) — and compute the t of
   each (the first level);
4. from each first-level series re-estimate φ̃* the same way and draw one series at it (the
   second level): the fast double bootstrap (Davidson & MacKinnon 2007) turns the two into a p-value
   and a critical value c that allow for φ̃ itself being estimated — at 8–20 points the single
   bootstrap's p still over- or under-rejected by up to half (0.075 at n = 8, φ = 0.9); the
   interval is β̂ ± c·se (a bootstrap-t interval, Hall 1992).

The power of each test is stated as its minimum detectable effect: the effect it detects with
probability 0.8, (c + z₀.₈)·se in the effect's own units (normal shift of the calibrated statistic).
"""

from __future__ import annotations

import hashlib
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


GRID = np.linspace(-PHI_MAX, PHI_MAX, 33)
_TABLES: dict[bytes, np.ndarray] = {}


def _mean_lag1(residuals: Residuals, n: int) -> np.ndarray:
    """E[φ̂] on ``GRID``: the mean lag-one autocorrelation of the design's residuals of AR(1) series.

    ``BIAS_DRAWS`` series per grid point share one set of innovations (common random numbers, a
    fixed seed), so the curve is smooth in φ and the same for the same design; tables are kept per
    design (the calibration study and a case's tests reuse a few designs many times).
    """
    key = hashlib.sha1(residuals.q.tobytes()).digest() + n.to_bytes(4, "little")
    if key not in _TABLES:
        eps = np.random.default_rng(1998).standard_normal((BIAS_DRAWS, n))
        rows = []
        for phi in GRID:
            e = eps.copy()
            e[:, 0] /= np.sqrt(1 - phi * phi)
            rows.append(float(np.mean(_lag1(residuals(lfilter([1.0], [1.0, -phi], e, axis=1))))))
        if len(_TABLES) > 512:
            _TABLES.clear()
        _TABLES[key] = np.array(rows)
    return _TABLES[key]


def bias_corrected(phi_hat: np.ndarray | float, residuals: Residuals, n: int) -> np.ndarray:
    """Kilian's (1998) one-step bias correction φ̃ = 2φ̂ − E[φ̂ | φ = φ̂], capped at ±``PHI_MAX``.

    E[φ̂ | φ] is read off the design's table (:func:`_mean_lag1`), so the correction of many
    bootstrap series (the fast double bootstrap's second level) costs one interpolation.
    """
    phi_hat = np.clip(phi_hat, -PHI_MAX, PHI_MAX)
    return np.clip(2 * phi_hat - np.interp(phi_hat, GRID, _mean_lag1(residuals, n)), -PHI_MAX, PHI_MAX)


def corrected_phi(resid: np.ndarray, residuals: Residuals) -> tuple[float, float]:
    """Bias-corrected AR(1) coefficient of OLS residuals and the innovation sd (Kilian 1998)."""
    n = len(resid)
    corrected = float(bias_corrected(float(_lag1(resid)), residuals, n))
    innovations = resid[1:] - corrected * resid[:-1]
    sigma = float(np.sqrt(np.sum(innovations**2) / max(n - 2, 1))) or 1.0
    return corrected, sigma


def ar1_rows(n: int, phis: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One stationary unit-innovation AR(1) series of length ``n`` per coefficient in ``phis``."""
    eps = rng.standard_normal((len(phis), n))
    out = np.empty_like(eps)
    out[:, 0] = eps[:, 0] / np.sqrt(1 - phis * phis)
    for t in range(1, n):
        out[:, t] = phis * out[:, t - 1] + eps[:, t]
    return out


def second_level(residuals: Residuals, first: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The fast double bootstrap's second-level series: one per first-level series ``first``.

    Each first-level series gets its own bias-corrected φ̃* (as the data got φ̃) and one AR(1)
    series at it; statistics that are scale-free (t, r, CUSUM) need no innovation sd.
    """
    n = first.shape[1]
    return ar1_rows(n, bias_corrected(_lag1(residuals(first)), residuals, n), rng)


def fdb_p(statistic: float, first: np.ndarray, second: np.ndarray) -> float:
    """Fast double bootstrap p-value (Davidson & MacKinnon 2007, CSDA 51(7), eq. 12).

    p* = share of first-level statistics ≥ the observed one; p** = share of first-level
    statistics ≥ the (1 − p*) quantile of the second-level ones. It corrects the bootstrap p for
    how the plug-in φ̃ misstates the persistence (which the single bootstrap cannot): at 8 yearly
    points and φ = 0.9 the single bootstrap's false alarm was 0.075, the fast double's 0.05.
    Beyond the first level's resolution p* is extrapolated as in :func:`tail_p`.
    """
    p_star = float(np.mean(first >= statistic))
    if p_star == 0:
        return tail_p(statistic, first)
    return (1 + int(np.sum(first >= np.quantile(second, 1 - p_star)))) / (len(first) + 1)


def fdb_critical(first: np.ndarray, second: np.ndarray, alpha: float = ALPHA) -> float:
    """The first-level critical value whose fast-double-bootstrap p is ``alpha``: Q*(1 − α′),
    α′ = share of second-level statistics above Q*(1 − α) (the inversion of :func:`fdb_p`)."""
    adjusted = float(np.mean(second > np.quantile(first, 1 - alpha)))
    return float(np.quantile(first, 1 - min(max(adjusted, 1 / len(first)), 0.5)))


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
        return f"AR(1) fast double bootstrap, φ̃ = {self.phi:.2f}, {self.draws} draws"


def calibrated_slope(x: np.ndarray, y: np.ndarray, column: int, rng: np.random.Generator,
                     draws: int = DRAWS) -> Calibrated:
    """The OLS slope of ``x[:, column]`` (x includes the constant) with AR(1)-bootstrap inference.

    See the module docstring for the steps; the bootstrap draws AR(1) noise only, which is the
    null of a zero slope whatever the other coefficients are. p and the critical value are the
    fast double bootstrap's (:func:`fdb_p`, :func:`fdb_critical`).
    """
    n = len(y)
    restricted = Residuals(np.delete(x, column, axis=1))
    beta, t = nw_t(x, y, column)
    phi, sigma = corrected_phi(restricted(y), restricted)
    first = ar1_draws(n, phi, sigma, draws, rng)
    abs_star = np.abs(nw_t(x, first, column)[1])
    abs_second = np.abs(nw_t(x, second_level(restricted, first, rng), column)[1])
    critical = fdb_critical(abs_star, abs_second)
    se = float(beta[0] / t[0]) if t[0] != 0 else float(np.std(y) / np.sqrt(n))
    p = fdb_p(abs(t[0]), abs_star, abs_second)
    return Calibrated(float(beta[0]), abs(se), p, float(beta[0] - critical * abs(se)),
                      float(beta[0] + critical * abs(se)), critical, phi, (critical + Z_POWER) * abs(se), draws)
