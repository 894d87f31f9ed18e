"""Properties every model should have, on seeded random inputs (no hypothesis: plain draws)."""

import numpy as np
import pytest

from bilateral.simulate import Batch, get_model

MODELS = ["compromise", "nash", "eum", "smp"]
SEEDS = range(4)


def draws(seed: int, runs: int = 6, n: int = 7, scale=(0.0, 100.0), q: float | None = 0.0) -> Batch:
    rng = np.random.default_rng(seed)
    lo, hi = scale
    x = rng.uniform(lo + 0.05 * (hi - lo), hi, (runs, n))
    return Batch(x, rng.uniform(0.1, 1, (runs, n)), rng.uniform(0.05, 1, (runs, n)), scale, q)


def solve(name: str, batch: Batch) -> np.ndarray:
    return get_model(name).solve_batch(batch).position


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_rescaling_the_position_axis(name, seed):
    """x → αx + β (with the scale and q) moves the forecast the same way."""
    base = draws(seed)
    alpha, beta = 2.5, -40.0
    moved = Batch(alpha * base.position + beta, base.salience, base.capability,
                  (alpha * 0 + beta, alpha * 100 + beta), alpha * base.status_quo + beta)
    np.testing.assert_allclose(solve(name, moved), alpha * solve(name, base) + beta, atol=1e-6)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_rescaling_capabilities(name, seed):
    """Only relative capabilities matter."""
    base = draws(seed)
    scaled = Batch(base.position, base.salience, 37.0 * base.capability, base.scale, base.status_quo)
    np.testing.assert_allclose(solve(name, scaled), solve(name, base), atol=1e-6)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_mirror_symmetry(name, seed):
    """Reflecting every position (and q) about the middle of the scale reflects the forecast."""
    base = draws(seed, q=None if name != "nash" else 0.0)
    mirrored = Batch(100 - base.position, base.salience, base.capability, base.scale,
                     None if base.status_quo is None else 100 - base.status_quo)
    np.testing.assert_allclose(solve(name, mirrored), 100 - solve(name, base), atol=1e-6)


@pytest.mark.parametrize("name", ["compromise", "nash", "smp"])
@pytest.mark.parametrize("seed", SEEDS)
def test_order_of_actors_does_not_matter(name, seed):
    base = draws(seed)
    order = np.random.default_rng(seed + 100).permutation(base.position.shape[1])
    shuffled = Batch(base.position[:, order], base.salience[:, order], base.capability[:, order],
                     base.scale, base.status_quo)
    np.testing.assert_allclose(solve(name, shuffled), solve(name, base), atol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_positions_stay_on_the_scale(seed):
    """Every round's positions and every forecast stay on the scale and within the actors' hull."""
    batch = draws(seed, runs=20, n=9, scale=(-5.0, 5.0))
    batch = Batch(batch.position, batch.salience, batch.capability, batch.scale, -5.0)
    low, high = batch.position.min(axis=1), batch.position.max(axis=1)
    for name in MODELS:
        result = get_model(name).solve_batch(batch)
        defined = ~np.isnan(result.position)
        assert np.all(result.position[defined] >= low[defined] - 1e-9)
        assert np.all(result.position[defined] <= high[defined] + 1e-9)
        if "final" in result.extra:
            assert np.all((result.extra["final"] >= -5 - 1e-12) & (result.extra["final"] <= 5 + 1e-12))
    eum = get_model("eum")
    for k in range(batch.runs):
        history = eum.history(batch.take(slice(k, k + 1)))["x"]
        assert len(history) and np.all((history >= -5) & (history <= 5))


def test_unanimity_is_a_fixed_point():
    batch = draws(0)
    same = Batch(np.full_like(batch.position, 42.0), batch.salience, batch.capability, batch.scale, None)
    for name in ("compromise", "eum", "smp"):
        np.testing.assert_allclose(solve(name, same), 42.0)
