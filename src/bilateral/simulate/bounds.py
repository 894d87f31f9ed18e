"""Honest bounds before any Monte Carlo: when the inputs alone fix the answer, and what it would take
to open a deal at the breakthrough threshold (docs/models.md §15).

From the win-set of :mod:`bilateral.simulate.ratification` (Putnam 1988, symmetric loss): a veto
player with ideal r accepts y only between the status quo q and its mirror 2r − q, so the agreement
set Z = ∩ W_N ends at min_v max(q, 2 r_v − q), and the ratifiable outcome is the bargained one
clipped to Z. A ratified outcome at or above a threshold T > q therefore needs, for every veto
player v, 2 r_v − q ≥ T, i.e.

    r_v ≥ r* = (T + q) / 2.

If some veto player's highest reachable ideal (the top of its range plus the largest upward shift
its couplings allow) stays below r*, no draw of the inputs can produce a breakthrough: the
probability is 0 by construction, and the highest ratifiable agreement is min_v (2 r̄_v − q).
The rule is necessary, not sufficient: the bargained outcome must also reach T, which
:func:`what_it_would_take` checks by solving every model with the binding players moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bilateral.errors import BilateralError
from bilateral.simulate.base import Batch
from bilateral.simulate.inputs import Stakeholders
from bilateral.simulate.ratification import agreement_bounds, ratify
from bilateral.simulate.registry import get_models


@dataclass(frozen=True, repr=False)
class Bound:
    """The exact check for one stakeholder table (and, optionally, its couplings' largest shifts)."""

    threshold: float
    status_quo: float
    needed: float
    rows: pd.DataFrame
    sources: tuple[str, ...] = ()

    @property
    def fixed(self) -> bool:
        """True when no draw can reach the threshold: P(breakthrough) = 0 by construction."""
        return bool(self.rows["binding"].any())

    @property
    def ceiling(self) -> float:
        """The highest ratifiable agreement any draw allows: min over veto players of 2 r̄ − q."""
        return float(self.rows["ceiling"].min())

    @property
    def binding(self) -> list[str]:
        return list(self.rows.loc[self.rows["binding"], "actor"])

    def table(self) -> pd.DataFrame:
        frame = self.rows.copy()
        frame.attrs["sources"] = sorted(set(self.sources))
        return frame

    def describe(self) -> str:
        """The rule in words, e.g. "no ratifiable agreement above 40 is possible while …"."""
        if not self.fixed:
            return (f"not fixed by the inputs: every veto player can reach {self.needed:g}, so a "
                    f"ratified agreement at {self.threshold:g} is possible (ceiling {self.ceiling:g})")
        reach = self.rows.set_index("actor").loc[self.binding, "reach"]
        who = " and ".join(f"{a}'s" for a in self.binding)
        stays = f"{reach.max():g}" if reach.nunique() == 1 else "/".join(f"{v:g}" for v in reach)
        noun = "position stays" if len(self.binding) == 1 else "positions stay"
        return (f"no ratifiable agreement above {self.ceiling:g} is possible while {who} {noun} "
                f"≤ {stays}; a breakthrough at {self.threshold:g} needs every veto player at ≥ "
                f"{self.needed:g}, so P(breakthrough) = 0 by construction")

    def __repr__(self) -> str:
        return f"Bound({self.describe()})"


def upward_reach(couplings: Iterable[Any], actor: str, field: str = "position") -> float:
    """The largest upward shift of ``actor``'s ``field`` the couplings allow: per coupling
    min(cap, sup slope·(d − reference)) over its slope range and its driver's domain (the relation
    is unbounded, the other drivers lie in [0, 1])."""
    total = 0.0
    for c in couplings:
        if c.actor != actor or c.field != field:
            continue
        if c.driver == "relation":
            up = c.cap if max(abs(c.slope[0]), abs(c.slope[1])) > 0 else 0.0
        else:
            corners = [s * (d - c.reference) for s in c.slope for d in (0.0, 1.0)]
            up = min(c.cap, max(0.0, *corners))
        total += up
    return total


def bound(sh: Stakeholders, couplings: Sequence[Any] = (), threshold: float | None = None) -> Bound:
    """The exact check above for ``sh`` (its ranges) and the couplings' largest shifts."""
    threshold = sh.breakthrough if threshold is None else threshold
    if threshold is None:
        raise BilateralError("bound: no breakthrough threshold — pass threshold= or load the stakeholders "
                             "from a case (case.yaml breakthrough.threshold)")
    q = sh.scale[0] if sh.status_quo is None else sh.status_quo
    needed = (threshold + q) / 2
    rows = []
    for i in np.flatnonzero(sh.veto):
        actor = sh.actor[i]
        shift = upward_reach(couplings, actor)
        reach = float(min(sh.scale[1], sh.position_high[i] + shift))
        rows.append({"actor": actor, "state": sh.state[i] or actor, "position": float(sh.position[i]),
                     "range_high": float(sh.position_high[i]), "coupling_reach": shift, "reach": reach,
                     "ceiling": float(min(sh.scale[1], max(q, 2 * reach - q))), "needed": needed,
                     "binding": reach < needed, "gap_from_range": max(0.0, needed - reach),
                     "gap_from_point": max(0.0, needed - float(sh.position[i]))})
    return Bound(float(threshold), float(q), float(needed), pd.DataFrame(rows), tuple(sh.sources))


def what_it_would_take(sh: Stakeholders, models: Any = "all", threshold: float | None = None,
                       step: float = 1.0) -> pd.DataFrame:
    """The smallest common position x for the veto players now below r* (moved to max(r, x)), at
    the point values of everyone else, at which each model's ratified outcome reaches the
    threshold; every x on a grid of ``step`` from r* to the top of the scale is solved in one batch.

    One row per model: the actors moved, their positions now, the x needed (NaN: not even at the
    top of the scale), how far each moves, and the ratified outcome there.
    """
    b = bound(sh, (), threshold)
    moved = [a for a, p in zip(b.rows["actor"], b.rows["position"], strict=True) if p < b.needed]
    grid = np.arange(b.needed, sh.scale[1] + step / 2, step)
    pos = np.repeat(sh.position[None, :].astype(float), grid.size, axis=0)
    idx = [sh.actor.index(a) for a in moved]
    pos[:, idx] = np.maximum(pos[:, idx], grid[:, None])
    batch = Batch(pos, np.repeat(sh.salience[None, :], grid.size, axis=0),
                  np.repeat(sh.capability[None, :], grid.size, axis=0), sh.scale, sh.status_quo)
    low, high = agreement_bounds(sh, pos)
    rows = []
    for model in get_models(models):
        ratified = ratify(model.solve_batch(batch).position, low, high)
        hit = np.flatnonzero(ratified >= b.threshold - 1e-9)
        x = float(grid[hit[0]]) if hit.size else float("nan")
        rows.append({"model": model.name, "actors": ", ".join(moved),
                     "now": ", ".join(f"{sh.position[i]:g}" for i in idx), "needed_position": x,
                     "shift": ", ".join(f"+{x - sh.position[i]:g}" for i in idx) if hit.size else "",
                     "ratified_there": float(ratified[hit[0]]) if hit.size else float("nan")})
    frame = pd.DataFrame(rows)
    frame.attrs["sources"] = sorted(set(sh.sources))
    return frame
