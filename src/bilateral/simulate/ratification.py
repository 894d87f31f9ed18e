"""Ratification as a two-level game (Putnam 1988, International Organization 42(3):427–460).

Level II: each state's domestic ratifiers (the stakeholders with ``veto`` true and that ``state``)
accept an agreement y only if they prefer it to the status quo q. With symmetric loss, a ratifier
with ideal point r prefers y to q iff |y − r| < |q − r|, i.e. y lies strictly between q and 2r − q.
A state's win-set W_N is the intersection over its ratifiers; the agreement set Z is the
intersection of the states' win-sets. The status quo itself is not an agreement, so Z counts as
"no ratifiable agreement" when it is empty or shrinks to q alone (a ratifier sits on q, or two
ratifiers lie on opposite sides of it). A bargained outcome x is ratifiable as its projection onto
the closure of Z (for the Nash solution this is also the constrained optimum: its objective is
concave). Schelling's conjecture follows: the narrower one side's win-set, the nearer the projected
outcome to that side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bilateral.simulate.inputs import Stakeholders


@dataclass(frozen=True)
class WinSet:
    """One state's win-set [low, high] (open at q), the ratifiers that bound it, and their ideals."""

    state: str
    low: float
    high: float
    ratifiers: tuple[str, ...]
    pivotal: str
    empty: bool

    def row(self) -> dict[str, object]:
        return {"state": self.state, "low": None if self.empty else self.low,
                "high": None if self.empty else self.high, "empty": self.empty,
                "pivotal": self.pivotal, "ratifiers": ", ".join(self.ratifiers)}


def interval_of(ideal: np.ndarray, q: float, scale: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """A ratifier's acceptance interval: between q and 2r − q (Putnam's win-set, symmetric loss),
    cut to the scale. Works elementwise on arrays of ideal points."""
    mirror = 2 * ideal - q
    return np.maximum(np.minimum(q, mirror), scale[0]), np.minimum(np.maximum(q, mirror), scale[1])


def win_set_bounds(ideals: np.ndarray, q: float, scale: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Intersection of the ratifiers' intervals along the last axis: (low, high). Empty (no agreement
    beats q for all of them) when high − low is 0 or negative. With no ratifier: the whole scale."""
    if ideals.shape[-1] == 0:
        shape = ideals.shape[:-1]
        return np.full(shape, scale[0], float), np.full(shape, scale[1], float)
    low, high = interval_of(ideals, q, scale)
    return low.max(axis=-1), high.min(axis=-1)


def groups(sh: Stakeholders) -> dict[str, list[int]]:
    """Indices of the veto players of each state (a veto player without a state is its own group)."""
    out: dict[str, list[int]] = {}
    for i in np.flatnonzero(sh.veto):
        out.setdefault(sh.state[i] or sh.actor[i], []).append(int(i))
    return out


def win_sets(sh: Stakeholders, position: np.ndarray | None = None) -> list[WinSet]:
    """Each state's win-set from its veto players' positions (default: the point values)."""
    x = sh.position if position is None else position
    q = sh.scale[0] if sh.status_quo is None else sh.status_quo
    out = []
    for state, idx in groups(sh).items():
        lows, highs = interval_of(x[idx], q, sh.scale)
        low, high = float(lows.max()), float(highs.min())
        gap = np.abs(x[idx] - q)
        binding = [sh.actor[i] for i, g in zip(idx, gap, strict=True) if g == gap.min()]
        out.append(WinSet(state, low, high, tuple(sh.actor[i] for i in idx), " and ".join(binding),
                          empty=high - low <= 0))
    return out


def agreement_bounds(sh: Stakeholders, position: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Z = ∩ W_N for each draw: (low, high) arrays over the rows of ``position`` (R, n) or scalars."""
    x = sh.position if position is None else position
    q = sh.scale[0] if sh.status_quo is None else sh.status_quo
    veto = np.flatnonzero(sh.veto)
    return win_set_bounds(np.asarray(x)[..., veto], q, sh.scale)


def ratify(outcome: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The ratifiable outcome: the bargained outcome projected onto [low, high]; NaN where Z is
    empty (no ratifiable agreement) or the model had no solution."""
    ok = (high - low > 0) & ~np.isnan(outcome)
    return np.where(ok, np.clip(outcome, low, high), np.nan)


@dataclass(frozen=True)
class Ratification:
    """The two-level picture for one stakeholder table."""

    win_sets: list[WinSet]
    low: float
    high: float
    status_quo: float
    sources: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.high - self.low <= 0

    def project(self, outcome: float | None) -> float | None:
        if outcome is None or self.empty:
            return None
        return float(np.clip(outcome, self.low, self.high))

    def table(self) -> pd.DataFrame:
        rows = [w.row() for w in self.win_sets]
        rows.append({"state": "agreement set Z", "low": None if self.empty else self.low,
                     "high": None if self.empty else self.high, "empty": self.empty,
                     "pivotal": "", "ratifiers": "intersection of the win-sets"})
        frame = pd.DataFrame(rows)
        frame.attrs["sources"] = list(self.sources)
        return frame

    def _repr_html_(self) -> str:
        return self.table().to_html(index=False)

    def describe(self) -> str:
        if not self.win_sets:
            return "no veto players given: ratification is not modelled (Z is the whole scale)"
        if self.empty:
            return (f"no ratifiable agreement: no point beats the status quo {self.status_quo:g} "
                    "for every veto player")
        parts = [f"W_{w.state} = [{w.low:g}, {w.high:g}] (bound by {w.pivotal})" for w in self.win_sets]
        return f"{'; '.join(parts)}; agreement set Z = [{self.low:g}, {self.high:g}]"


def ratification(sh: Stakeholders) -> Ratification:
    """Win-sets and the agreement set Z of a stakeholder table at its point values.

    A veto player with ideal point r accepts y over the status quo q iff |y − r| < |q − r|; each
    state's win-set intersects its veto players' intervals and Z intersects the states' win-sets
    (docs/models.md §4).

    Parameters
    ----------
    sh
        The stakeholders; ratifiers are those with ``veto`` true, grouped by ``state``.

    Returns
    -------
    Ratification
        Each state's win-set, Z as ``low`` and ``high`` (``empty`` when there is none), and q.

    References
    ----------
    Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of two-level games.
    *International Organization* 42(3), 427–460.

    Examples
    --------
    >>> rat = simulate.ratification(simulate.load_stakeholders("russia-japan"))
    >>> rat.low, rat.high
    (0.0, 10.0)
    """
    low, high = agreement_bounds(sh)
    q = sh.scale[0] if sh.status_quo is None else sh.status_quo
    return Ratification(win_sets(sh), float(low), float(high), float(q), tuple(sh.sources))
