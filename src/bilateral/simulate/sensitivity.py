"""Which stakeholder's input moves the forecast most: one-at-a-time swings and Sobol indices.

Sobol first-order (Sᵢ) and total (Tᵢ) indices with the Saltelli (2010) design and estimators:
A and B are two N × D matrices of quasi-random uniforms (scrambled Sobol, scipy.stats.qmc), mapped
through each input's distribution; A_B⁽ⁱ⁾ is A with the columns of group i taken from B. Then

    Sᵢ = mean(f(B)·(f(A_B⁽ⁱ⁾) − f(A))) / V        (Saltelli et al. 2010, eq. b)
    Tᵢ = mean((f(A) − f(A_B⁽ⁱ⁾))²) / (2V)           (Jansen 1999)

with V the variance of f over A and B together (f centred on its mean first, which leaves the
estimators unbiased and cuts their variance). Groups are an actor's three inputs (default) or
each input alone. Runs where the model has no solution are left out of that group's estimate.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import qmc

from bilateral.errors import BilateralError
from bilateral.simulate.base import Batch
from bilateral.simulate.forecast import Forecast
from bilateral.simulate.inputs import FIELDS, load_stakeholders
from bilateral.simulate.montecarlo import Distribution, draw, generator
from bilateral.simulate.ratification import agreement_bounds, ratify
from bilateral.simulate.registry import get_model

Output = Literal["bargained", "ratified"]


def _evaluate(model: Any, sh: Any, batch: Batch, output: Output) -> np.ndarray:
    position = model.solve_batch(batch).position
    if output == "ratified":
        low, high = agreement_bounds(sh, batch.position)
        return ratify(position, low, high)
    return position


def one_at_a_time(source: Any = "russia-japan", model: Any = "compromise", *,
                  output: Output = "bargained", baseline: Forecast | None = None) -> pd.DataFrame:
    """Each input set to its low and then its high end, the others at their values.

    Returns one row per actor and input (``actor``, ``input``, ``low``, ``high``,
    ``forecast_at_low``, ``forecast_at_high``, ``swing`` = high − low, ``baseline``), sorted by
    |swing| (a tornado table). ``baseline``: the forecast already made on the point values (its
    stakeholders are then the source); the model's outcome there is the baseline column, not
    solved again.
    """
    sh = baseline.stakeholders if baseline is not None else load_stakeholders(source)
    model = get_model(model)
    base = Batch.of(sh)
    rows, keys = [], []
    for i, actor in enumerate(sh.actor):
        for fld in FIELDS:
            for side in ("low", "high"):
                arrays = {f: getattr(base, f).copy() for f in FIELDS}
                arrays[fld][0, i] = getattr(sh, f"{fld}_{side}")[i]
                rows.append(arrays)
            keys.append((actor, fld, float(getattr(sh, f"{fld}_low")[i]),
                         float(getattr(sh, f"{fld}_high")[i])))
    batch = Batch(*(np.concatenate([r[f] for r in rows]) for f in FIELDS), sh.scale, sh.status_quo)
    values = _evaluate(model, sh, batch, output).reshape(-1, 2)
    if baseline is not None and model.name in baseline.outcomes:
        position = baseline.outcomes[model.name].position
        value = baseline.ratification.project(position) if output == "ratified" else position
        at_values = float("nan") if value is None else float(value)
    else:
        at_values = float(_evaluate(model, sh, base, output)[0])
    frame = pd.DataFrame([{"actor": a, "input": f, "low": lo, "high": hi,
                           "forecast_at_low": v[0], "forecast_at_high": v[1], "swing": v[1] - v[0]}
                          for (a, f, lo, hi), v in zip(keys, values, strict=True)])
    frame["baseline"] = at_values
    frame = frame.reindex(frame["swing"].abs().sort_values(ascending=False, na_position="last").index)
    frame = frame.reset_index(drop=True)
    frame.attrs.update({"sources": list(sh.sources), "model": model.name, "output": output})
    return frame


def sobol_indices(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[float, float, int]:
    """(Sᵢ, Tᵢ, runs used) from model outputs on A, B and A_B⁽ⁱ⁾; NaN rows are left out."""
    keep = ~(np.isnan(f_a) | np.isnan(f_b) | np.isnan(f_ab))
    if keep.sum() < 2:
        return float("nan"), float("nan"), int(keep.sum())
    a, b, ab = f_a[keep], f_b[keep], f_ab[keep]
    centre = np.mean(np.concatenate([a, b]))
    a, b, ab = a - centre, b - centre, ab - centre  # same estimates, far smaller sampling error
    var = np.var(np.concatenate([a, b]))
    if var <= 0:
        return 0.0, 0.0, int(keep.sum())
    first = float(np.mean(b * (ab - a)) / var)
    total = float(np.mean((a - ab) ** 2) / (2 * var))
    return first, total, int(keep.sum())


def sobol(source: Any = "russia-japan", model: Any = "compromise", *, base_runs: int = 256,
          rng: int | np.random.Generator | None = 0, groups: Literal["actor", "input"] = "actor",
          output: Output = "bargained", distribution: Distribution = "triangular",
          bootstrap: int = 200) -> pd.DataFrame:
    """Variance-based sensitivity: Sobol first-order (``s1``) and total (``st``) indices per actor
    (or per input).

    Costs ``base_runs`` × (groups + 2) model runs, all solved in one vectorised batch. A 95 %
    bootstrap interval of Sᵢ (``s1_low``, ``s1_high``; resampling the base rows) is given when
    ``bootstrap`` > 0. ``rng`` (a seed or a ``Generator``) scrambles the Sobol points and draws
    the bootstrap.
    """
    if groups not in ("actor", "input"):
        raise BilateralError(f"groups={groups!r}: use actor or input")
    sh = load_stakeholders(source)
    model = get_model(model)
    gen = generator(rng)
    n, dims = sh.n, 3 * sh.n
    sample = qmc.Sobol(d=2 * dims, scramble=True, seed=gen).random(base_runs)
    u_a, u_b = sample[:, :dims], sample[:, dims:]
    columns = np.arange(dims).reshape(n, 3)
    if groups == "actor":
        labels = [(a, "all") for a in sh.actor]
        members = [columns[i] for i in range(n)]
    else:
        labels = [(a, f) for a in sh.actor for f in FIELDS]
        members = [np.array([columns[i, k]]) for i in range(n) for k in range(3)]
    blocks = [u_a, u_b]
    for cols in members:
        mixed = u_a.copy()
        mixed[:, cols] = u_b[:, cols]
        blocks.append(mixed)
    u = np.concatenate(blocks)
    batch = draw(sh, len(u), gen, distribution, u=u)
    values = _evaluate(model, sh, batch, output).reshape(len(blocks), base_runs)
    f_a, f_b = values[0], values[1]
    rows = []
    for (actor, fld), f_ab in zip(labels, values[2:], strict=True):
        first, total, used = sobol_indices(f_a, f_b, f_ab)
        low = high = float("nan")
        if bootstrap and used >= 2:
            draws = []
            for _ in range(bootstrap):
                idx = gen.integers(0, base_runs, base_runs)
                draws.append(sobol_indices(f_a[idx], f_b[idx], f_ab[idx])[0])
            low, high = (float(v) for v in np.nanpercentile(draws, [2.5, 97.5]))
        rows.append({"actor": actor, "input": fld, "s1": first, "s1_low": low, "s1_high": high,
                     "st": total, "runs": used})
    frame = pd.DataFrame(rows).sort_values("st", ascending=False, na_position="last")
    frame = frame.reset_index(drop=True)
    frame.attrs.update({"sources": list(sh.sources), "model": model.name, "output": output})
    return frame
