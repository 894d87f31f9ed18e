"""Explain: the papers' hypotheses tested against measured series, with honest verdicts."""

from bilateral.explain.result import TestResult, verdict
from bilateral.explain.tests import (
    change_points,
    decoupling,
    event_study,
    granger,
    period_comparison,
    ranking,
    regression,
    trend,
)

__all__ = [
    "TestResult",
    "change_points",
    "decoupling",
    "event_study",
    "granger",
    "period_comparison",
    "ranking",
    "regression",
    "trend",
    "verdict",
]
