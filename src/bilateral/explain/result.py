"""What a test returns, and how a result becomes a verdict."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bilateral.registry.methods import Expectation

ALPHA = 0.05


@dataclass
class TestResult:
    """One method's answer: an effect with its interval and p-value, and what it was measured on.

    ``effect`` is signed so that a positive value means the hypothesis' direction for directional
    expectations (``increase``, ``higher``, ``positive``, ``causes`` …). ``n`` is the number of
    periods used.
    """

    method: str
    effect: float
    low: float
    high: float
    p: float
    n: int
    detail: str = ""
    extra: dict = field(default_factory=dict)


def verdict(result: TestResult, expectation: Expectation, p_adjusted: float, alpha: float = ALPHA) -> str:
    """``supported`` / ``contradicted`` / ``inconclusive`` from the adjusted p and the effect's sign.

    ``expectation`` is a registry entry (:mod:`bilateral.registry.methods`); its direction says
    whether the claim is directional (±1, the effect already oriented that way) or null (0).
    Directional expectations are supported by a significant effect in the expected direction and
    contradicted by a significant effect against it. Null expectations (no change, no effect,
    decoupled …) are contradicted by a significant effect and otherwise only *not contradicted*:
    they are reported as supported only when the interval is also narrow (excludes effects larger
    than half the series' standard deviation, ``extra['sd']``), else inconclusive.
    """
    if not np.isfinite(p_adjusted) or not np.isfinite(result.effect):
        return "inconclusive"
    significant = p_adjusted < alpha
    if expectation.null:
        if significant:
            return "contradicted"
        scale = result.extra.get("sd")
        narrow = scale is not None and max(abs(result.low), abs(result.high)) < 0.5 * scale
        return "supported" if narrow else "inconclusive"
    if not significant:
        return "inconclusive"
    return "supported" if result.effect > 0 else "contradicted"
