"""Shocks to the relations: dated impulses that decay with a half-life, or persist (docs/models.md §13).

A shock k that starts in period t_k has exposure

    x_k(t) = 0                      for t < t_k
    x_k(t) = 0.5 ** ((t − t_k)/h_k)  for t ≥ t_k  (decaying, half-life h_k periods)
    x_k(t) = 1                      for t ≥ t_k  (persistent: a new level)

(an intervention variable in the sense of Box & Tiao 1975, JASA 70(349):70–79, with the
exponential-decay "pulse" and the "step" as the two responses; time-limited factors after seed 003's
abstract, 003_38330fa16acfc2ba.txt:L6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from bilateral.errors import BilateralError

Kind = Literal["decaying", "persistent"]


@dataclass(frozen=True)
class Shock:
    """A dated shock to fit: when it starts, how it fades, the half-lives (years) it may take."""

    id: str
    start: pd.Period
    kind: Kind
    half_life: tuple[float, float] = (0.25, 30.0)
    name: str = ""
    source: str = ""
    locator: str = ""

    def __post_init__(self) -> None:
        low, high = self.half_life
        if not 0 < low < high:
            raise BilateralError(f"shock {self.id}: half_life range {low:g}–{high:g} must satisfy "
                                 "0 < low < high (years)")
        if self.kind not in ("decaying", "persistent"):
            raise BilateralError(f"shock {self.id}: kind {self.kind!r} — use decaying or persistent")


def periods_per_year(index: pd.PeriodIndex) -> int:
    """12 for a monthly index, 4 quarterly, 1 yearly."""
    code = index.freqstr[0].upper()
    per = {"M": 12, "Q": 4, "Y": 1, "A": 1}.get(code)
    if per is None:
        raise BilateralError(f"frequency {index.freqstr!r}: the relations dynamics take M, Q or Y series")
    return per


def elapsed(index: pd.PeriodIndex, start: pd.Period) -> np.ndarray:
    """Periods from ``start`` (converted to the index's frequency) to each period of the index."""
    first = start.asfreq(index.freq, how="start")
    return np.asarray(index.asi8 - first.ordinal, dtype=float)


def exposure(steps: np.ndarray, kind: Kind, half_life_periods: float | np.ndarray = 1.0) -> np.ndarray:
    """x(t) for ``steps`` = t − t_k (negative before the start): the pulse or the step above."""
    steps = np.asarray(steps, dtype=float)
    after = steps >= 0
    if kind == "persistent":
        return after.astype(float)
    return np.where(after, 0.5 ** (np.where(after, steps, 0.0) / half_life_periods), 0.0)


def half_life_of(decay: float) -> float:
    """Half-life (periods) of a per-period retention factor δ ∈ (0, 1): ln 0.5 / ln δ."""
    return float(np.log(0.5) / np.log(decay)) if 0 < decay < 1 else float("inf")
