"""Explain: the papers' hypotheses tested against measured series, with honest verdicts.

    from bilateral import explain
    table = explain.evaluate(case)            # one row per hypothesis and series
    explain.summarise(table, case)            # one verdict per hypothesis
    explain.drivers(table, explain.summarise(table, case), case)   # what moves relations, ranked

    evidence = explain.Evidence(case)         # share the series between testing and plotting
    table = explain.evaluate(case, evidence=evidence, rng=1)
    series, sources = evidence.series("opinion.dislike_russia", "Y")

Each method is a plain function (``explain.trend(series)`` …) and a class in :data:`METHODS`
bound to the explain-method registry (:mod:`bilateral.registry.methods`); every p-value is
calibrated for serial correlation (:mod:`bilateral.explain.bootstrap`), and
:func:`bilateral.explain.calibration.calibrate` measures each method's size and power.
"""

from bilateral.explain.drivers import drivers, what_moves
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
from bilateral.explain.result import TestResult, sentence, verdict

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
    "drivers",
    "evaluate",
    "event_study",
    "granger",
    "period_comparison",
    "ranking",
    "regression",
    "sentence",
    "summarise",
    "trend",
    "verdict",
    "what_moves",
]
