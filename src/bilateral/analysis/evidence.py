"""The evidence: every hypothesis of the case tested on the series it names, one verdict per claim,
and the driver table (what moves relations).

The tests, verdict rules and driver table are :mod:`bilateral.explain`'s; this part keeps the
per-test table, the per-claim verdicts, the ranked factors and the series each test used (from the
analysis' shared cache), and draws, for each claim, the first series that could be tested with the
dates the claim names, and the factors' standardised effects. :func:`calibration` runs the
methods' calibration study (size and power on simulated series) for the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from bilateral.analysis.result import Result, _cited
from bilateral.case import Case
from bilateral.errors import BilateralError

STATUSES = ("supported", "contradicted", "inconclusive", "no data")


def series_figure(series: pd.Series, title: str, marks: list[str]) -> go.Figure:
    """A small line chart of one tested series, with the claim's dates as dotted lines."""
    fig = go.Figure(go.Scatter(x=series.index.to_timestamp(), y=series.to_numpy(), mode="lines+markers",
                               marker={"size": 4}, line={"color": "#1f4e9a"}, name=title))
    for mark in marks:
        fig.add_vline(x=pd.Timestamp(mark).value / 1e6, line={"color": "#b22222", "dash": "dot"})
    fig.update_layout(height=200, margin={"l": 40, "r": 10, "t": 24, "b": 24}, template="plotly_white",
                      title={"text": title, "font": {"size": 12}}, showlegend=False)
    return fig


def drivers_figure(table: pd.DataFrame) -> go.Figure:
    """The tested factors' standardised effects with their intervals, best-ranked at the top."""
    shown = table[table["effect_sd"].notna()].iloc[::-1]
    colours = shown["status"].map({"supported": "#2e7d32", "contradicted": "#b22222"}).fillna("#777777")
    fig = go.Figure(go.Scatter(
        x=shown["effect_sd"], y=shown["name"], mode="markers", marker={"color": list(colours), "size": 8},
        error_x={"type": "data", "symmetric": False, "array": shown["high_sd"] - shown["effect_sd"],
                 "arrayminus": shown["effect_sd"] - shown["low_sd"]}))
    fig.add_vline(x=0, line={"color": "#999", "dash": "dot"})
    fig.update_layout(height=max(200, 22 * len(shown) + 60), margin={"l": 10, "r": 10, "t": 24, "b": 30},
                      template="plotly_white", xaxis_title="effect (SD of the series), 95% interval",
                      title={"text": "What moves relations", "font": {"size": 12}}, showlegend=False)
    return fig


@dataclass(frozen=True, repr=False, kw_only=True)
class EvidenceResult(Result):
    """The evidence part of an analysis: every hypothesis tested, one verdict per claim.

    Attributes
    ----------
    tests
        One row per hypothesis and series: effect, interval, adjusted p, power.
    verdicts
        One row per hypothesis: supported, contradicted, inconclusive or no data, with the
        reason (``table()``).
    drivers
        One row per factor the hypotheses name, ranked (`bilateral.explain.drivers`).
    answer
        The sentence answering "what moves relations".
    adjustment
        The multiple-testing correction used (``holm``, ``fdr_bh``, …).
    series
        The series each test read, by reference.

    Examples
    --------
    >>> ev = bilateral.Analysis("russia-japan", rng=1).evidence
    >>> ev.counts()
    {'supported': 1, 'contradicted': 0, 'inconclusive': 34, 'no data': 27}
    >>> ev.tests_of("H09")                 # every test of one claim
    """

    case: Case | None = None
    tests: pd.DataFrame | None = None
    verdicts: pd.DataFrame | None = None
    drivers: pd.DataFrame | None = None
    answer: str = ""
    adjustment: str = "holm"
    series: dict[str, pd.Series] | None = None

    def table(self) -> pd.DataFrame:
        """The verdict per claim."""
        return _cited(self.verdicts.copy() if self.verdicts is not None else pd.DataFrame(), self.sources)

    def counts(self) -> dict[str, int]:
        """Claims per status, every status present (0 where none)."""
        found = self.verdicts["status"].value_counts().to_dict() if self.verdicts is not None else {}
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def summary(self) -> dict[str, Any]:
        out = {**super().summary(), "adjustment": self.adjustment, "counts": self.counts()}
        if self.verdicts is not None:
            out["contradicted"] = list(self.verdicts.loc[self.verdicts["status"] == "contradicted", "hypothesis"])
            out["supported"] = list(self.verdicts.loc[self.verdicts["status"] == "supported", "hypothesis"])
        if self.drivers is not None:
            out["what_moves"] = self.answer
            top = self.drivers[self.drivers["status"].isin(["supported", "contradicted"])]
            out["drivers"] = [{"factor": r.factor, "status": r.status, "effect_sd": round(float(r.effect_sd), 3)}
                              for r in top.itertuples()]
        return out

    def tests_of(self, hypothesis: str) -> pd.DataFrame:
        """The tests that ran for one hypothesis (not those without data)."""
        if self.tests is None:
            return pd.DataFrame()
        rows = self.tests[(self.tests["hypothesis"] == hypothesis) & (self.tests["status"] != "no data")]
        return rows.reset_index(drop=True)

    def figures(self) -> dict[str, go.Figure]:
        """Per claim with a test that ran: its first series, the claim's dates marked."""
        if self.case is None or not self.series:
            return {}
        out = {}
        if self.drivers is not None and self.drivers["effect_sd"].notna().any():
            out["drivers"] = drivers_figure(self.drivers)
        days = {e.id: e.day.isoformat() for e in self.case.events}
        for h in self.case.hypotheses:
            ran = self.tests_of(h.id)
            if ran.empty:
                continue
            ref = ran.iloc[0]["series"]
            values = self.series.get(f"{h.id}|{ref}")
            if values is not None:
                marks = [days.get(m, m) for m in [*(h.test.event or []), *(h.test.at or [])]]
                out[h.id] = series_figure(values, ref, marks)
        return out


def evidence(case: Case, resolver: Any, *, adjust: str = "holm", rng: Any = 0,
             hypotheses: list[str] | None = None) -> EvidenceResult:
    """Evaluate the hypotheses of ``case`` (all, or those named) on the series ``resolver`` (an
    :class:`bilateral.explain.Evidence`) gives, and keep the series each test used."""
    from bilateral import explain

    try:
        tests = explain.evaluate(case, hypotheses=hypotheses, evidence=resolver, adjust=adjust, rng=rng)
    except BilateralError as err:
        return EvidenceResult(available=False, reason=str(err), case=case, adjustment=adjust)
    verdicts = explain.summarise(tests, case)
    factors = explain.drivers(tests, verdicts, case)
    used = {}
    claims = {h.id: h for h in case.hypotheses}
    for row in tests[tests["status"] != "no data"].itertuples():
        used[f"{row.hypothesis}|{row.series}"] = resolver.series(row.series, claims[row.hypothesis].test.freq)[0]
    return EvidenceResult(case=case, tests=tests, verdicts=verdicts, drivers=factors,
                          answer=explain.what_moves(factors), adjustment=adjust, series=used,
                          sources=tuple(tests.attrs.get("sources", ())))


@dataclass(frozen=True, repr=False, kw_only=True)
class CalibrationResult(Result):
    """The calibration study: false alarm and power by method, n and φ (``study``)."""

    study: pd.DataFrame | None = None

    def table(self) -> pd.DataFrame:
        return _cited(self.study.copy() if self.study is not None else pd.DataFrame(), self.sources)

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        if self.study is not None:
            outside = self.study[~self.study["in_band"]]
            out.update(cells=len(self.study), in_band=int(self.study["in_band"].sum()),
                       outside=[f"{r.method} n={r.n} φ={r.phi}: {r.false_alarm:.3f}" for r in outside.itertuples()])
        return out


def calibration(reps: int, *, seed: int = 0, methods: list[str] | None = None) -> CalibrationResult:
    """Run :func:`bilateral.explain.calibration.calibrate` with ``reps`` replications per cell."""
    from bilateral.explain.calibration import calibrate

    return CalibrationResult(study=calibrate(reps, seed=seed, methods=methods))
