"""Explain: the papers' hypotheses tested against measured series, with honest verdicts.

    from bilateral import explain
    table = explain.evaluate(case)            # one row per hypothesis and series
    explain.summarise(table, case)            # one verdict per hypothesis
"""

from bilateral.explain.engine import explain as evaluate
from bilateral.explain.engine import summarise
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
    "evaluate",
    "event_study",
    "granger",
    "period_comparison",
    "ranking",
    "regression",
    "summarise",
    "trend",
    "verdict",
]
