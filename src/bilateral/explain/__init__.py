"""Explain: the papers' hypotheses tested against measured series, with honest verdicts.

    from bilateral import explain
    table = explain.evaluate(case)            # one row per hypothesis and series
    explain.summarise(table, case)            # one verdict per hypothesis

    evidence = explain.Evidence(case)         # share the series between testing and plotting
    table = explain.evaluate(case, evidence=evidence, rng=1)
    series, sources = evidence.series("opinion.dislike_russia", "Y")

Each method is a plain function (``explain.trend(series)`` …) and a class in :data:`METHODS`
bound to the explain-method registry (:mod:`bilateral.registry.methods`).
"""

from bilateral.explain.engine import evaluate, summarise
from bilateral.explain.evidence import Evidence, MeasuredSource, NoData, SeriesSource
from bilateral.explain.methods import (
    METHODS,
    Context,
    Method,
    change_points,
    decoupling,
    event_study,
    granger,
    period_comparison,
    ranking,
    regression,
    trend,
)
from bilateral.explain.result import TestResult, verdict

__all__ = [
    "METHODS",
    "Context",
    "Evidence",
    "MeasuredSource",
    "Method",
    "NoData",
    "SeriesSource",
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
