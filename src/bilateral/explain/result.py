"""What a test returns, the one verdict rule per kind of expectation, and the verdict as a sentence."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from bilateral.registry.methods import Expectation

ALPHA = 0.05
Side = Literal["up", "down", "either"]
SIGNS: dict[str, int] = {"up": 1, "down": -1, "either": 0}


@dataclass
class TestResult:
    """One method's answer: an effect with its interval, p-value and power, on ``n`` periods.

    ``effect`` is in the series' own units with its own sign (``unit`` says which: a difference of
    means, a change per 10 periods, a correlation …) — never flipped to suit the claim. ``mde``
    is the smallest absolute effect the test detects with probability 0.8 at α = 0.05.
    ``extra["sd"]`` is the series' standard deviation, the scale of "narrow" for null claims.
    """

    method: str
    effect: float
    low: float
    high: float
    p: float
    n: int
    detail: str = ""
    extra: dict = field(default_factory=dict)
    unit: str = ""
    mde: float = float("nan")


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def verdict(result: TestResult, expectation: Expectation, p_adjusted: float, side: Side = "either",
            alpha: float = ALPHA) -> str:
    """``supported`` / ``contradicted`` / ``inconclusive``: one rule per kind of expectation.

    - **Directional** (registry direction ±1; ``side`` may give the sign for a claim such as
      ``break_at`` whose registry direction only says "an effect"): a significant effect
      (adjusted p < α) of the expected sign supports, of the other sign contradicts; else
      inconclusive.
    - **Null** (direction 0, e.g. ``flat``, ``no_break``, ``none``): ``side`` is the departure the
      claim rules out ("flat" for "no decline" is ``down``). A significant departure that way
      contradicts; a significant effect the other way is what the claim allows, so it supports;
      an insignificant one supports only when the interval excludes a departure larger than
      ``extra["margin"]`` (default half a standard deviation, ``extra["sd"]``) on the ruled-out
      side — absence of evidence is not evidence of absence — else inconclusive.

    Contradiction always needs significance, so no claim is contradicted at a large adjusted p.
    """
    if not math.isfinite(p_adjusted) or not math.isfinite(result.effect):
        return "inconclusive"
    significant = p_adjusted < alpha
    sign = _sign(result.effect)
    wanted = SIGNS[side]
    if not expectation.null:
        if not significant:
            return "inconclusive"
        return "supported" if sign == (wanted or expectation.direction) else "contradicted"
    if significant:
        return "contradicted" if wanted in (0, sign) else "supported"
    margin = result.extra.get("margin", 0.5 * result.extra["sd"] if "sd" in result.extra else math.nan)
    if not math.isfinite(margin):
        return "inconclusive"
    up_excluded = result.high < margin
    down_excluded = result.low > -margin
    narrow = {1: up_excluded, -1: down_excluded, 0: up_excluded and down_excluded}[wanted]
    return "supported" if narrow else "inconclusive"


def _number(value: float) -> str:
    return f"{value:+.3g}" if math.isfinite(value) else "n/a"


def sentence(result: TestResult, expectation: Expectation, status: str, p_adjusted: float,
             side: Side = "either") -> str:
    """The verdict in words: what the claim expects, what the data show (signed, in the series'
    units, with interval and adjusted p), what that means, and the test's power."""
    ruled_out = {"up": " (a rise would contradict it)", "down": " (a fall would contradict it)"}.get(side, "")
    expects = f"Expects {expectation.meaning}{ruled_out if expectation.null else ''}."
    shown = (f"Data: {_number(result.effect)} {result.unit} [{_number(result.low)}, {_number(result.high)}]"
             f"{f', adjusted p = {p_adjusted:.3f}' if math.isfinite(p_adjusted) else ''}.")
    power = (f" It would detect an effect of ±{abs(result.mde):.3g} {result.unit} with probability 0.8."
             if math.isfinite(result.mde) else "")
    meaning = {"supported": "the data support the claim", "contradicted": "the data contradict the claim",
               "inconclusive": "the data neither support nor contradict it"}.get(status, status)
    return f"{expects} {shown} So {meaning}.{power}"
